"""``saleshealth backup`` and ``saleshealth restore``.

Both work on the database the app is configured with (``DATABASE_URL``, or the SQLite
file in the instance folder).  PostgreSQL is backed up with its own tools: the commands
print the exact ``pg_dump``/``pg_restore`` lines and exit with status 2.
"""

from __future__ import annotations

from pathlib import Path

import click

from assessment.services.backup import (
    BEFORE_RESTORE_SUFFIX,
    BackupError,
    TableSummary,
    postgres_commands,
    sqlite_file,
)

EXIT_UNSUPPORTED = 2


def _database_url() -> str:
    from assessment.app import create_app

    return str(create_app().config["SQLALCHEMY_DATABASE_URI"])


def _postgres_guidance(url: str, file: str, action: str) -> None:
    commands = postgres_commands(url, file)
    lines = [
        f"saleshealth {action} copies SQLite files only; this database is PostgreSQL.",
        "Use PostgreSQL's own tools (stop the server and workers before a restore):",
        "",
        f"  back up:  {commands.dump}",
        f"  restore:  {commands.restore}",
        "",
    ]
    if commands.has_password:
        lines.append(
            "DATABASE_URL contains a password; it is not shown here. Give it to the tools "
            "through PGPASSWORD or ~/.pgpass."
        )
    click.echo("\n".join(lines), err=True)
    raise SystemExit(EXIT_UNSUPPORTED)


def _print_summary(summary: list[TableSummary]) -> None:
    total = sum(t.rows for t in summary)
    click.echo(f"{len(summary)} tables, {total} rows")
    for table in summary:
        click.echo(f"  {table.name:<24} {table.rows:>8}  sha256 {table.sha256[:16]}")


@click.command("backup")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write the backup to (replaced atomically if it exists).",
)
def backup_command(output: Path) -> None:
    """Write a consistent copy of the database (safe while the server runs)."""
    from assessment.services.backup import backup_sqlite

    url = _database_url()
    try:
        database = sqlite_file(url)
        if database is None:
            _postgres_guidance(url, str(output), "backup")
            return
        summary = backup_sqlite(database, output)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"backed up {database} to {output}")
    _print_summary(summary)


@click.command("restore")
@click.argument("backup", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--force",
    is_flag=True,
    help="Restore even if another process seems to have the database open.",
)
def restore_command(backup: Path, force: bool) -> None:
    """Replace the database by BACKUP (checked first; the old file is kept)."""
    from assessment.services.backup import restore_sqlite

    url = _database_url()
    try:
        database = sqlite_file(url)
        if database is None:
            _postgres_guidance(url, str(backup), "restore")
            return
        summary = restore_sqlite(backup, database, force=force)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"restored {database} from {backup}")
    click.echo(f"the previous database is kept as {database.name}{BEFORE_RESTORE_SUFFIX}")
    _print_summary(summary)
