"""`saleshealth backup` / `restore`: identical rows and checksums after a restore, refusals
that leave the database untouched, and exact pg_dump guidance for PostgreSQL."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from click.testing import CliRunner

from assessment.cli import main
from assessment.services.backup import backup_sqlite, integrity, summarize
from tests.reliability.helpers import SECRET, make_app, populate

TABLES_WITH_DATA = {
    "workspace",
    "user_account",
    "membership",
    "questionnaire_version",
    "client",
    "assessment",
    "respondent",
    "answer",
    "element_comment",
    "report_job",
    "alembic_version",
}


def _env(url: str) -> dict[str, str]:
    return {"DATABASE_URL": url, "SECRET_KEY": SECRET}


def _populated(tmp_path: Path) -> tuple[str, Path]:
    url = f"sqlite:///{tmp_path / 'saleshealth.sqlite'}"
    populate(make_app(url, tmp_path / "instance"), respondents=6)
    return url, tmp_path / "saleshealth.sqlite"


def _mutate(database: Path) -> None:
    with sqlite3.connect(database) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("DELETE FROM respondent WHERE id IN (SELECT id FROM respondent LIMIT 5)")
        conn.execute("UPDATE answer SET value_text = 'changed' WHERE value_text IS NOT NULL")
        conn.execute("UPDATE element_comment SET text = 'rewritten'")
        conn.execute("DELETE FROM report_job")
        conn.execute("UPDATE client SET name = 'Renamed'")


def test_restore_reproduces_row_counts_and_checksums(tmp_path: Path) -> None:
    url, database = _populated(tmp_path)
    before = summarize(database)
    counts = {t.name: t.rows for t in before}
    assert all(counts[name] > 0 for name in TABLES_WITH_DATA), counts
    assert counts["answer"] > 1000 and counts["element_comment"] > 10

    runner = CliRunner()
    backup = tmp_path / "backups" / "nightly.sqlite"
    backup.parent.mkdir()
    res = runner.invoke(main, ["backup", "-o", str(backup)], env=_env(url))
    assert res.exit_code == 0, res.output
    assert f"{len(before)} tables" in res.output
    assert integrity(backup) == "ok"
    assert summarize(backup) == before

    _mutate(database)
    mutated = summarize(database)
    assert mutated != before

    res = runner.invoke(main, ["restore", str(backup)], env=_env(url))
    assert res.exit_code == 0, res.output
    assert "saleshealth.sqlite.before-restore" in res.output
    after = summarize(database)
    assert [(t.name, t.rows) for t in after] == [(t.name, t.rows) for t in before]
    assert after == before  # identical SHA-256 of every table's rows
    assert integrity(database) == "ok"
    kept = database.with_name("saleshealth.sqlite.before-restore")
    assert summarize(kept) == mutated  # the replaced state is not lost either
    assert not list(tmp_path.glob(".*.tmp"))

    # The app works on the restored file.
    app = make_app(url, tmp_path / "instance")
    from sqlalchemy import func, select

    from assessment.db.models import Answer
    from assessment.db.tenancy import unscoped
    from assessment.extensions import current_session, db

    with app.app_context(), unscoped(current_session()) as session:
        assert session.scalar(select(func.count()).select_from(Answer)) == counts["answer"]
        db.session.remove()
        db.engine.dispose()


def test_backup_of_a_database_being_written_is_consistent(tmp_path: Path) -> None:
    database = tmp_path / "live.sqlite"
    with sqlite3.connect(database) as conn:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("CREATE TABLE alembic_version (version_num TEXT PRIMARY KEY)")
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT)")
    stop = threading.Event()

    def writer() -> None:
        conn = sqlite3.connect(database, isolation_level=None, timeout=15)
        i = 0
        while not stop.is_set():
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO t (a, b) VALUES (?, ?)", (f"a{i}", f"b{i}"))
            conn.execute("INSERT INTO t (a, b) VALUES (?, ?)", (f"a{i}", f"b{i}"))
            conn.execute("COMMIT")
            i += 1
        conn.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        time.sleep(0.3)
        for n in range(3):
            out = tmp_path / f"b{n}.sqlite"
            backup_sqlite(database, out)
            assert integrity(out) == "ok"
            with sqlite3.connect(out) as conn:
                (rows,) = conn.execute("SELECT count(*) FROM t").fetchone()
            assert rows % 2 == 0 and rows > 0  # whole transactions only
    finally:
        stop.set()
        thread.join()


def test_restore_refuses_a_database_in_use_and_a_damaged_backup(tmp_path: Path) -> None:
    url, database = _populated(tmp_path)
    runner = CliRunner()
    backup = tmp_path / "good.sqlite"
    assert runner.invoke(main, ["backup", "-o", str(backup)], env=_env(url)).exit_code == 0
    before = summarize(database)

    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time\n"
            f"c = sqlite3.connect({str(database)!r}); c.execute('SELECT 1 FROM workspace')\n"
            "print('ready', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        res = runner.invoke(main, ["restore", str(backup)], env=_env(url))
        assert res.exit_code == 1
        assert "is open in another process" in res.output and "--force" in res.output
    finally:
        holder.kill()
        holder.wait()
    assert summarize(database) == before

    damaged = tmp_path / "damaged.sqlite"
    data = bytearray(backup.read_bytes())
    page = 4096
    for offset in range(page * 3, min(len(data), page * 40), 7):
        data[offset] = 0xA5
    damaged.write_bytes(bytes(data))
    res = runner.invoke(main, ["restore", str(damaged)], env=_env(url))
    assert res.exit_code == 1
    assert "damaged.sqlite" in res.output
    assert "integrity check failed" in res.output or "not a readable" in res.output

    not_sqlite = tmp_path / "notes.txt"
    not_sqlite.write_text("hello")
    res = runner.invoke(main, ["restore", str(not_sqlite)], env=_env(url))
    assert res.exit_code == 1 and "not a SQLite database file" in res.output

    res = runner.invoke(main, ["restore", str(tmp_path / "missing.sqlite")], env=_env(url))
    assert res.exit_code == 1 and "no such file" in res.output
    assert summarize(database) == before
    assert not database.with_name("saleshealth.sqlite.before-restore").exists()


def test_postgres_gets_exact_pg_dump_guidance_without_the_password(tmp_path: Path) -> None:
    url = "postgresql://alice:s3cr3t-pw@db.example.com:5433/sales_health"
    runner = CliRunner()
    res = runner.invoke(main, ["backup", "-o", "nightly.dump"], env=_env(url))
    assert res.exit_code == 2
    assert (
        "pg_dump --format=custom --host db.example.com --port 5433 --username alice "
        "--dbname sales_health --file nightly.dump"
    ) in res.output
    assert (
        "pg_restore --clean --if-exists --no-owner --host db.example.com --port 5433 "
        "--username alice --dbname sales_health nightly.dump"
    ) in res.output
    assert "PGPASSWORD" in res.output
    assert "s3cr3t" not in res.output
    res = runner.invoke(main, ["restore", "nightly.dump"], env=_env(url))
    assert res.exit_code == 2 and "pg_restore" in res.output and "s3cr3t" not in res.output
    assert not (tmp_path / "nightly.dump").exists()
