"""``saleshealth export`` and ``saleshealth import``: an assessment's data as files.

Both work on the app's database (``DATABASE_URL``, or the SQLite file in the instance
folder) and act as the owner of the assessment's workspace: whoever runs them has the
database already.  Bad input exits with status 2 and lists every problem; nothing is
imported then.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from sqlalchemy.orm import Session

from assessment.cli.common import fail
from assessment.io.formats import (
    DocumentFormat,
    ExportFormat,
    document_formats,
    export_format,
    format_names,
    table_formats,
)
from assessment.services.actor import Actor


def _names(formats: Iterable[ExportFormat]) -> str:
    return ", ".join(f.name for f in formats)


@contextmanager
def _workspace_of(assessment_id: int) -> Iterator[tuple[Session, Actor]]:
    """An app context whose session is bound to the assessment's workspace, and its owner."""
    from sqlalchemy import select

    from assessment.app import create_app
    from assessment.db.models import Assessment, MemberRole, Membership
    from assessment.db.tenancy import bind_workspace, unscoped
    from assessment.extensions import current_session

    app = create_app()
    with app.app_context():
        session = current_session()
        with unscoped(session):
            workspace_id = session.scalar(
                select(Assessment.workspace_id).where(Assessment.id == assessment_id)
            )
            owner = (
                session.scalar(
                    select(Membership.user_id)
                    .where(
                        Membership.workspace_id == workspace_id,
                        Membership.role == MemberRole.OWNER,
                    )
                    .order_by(Membership.id)
                )
                if workspace_id is not None
                else None
            )
        if workspace_id is None or owner is None:
            fail(f"error: there is no assessment #{assessment_id} in this database")
        bind_workspace(session, workspace_id)
        try:
            yield session, Actor(owner, workspace_id, MemberRole.OWNER)
        finally:
            session.close()


@click.command("export")
@click.option("--assessment", "assessment_id", required=True, type=int, help="Assessment id.")
@click.option(
    "--shape",
    type=click.Choice(["long", "wide"]),
    default="long",
    show_default=True,
    help="long: one row per answer (the answers CSV of `score`); wide: one row per respondent.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(format_names()),
    default="csv",
    show_default=True,
    help=f"Responses: {_names(table_formats())}; results (the `score --json` shape): "
    f"{_names(document_formats())}.",
)
@click.option(
    "--identified",
    is_flag=True,
    help="Add names, e-mail addresses, language and exact submission times (personal data); "
    "without it, teams smaller than the minimum group size are left empty.",
)
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True), help="File."
)
def export_command(assessment_id: int, shape: str, fmt: str, identified: bool, output: str) -> None:
    """Export an assessment's responses (CSV/XLSX) or results (JSON).

    Comments and free-text answers are exported verbatim, also in anonymous files.
    """
    from assessment.services import data_exchange as svc
    from assessment.services.errors import ServiceError

    results = isinstance(export_format(fmt), DocumentFormat)
    if results and identified:
        tables = [f.name for f in table_formats()]
        listed = ", ".join(tables[:-1]) + " and " + tables[-1] if len(tables) > 1 else tables[0]
        raise click.UsageError(f"--identified applies to {listed} exports, not to results")
    with _workspace_of(assessment_id) as (session, actor):
        try:
            content = svc.export_file(
                session,
                actor,
                assessment_id,
                fmt=fmt,
                shape="wide" if shape == "wide" else "long",
                identified=identified,
            ).content
        except ServiceError as exc:
            fail(f"error: {exc}")
    Path(output).write_bytes(content)
    what = "results" if results else f"{shape} responses"
    note = ""
    if identified:
        note = " (identified: contains names and e-mail addresses)"
    elif not results:
        note = " (anonymous; comments and free-text answers are verbatim and may name people)"
    click.echo(f"wrote {what} of assessment #{assessment_id} to {output}{note}")


@click.command("import")
@click.option("--assessment", "assessment_id", required=True, type=int, help="Assessment id.")
@click.option(
    "--file",
    "file",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Answers CSV (long or wide).",
)
@click.option(
    "--mapping",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Column-mapping YAML for a wide file from another tool (implies --shape wide).",
)
@click.option(
    "--shape",
    type=click.Choice(["long", "wide"]),
    default=None,
    help="Layout of the file (default: wide with --mapping, otherwise long).",
)
def import_command(assessment_id: int, file: str, mapping: str | None, shape: str | None) -> None:
    """Import answers into an assessment, all or nothing."""
    from assessment.io.imported import IMPORT_MAX_BYTES
    from assessment.services import data_exchange as svc
    from assessment.services.errors import ServiceError

    chosen = shape or ("wide" if mapping else "long")
    path = Path(file)
    if path.stat().st_size > IMPORT_MAX_BYTES:
        fail(
            f"{file}: the file is {path.stat().st_size:,} bytes; the limit is "
            f"{IMPORT_MAX_BYTES // 2**20} MB; nothing was imported"
        )
    mapping_bytes = Path(mapping).read_bytes() if mapping else None
    with _workspace_of(assessment_id) as (session, actor):
        try:
            report = svc.import_answers(
                session,
                actor,
                assessment_id,
                path.read_bytes(),
                file,
                shape="wide" if chosen == "wide" else "long",
                mapping=mapping_bytes,
            )
        except svc.ImportRejected as exc:
            fail(
                [f"{exc.filename}: {p}" for p in exc.problems]
                + [f"{len(exc.problems)} problem(s); nothing was imported"]
            )
        except ServiceError as exc:
            fail(f"{file}: {exc}; nothing was imported")
    roles = ", ".join(f"{role}={n}" for role, n in sorted(report.by_role.items()))
    click.echo(
        f"imported {report.respondents} respondent(s), {report.answers} answer(s), "
        f"{report.comments} comment(s) into assessment #{assessment_id} ({roles})"
    )
    if report.ignored_columns:
        click.echo(f"columns not used: {', '.join(report.ignored_columns)}")
