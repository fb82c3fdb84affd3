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
ANALYSIS_LIMIT = 1000
"""Rows sampled per index by ANALYZE: statistics in milliseconds even for a large file."""


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

    @event.listens_for(engine, "close")
    def _on_close(dbapi_conn: Any, record: Any) -> None:
        # SQLite's advice for long-lived connections: let it refresh the statistics of the
        # tables this connection used, when they changed enough to matter.
        try:
            dbapi_conn.execute(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
            dbapi_conn.execute("PRAGMA optimize")
        except Exception:  # a closing connection may already be unusable: nothing to keep
            pass


def analyze(engine: Engine) -> None:
    """Gather the query planner's statistics (SQLite only; sampled, so it stays fast).

    Run after migrations and at server start: with statistics SQLite knows that a workspace
    holds many respondents while an assessment holds few, and plans accordingly.  The
    schema does not rely on it (see the indexes in ``models.py``), it only confirms it.
    """
    if engine.dialect.name != "sqlite":
        return
    with engine.connect().execution_options(**{WRITE_OPTION: True}) as conn:
        conn.exec_driver_sql(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
