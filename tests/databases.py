"""Fresh, migrated test databases without migrating for every test.

Every test that needs a database must see exactly what ``prepare_database`` leaves behind:
the schema at the newest migration and the shipped questionnaire published, nothing else.
Running the Alembic migrations and parsing the questionnaire's YAML for each test cost
most of a second per test, so the work is done once per session (per xdist worker) and
each test gets a copy:

* SQLite: the migrated database is kept as a closed template file and copied per test.
* PostgreSQL: the schema is migrated once; per test every table is emptied
  (``TRUNCATE ... CASCADE``), the rows ``prepare_database`` wrote are put back from a
  snapshot schema and every sequence is set back to its value after the migration.  Tests
  that drop or migrate the schema themselves (migrations, rate limits, reliability) are
  noticed: when the tables or the Alembic revision differ from the snapshot's, the schema
  is rebuilt from scratch as before.

The result for a test is the same state as a fresh ``prepare_database`` on an empty
database: same tables, same rows, same ids, same next ids.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, MetaData, create_engine, make_url, text
from sqlalchemy.pool import NullPool

SNAPSHOT_SCHEMA = "pytest_fresh_snapshot"
SECRET = "fresh-database-secret-" + "t" * 32

_folder: Path | None = None
_sqlite_template: Path | None = None
_postgres: dict[str, _PostgresSnapshot] = {}


def set_folder(folder: Path) -> None:
    """Where this session keeps its template database (a session temporary folder)."""
    global _folder
    _folder = folder


def _work_folder() -> Path:
    global _folder
    if _folder is None:  # used outside pytest's session fixture (never in the suite)
        _folder = Path(tempfile.mkdtemp(prefix="saleshealth-templates-"))
    return _folder


def _migrate(url: str, instance: Path) -> None:
    """What every fresh database used to get: ``prepare_database`` on an empty database."""
    from assessment.app import create_app
    from assessment.cli.web_cmd import prepare_database
    from assessment.extensions import db

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": SECRET,
            "SQLALCHEMY_DATABASE_URI": url,
            "RATELIMIT_ENABLED": False,
        },
        instance_path=str(instance),
    )
    prepare_database(app)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def fresh_database(url: str) -> None:
    """Make the database of ``url`` a freshly migrated one (SQLite file or PostgreSQL)."""
    if url.startswith("sqlite:///"):
        fresh_sqlite(Path(url.removeprefix("sqlite:///")))
    else:
        fresh_postgres(url)


# --- SQLite -------------------------------------------------------------------------------


def fresh_sqlite(path: Path) -> None:
    """Write a freshly migrated SQLite database to ``path`` (which must not exist yet)."""
    if path.exists():
        raise FileExistsError(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # A plain file copy is safe here (the house otherwise uses the backup API): the template
    # is closed, no process has it open, and it was checkpointed without a -wal file left.
    shutil.copyfile(_template(), path)


def _template() -> Path:
    global _sqlite_template
    if _sqlite_template is None:
        folder = _work_folder() / "sqlite-template"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "template.sqlite"
        _migrate(f"sqlite:///{path}", folder / "instance")
        _checkpoint(path)
        _sqlite_template = path
    return _sqlite_template


def _checkpoint(path: Path) -> None:
    """Fold the write-ahead log into the file, so the file alone is the whole database."""
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        busy, _log, _moved = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        assert busy == 0, "template database is still in use"
    finally:
        conn.close()  # the last connection removes the -wal and -shm files
    for suffix in ("-wal", "-shm"):
        leftover = path.with_name(path.name + suffix)
        assert not leftover.exists() or leftover.stat().st_size == 0, leftover


# --- PostgreSQL ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _PostgresSnapshot:
    """The public schema right after ``prepare_database``: what to compare and restore."""

    revision: str
    tables: frozenset[str]
    filled: tuple[str, ...]
    sequences: tuple[tuple[str, int, bool], ...]


def _engine(url: str) -> Engine:
    return create_engine(url, poolclass=NullPool)


def reset_postgres(url: str) -> None:
    """An empty public schema in the PostgreSQL database of ``url``."""
    engine = _engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    _postgres.pop(url, None)


def fresh_postgres(url: str) -> None:
    """Make the public schema of ``url`` exactly what a fresh ``prepare_database`` leaves."""
    engine = _engine(url)
    try:
        snapshot = _postgres.get(url)
        if snapshot is not None:
            with engine.begin() as conn:
                if _shape(conn) == (snapshot.revision, snapshot.tables):
                    _restore(conn, snapshot)
                    return
        engine.dispose()
        reset_postgres(url)
        _migrate(url, _work_folder() / "pg-instance")
        with engine.begin() as conn:
            _postgres[url] = _take_snapshot(conn)
    finally:
        engine.dispose()


def _shape(conn: Connection) -> tuple[str, frozenset[str]]:
    """The Alembic revision and the table names of the public schema."""
    tables = frozenset(
        conn.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
    )
    revision = ""
    if "alembic_version" in tables:
        revision = ",".join(
            sorted(conn.scalars(text("SELECT version_num FROM public.alembic_version")))
        )
    return revision, tables


def _sequences(conn: Connection) -> list[str]:
    return list(
        conn.scalars(
            text("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1")
        )
    )


def _take_snapshot(conn: Connection) -> _PostgresSnapshot:
    revision, tables = _shape(conn)
    conn.execute(text(f"DROP SCHEMA IF EXISTS {SNAPSHOT_SCHEMA} CASCADE"))
    conn.execute(text(f"CREATE SCHEMA {SNAPSHOT_SCHEMA}"))
    filled: list[str] = []
    meta = MetaData()
    meta.reflect(conn, schema="public")
    # Parents before children, so the foreign keys hold while the rows go back in.
    for table in [t.name for t in meta.sorted_tables if t.name != "alembic_version"]:
        if conn.scalar(text(f'SELECT EXISTS (SELECT 1 FROM public."{table}")')):
            conn.execute(
                text(f'CREATE TABLE {SNAPSHOT_SCHEMA}."{table}" AS TABLE public."{table}"')
            )
            filled.append(table)
    sequences = []
    for name in _sequences(conn):
        last, called = conn.execute(
            text(f'SELECT last_value, is_called FROM public."{name}"')
        ).one()
        sequences.append((name, int(last), bool(called)))
    return _PostgresSnapshot(revision, tables, tuple(filled), tuple(sequences))


def _restore(conn: Connection, snapshot: _PostgresSnapshot) -> None:
    names = ", ".join(f'public."{t}"' for t in sorted(snapshot.tables - {"alembic_version"}))
    conn.execute(text(f"TRUNCATE {names} CASCADE"))
    for table in snapshot.filled:
        conn.execute(
            text(
                f'INSERT INTO public."{table}" OVERRIDING SYSTEM VALUE '
                f'SELECT * FROM {SNAPSHOT_SCHEMA}."{table}"'
            )
        )
    for name, last, called in snapshot.sequences:
        conn.execute(
            text("SELECT setval(CAST(:seq AS regclass), :last, :called)"),
            {"seq": f'public."{name}"', "last": last, "called": called},
        )


def worker_database(url: str, worker: str) -> str:
    """The URL of a database of this pytest-xdist worker's own, beside the one of ``url``.

    Parallel workers must not empty each other's tables, so worker ``gw1`` of a run on
    ``.../test`` uses ``.../test_gw1``, created here when it does not exist yet.
    """
    base = make_url(url)
    name = f"{base.database}_{worker}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with engine.connect() as conn:
            exists = conn.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            )
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)
