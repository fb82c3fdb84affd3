"""SQLite settings for many concurrent requests on one file.

WAL lets readers work while one writer writes; ``busy_timeout`` makes a writer wait for the
lock instead of failing; foreign keys are enforced.  The driver's own transaction handling
is switched off so that write transactions can start with ``BEGIN IMMEDIATE``: they take the
write lock up front and wait for it, rather than upgrading a read lock midway and failing
with "database is locked".
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event

BUSY_TIMEOUT_MS = 15_000
WRITE_OPTION = "saleshealth_write"


def configure_sqlite(engine: Engine) -> None:
    """Install the pragmas and the BEGIN handling on a SQLite engine (no-op otherwise)."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        write = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
