"""Back up and restore the database.

SQLite is copied with SQLite's online backup API: a consistent snapshot even while the
server writes, including what still sits in the write-ahead log (copying the file would
not be).  A restore checks the backup first, refuses to pull the file from under a running
server, keeps the current database as ``<name>.before-restore`` and swaps the new file in
with one atomic rename.  PostgreSQL has its own tools (``pg_dump``/``pg_restore``); for it
this module only builds the exact commands, without the password.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shlex
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

BEFORE_RESTORE_SUFFIX = ".before-restore"


class BackupError(RuntimeError):
    """A backup or restore that cannot be done safely; the message says why."""


@dataclass(frozen=True)
class TableSummary:
    """Row count and content checksum of one table."""

    name: str
    rows: int
    sha256: str


def sqlite_file(database_url: str) -> Path | None:
    """The database file of a SQLite URL; None for other databases."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(url.database)


@contextlib.contextmanager
def _connect(path: Path, *, read_only: bool = False) -> Iterator[sqlite3.Connection]:
    if read_only:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=15)
    else:
        conn = sqlite3.connect(path, timeout=15)
    try:
        yield conn
    finally:
        conn.close()


def integrity(path: Path) -> str:
    """``PRAGMA integrity_check`` of a SQLite file: ``"ok"`` or SQLite's list of problems."""
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    try:
        with _connect(path, read_only=True) as conn:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return f"not a readable SQLite database ({exc})"
    return "; ".join(str(row[0]) for row in rows)


def _tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    ).fetchall()
    return [str(row[0]) for row in rows]


def summarize(path: Path) -> list[TableSummary]:
    """Row count and SHA-256 over every table's rows ordered by primary key (or rowid)."""
    summaries: list[TableSummary] = []
    with _connect(path, read_only=True) as conn:
        for table in _tables(conn):
            columns = conn.execute(f'PRAGMA table_info("{table}")').fetchall()
            keys = [f'"{c[1]}"' for c in sorted(columns, key=lambda c: c[5]) if c[5]]
            order = ", ".join(keys) if keys else "rowid"
            digest = hashlib.sha256()
            count = 0
            for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY {order}'):
                digest.update(repr(row).encode())
                count += 1
            summaries.append(TableSummary(table, count, digest.hexdigest()))
    return summaries


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _snapshot(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` (a new file) with the backup API, then fsync it."""
    with _connect(source) as src, _connect(target) as dst:
        src.backup(dst)
    with target.open("rb+") as fh:
        os.fsync(fh.fileno())


def _temp_beside(target: Path, tag: str) -> Path:
    temp = target.with_name(f".{target.name}.{tag}-{os.getpid()}.tmp")
    temp.unlink(missing_ok=True)
    return temp


def backup_sqlite(database: Path, output: Path) -> list[TableSummary]:
    """Write a consistent copy of a (possibly live) SQLite database to ``output``.

    The copy is written next to ``output`` under a temporary name, checked, fsynced and
    renamed, so ``output`` is either the old file or a complete backup, never half of one.
    """
    if not database.is_file():
        raise BackupError(f"{database}: no such database file")
    output = output.resolve()
    if output == database.resolve():
        raise BackupError("the backup file must not be the database itself")
    if not output.parent.is_dir():
        raise BackupError(f"{output.parent}: no such folder")
    temp = _temp_beside(output, "backup")
    try:
        _snapshot(database, temp)
        with _connect(temp) as conn:
            # A backup is one self-contained file: no write-ahead log beside it.
            conn.execute("PRAGMA journal_mode = DELETE")
        check = integrity(temp)
        if check != "ok":
            raise BackupError(f"the copy failed its integrity check: {check}")
        summary = summarize(temp)
        os.replace(temp, output)
        _fsync_dir(output.parent)
    finally:
        temp.unlink(missing_ok=True)
    return summary


def database_in_use(database: Path) -> bool:
    """True when another process (a server, a worker) has the database open.

    In WAL mode every open connection holds a shared lock that an exclusive-mode
    connection cannot get past, so an idle server is noticed as well as a busy one.
    """
    if not database.exists():
        return False
    conn = sqlite3.connect(database, timeout=0, isolation_level=None)
    try:
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("ROLLBACK")
    except sqlite3.OperationalError:
        return True
    finally:
        conn.close()
    return False


def _check_backup(backup: Path) -> None:
    if not backup.is_file():
        raise BackupError(f"{backup}: no such file")
    with backup.open("rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise BackupError(f"{backup}: not a SQLite database file")
    check = integrity(backup)
    if check != "ok":
        raise BackupError(f"{backup}: integrity check failed: {check}")
    with _connect(backup, read_only=True) as conn:
        if "alembic_version" not in _tables(conn):
            raise BackupError(f"{backup}: not a saleshealth database (no alembic_version table)")


def restore_sqlite(backup: Path, database: Path, *, force: bool = False) -> list[TableSummary]:
    """Replace ``database`` by ``backup``; the old file is kept as ``<name>.before-restore``.

    Refuses when the backup fails ``PRAGMA integrity_check`` or when another process has the
    database open (stop the server and workers first; ``force`` skips only that check).
    The new file is written beside the database, fsynced and renamed over it atomically.
    """
    _check_backup(backup)
    database = database.resolve()
    if not database.parent.is_dir():
        raise BackupError(f"{database.parent}: no such folder")
    if not force and database_in_use(database):
        raise BackupError(
            f"{database} is open in another process (is `saleshealth serve` or a worker "
            "running?). Stop it first, or pass --force if you are sure nothing uses it."
        )
    temp = _temp_beside(database, "restore")
    try:
        _snapshot(backup, temp)
        check = integrity(temp)
        if check != "ok":
            raise BackupError(f"the restored copy failed its integrity check: {check}")
        if database.exists():
            # A consistent copy of the current state, including its write-ahead log.
            keep = database.with_name(database.name + BEFORE_RESTORE_SUFFIX)
            keep_temp = _temp_beside(keep, "keep")
            try:
                _snapshot(database, keep_temp)
                with _connect(keep_temp) as conn:
                    conn.execute("PRAGMA journal_mode = DELETE")
                os.replace(keep_temp, keep)
            finally:
                keep_temp.unlink(missing_ok=True)
            with _connect(database) as conn:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        # A leftover log of the old file must never be replayed into the new one.
        for suffix in ("-wal", "-shm", "-journal"):
            database.with_name(database.name + suffix).unlink(missing_ok=True)
        os.replace(temp, database)
        _fsync_dir(database.parent)
    finally:
        temp.unlink(missing_ok=True)
    return summarize(database)


@dataclass(frozen=True)
class PostgresCommands:
    """The ``pg_dump``/``pg_restore`` commands for a PostgreSQL URL (never its password)."""

    dump: str
    restore: str
    has_password: bool


def _pg_args(url: URL) -> list[str]:
    args: list[str] = []
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    return args


def postgres_commands(database_url: str, file: str) -> PostgresCommands:
    """Build the dump and restore commands for a PostgreSQL ``DATABASE_URL``."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        raise BackupError(f"not a PostgreSQL URL: {url.get_backend_name()}")
    name = url.database or ""
    conn = _pg_args(url)
    dump = ["pg_dump", "--format=custom", *conn, "--dbname", name, "--file", file]
    restore = ["pg_restore", "--clean", "--if-exists", "--no-owner", *conn, "--dbname", name]
    return PostgresCommands(
        dump=shlex.join(dump),
        restore=shlex.join([*restore, file]),
        has_password=url.password is not None,
    )
