"""Rate-limit counters shared by every process on one machine, in a small SQLite file.

Flask-Limiter keeps its counters in the storage named by ``RATELIMIT_STORAGE_URI``.  With
``memory://`` each gunicorn worker counted on its own, so ``saleshealth serve`` (four
workers) let four times the documented attempts through: 80 wrong passwords in 8.6 s
received 40 answers before the first 429.  Without Redis the counters now live in
``instance/ratelimits.sqlite`` (scheme ``saleshealth-sqlite://``), which every worker of the
machine shares; with ``REDIS_URL`` they live in Redis, shared across machines.

Fixed windows, as Flask-Limiter's default strategy uses them: ``incr`` starts a window of
``expiry`` seconds on first use and counts within it; a counter past its window reads 0.
Each increment is one ``BEGIN IMMEDIATE`` transaction, so concurrent workers never lose a
count.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from limits.storage import Storage

SCHEME = "saleshealth-sqlite"


class SQLiteStorage(Storage):
    """A ``limits`` storage on a SQLite file: ``saleshealth-sqlite:///path/to/file``."""

    STORAGE_SCHEME = [SCHEME]  # noqa: RUF012  (declared by limits as a plain attribute)

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options: Any) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.path = Path(uri.split("://", 1)[1])
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        with self._connect() as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS counter ("
                " key TEXT PRIMARY KEY, value INTEGER NOT NULL, expires REAL NOT NULL)"
            )

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        """Errors of the SQLite driver (wrapped by ``limits`` when asked to)."""
        return sqlite3.Error

    def _connect(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=15, isolation_level=None)
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            self._local.conn = conn
        return conn

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Count ``amount`` in the key's current window (a new one when it has expired)."""
        now = time.time()
        conn = self._connect()
        conn.execute("BEGIN IMMEDIATE")
        try:
            row = conn.execute(
                "SELECT value, expires FROM counter WHERE key = ?", (key,)
            ).fetchone()
            if row is None or row[1] <= now:
                value = amount
                conn.execute(
                    "INSERT OR REPLACE INTO counter (key, value, expires) VALUES (?, ?, ?)",
                    (key, value, now + expiry),
                )
            else:
                value = int(row[0]) + amount
                conn.execute("UPDATE counter SET value = ? WHERE key = ?", (value, key))
            if value == amount:  # a new window: drop other expired counters now and then
                conn.execute("DELETE FROM counter WHERE expires <= ?", (now,))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return value

    def get(self, key: str) -> int:
        """The count in the key's current window (0 when none is running)."""
        row = (
            self._connect()
            .execute("SELECT value FROM counter WHERE key = ? AND expires > ?", (key, time.time()))
            .fetchone()
        )
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        """When the key's window ends (now when none is running)."""
        row = (
            self._connect().execute("SELECT expires FROM counter WHERE key = ?", (key,)).fetchone()
        )
        return float(row[0]) if row else time.time()

    def check(self) -> bool:
        """Whether the file can be read."""
        try:
            self._connect().execute("SELECT 1").fetchone()
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        """Forget every counter; returns how many there were."""
        cur = self._connect().execute("DELETE FROM counter")
        return cur.rowcount

    def clear(self, key: str) -> None:
        """Forget one key's counter."""
        self._connect().execute("DELETE FROM counter WHERE key = ?", (key,))


def default_uri(instance_path: str) -> str:
    """The embedded default: a counter file in the instance folder."""
    return f"{SCHEME}:///{Path(instance_path) / 'ratelimits.sqlite'}"
