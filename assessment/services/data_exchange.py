"""Exports of an assessment's responses and results; imports of answers from files.

Exports are anonymous unless an owner or consultant explicitly asks for the identified
variant (names, e-mail addresses, language and the exact submission time).  Anonymous
exports name a team (region, segment) only when at least the assessment's minimum group
size of exported respondents belong to it, as the results page does for groups.

Imports are all or nothing: the whole file is validated first, then every respondent,
answer and comment is written in one transaction; any problem means nothing is written and
every problem is reported.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment.core.answers import AnswerKind
from assessment.db import write_transaction
from assessment.db.base import utcnow
from assessment.db.models import (
    Answer,
    Assessment,
    AssessmentStatus,
    ElementComment,
    Respondent,
)
from assessment.io.answers_csv import AnswersFileError
from assessment.io.exports import (
    ExportPerson,
    blank_small_teams,
    long_rows,
    results_document,
    wide_rows,
)
from assessment.io.formats import (
    DocumentFormat,
    UnknownFormat,
    document_format,
    export_format,
    table_format,
)
from assessment.io.imported import IMPORT_MAX_BYTES, ImportedRespondent
from assessment.io.long_answers import read_long_answers
from assessment.io.wide_answers import read_wide_answers
from assessment.messages import Message
from assessment.services import audit
from assessment.services.actor import Actor
from assessment.services.assessments import (
    core_respondents,
    get_assessment,
    questionnaire_of,
)
from assessment.services.errors import Conflict, Invalid
from assessment.services.profiles import profile_of
from assessment.services.summaries import refresh_quietly

Shape = Literal["long", "wide"]
SHAPES: tuple[Shape, ...] = ("long", "wide")
IMPORT_ORIGIN = "import"


@dataclass(frozen=True)
class ExportFile:
    """A file to hand to the user: its name, media type and bytes."""

    filename: str
    mimetype: str
    content: bytes


@dataclass(frozen=True)
class ImportReport:
    """What an import added."""

    filename: str
    shape: Shape
    respondents: int
    answers: int
    comments: int
    by_role: dict[str, int]
    codes: list[str]
    ignored_columns: list[str] = field(default_factory=list)


class ImportRejected(Invalid):
    """An import that wrote nothing; ``problems`` lists every problem found."""

    def __init__(self, filename: str, problems: list[str]) -> None:
        self.filename = filename
        self.problems = problems
        super().__init__("import.rejected", file=filename, num=len(problems))


def file_stem(assessment: Assessment) -> str:
    """An ASCII file-name stem from the client name and assessment title."""
    text = f"{assessment.client.name} {assessment.title}"
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-")[:80]
    return slug or f"assessment-{assessment.id}"


def _people(session: Session, assessment: Assessment, identified: bool) -> list[ExportPerson]:
    details = {
        code: (name, email, submitted)
        for code, name, email, submitted in session.execute(
            select(
                Respondent.code, Respondent.name, Respondent.email, Respondent.submitted_at
            ).where(Respondent.assessment_id == assessment.id)
        )
    }
    people: list[ExportPerson] = []
    for respondent in core_respondents(session, assessment):
        name, email, submitted = details[respondent.id]
        people.append(
            ExportPerson(
                respondent=respondent,
                submitted=submitted.isoformat(timespec="seconds") if submitted else "",
                name=name if identified else "",
                email=email if identified else "",
            )
        )
    return people


def export_responses(
    session: Session,
    actor: Actor,
    assessment_id: int,
    *,
    shape: Literal["long", "wide"],
    fmt: str,
    identified: bool = False,
    ip: str | None = None,
) -> ExportFile:
    """An assessment's responses as a file; names and e-mails only when ``identified``.

    Identified exports are recorded in the audit trail (with ``ip``).

    ``fmt`` names a responses format of :mod:`assessment.io.formats` (Invalid otherwise).
    Anonymous files hold respondent codes, role, team, region and segment (each empty when
    fewer than the minimum group size share it) and, in wide files, the day of submission;
    comments and free-text answers are exported verbatim.  Any member may export anonymously;
    the identified export needs an owner or consultant (PermissionDenied otherwise).
    """
    if shape not in SHAPES:
        raise Invalid("export.shape", field="shape", shapes=SHAPES)
    try:
        table = table_format(fmt)
    except UnknownFormat as exc:
        raise Invalid("export.format", field="format", formats=list(exc.known)) from None
    if identified:
        actor.require_editor()
    assessment = get_assessment(session, assessment_id)
    q = questionnaire_of(assessment)
    people = _people(session, assessment, identified)
    if not identified:
        people = blank_small_teams(people, assessment.min_group_size)
    build = long_rows if shape == "long" else wide_rows
    rows = build(q, people, identified=identified)
    suffix = "-identified" if identified else ""
    filename = table.filename(f"{file_stem(assessment)}-responses-{shape}{suffix}")
    file = ExportFile(filename, table.mimetype, table.write(rows, f"responses {shape}"))
    if identified:
        audit.record(
            session,
            actor.user_id,
            "export.identified",
            f"assessment:{assessment.id}",
            {"format": fmt, "shape": shape, "people": len(people)},
            ip,
            workspace_id=assessment.workspace_id,
        )
    return file


def _with_profile(
    session: Session, assessment: Assessment, document: dict[str, Any]
) -> dict[str, Any]:
    """The results document with the assessment's organization profile, if one was saved."""
    profile = profile_of(session, assessment)
    if profile is not None:
        document["profile"] = profile.to_dict()
    return document


def export_results(session: Session, actor: Actor, assessment_id: int) -> dict[str, Any]:
    """Live results in the ``saleshealth score --json`` shape, with the results by team
    under ``teams`` and the organization profile under ``profile`` when one was saved (any
    member may read them)."""
    assessment = get_assessment(session, assessment_id)
    return _with_profile(session, assessment, _results_with_teams(session, assessment))


def _results_with_teams(session: Session, assessment: Assessment) -> dict[str, Any]:
    from assessment.services.teams import results_with_teams

    computed = results_with_teams(session, assessment)
    return {**results_document(computed.results), "teams": computed.teams.to_dict()}


def export_results_file(
    session: Session, actor: Actor, assessment_id: int, fmt: str = "json"
) -> ExportFile:
    """Live results as a file in the results format ``fmt`` (Invalid for any other name)."""
    try:
        document = document_format(fmt)
    except UnknownFormat as exc:
        raise Invalid("export.format", field="format", formats=list(exc.known)) from None
    assessment = get_assessment(session, assessment_id)
    body = document.write(
        _with_profile(session, assessment, _results_with_teams(session, assessment))
    )
    name = document.filename(f"{file_stem(assessment)}-results")
    return ExportFile(name, document.mimetype, body)


def export_file(
    session: Session,
    actor: Actor,
    assessment_id: int,
    *,
    fmt: str,
    shape: Literal["long", "wide"] = "long",
    identified: bool = False,
    ip: str | None = None,
) -> ExportFile:
    """Whatever the format ``fmt`` writes: the responses (csv, xlsx) or the results (json).

    An unknown format is Invalid; asking for identified results is Invalid too (results
    hold no names).
    """
    try:
        chosen = export_format(fmt)
    except UnknownFormat as exc:
        raise Invalid("export.format", field="format", formats=list(exc.known)) from None
    if isinstance(chosen, DocumentFormat):
        if identified:
            raise Invalid("export.identified_results")
        return export_results_file(session, actor, assessment_id, fmt)
    return export_responses(
        session, actor, assessment_id, shape=shape, fmt=fmt, identified=identified, ip=ip
    )


def _read(
    data: bytes, filename: str, shape: str, mapping: bytes | None, assessment: Assessment
) -> tuple[list[ImportedRespondent], list[str]]:
    q = questionnaire_of(assessment)
    try:
        if shape == "long":
            if mapping is not None:
                raise ImportRejected(filename, [Message("import.mapping_wide_only")])
            return read_long_answers(data, q, filename), []
        wide = read_wide_answers(data, q, mapping=mapping, name=filename)
    except AnswersFileError as exc:
        raise ImportRejected(exc.source or filename, exc.problems) from exc
    return wide.respondents, wide.ignored_columns


def import_answers(
    session: Session,
    actor: Actor,
    assessment_id: int,
    data: bytes,
    filename: str,
    *,
    shape: Literal["long", "wide"],
    mapping: bytes | None = None,
) -> ImportReport:
    """Import respondents and their answers from a long or wide CSV, all or nothing.

    Respondents are created with ``origin="import"`` (no link) and marked submitted; answers
    carry ``source="import"``.  Refused: closed assessments, codes the assessment already
    has, and any file with a problem (ImportRejected lists them all; nothing is written).
    """
    actor.require_editor()
    if shape not in SHAPES:
        raise Invalid("export.shape", field="shape", shapes=SHAPES)
    if len(data) > IMPORT_MAX_BYTES:
        raise ImportRejected(
            filename,
            [Message("import.too_large", size=float(len(data)), mb=IMPORT_MAX_BYTES // 2**20)],
        )
    assessment = get_assessment(session, assessment_id)
    if assessment.status is AssessmentStatus.CLOSED:
        raise Conflict("import.closed")
    people, ignored = _read(data, filename, shape, mapping, assessment)
    codes = [p.respondent.id for p in people]
    answers = comments = 0
    with write_transaction(session):
        taken = sorted(
            session.scalars(
                select(Respondent.code).where(
                    Respondent.assessment_id == assessment.id, Respondent.code.in_(codes)
                )
            )
        )
        if taken:
            raise ImportRejected(
                filename,
                [Message("import.codes_taken", codes=taken)],
            )
        now = utcnow()
        rows: list[tuple[Respondent, ImportedRespondent]] = []
        for person in people:
            r = person.respondent
            row = Respondent(
                assessment_id=assessment.id,
                code=r.id,
                name=person.name,
                email=person.email,
                role=r.role,
                team=r.team,
                region=r.region,
                segment=r.segment,
                language=r.language,
                origin=IMPORT_ORIGIN,
                token_hash=None,
                started_at=now,
                submitted_at=now,
            )
            session.add(row)
            rows.append((row, person))
        session.flush()
        for row, person in rows:
            for question_id, answer in person.respondent.answers.items():
                number = (
                    float(answer.value)
                    if answer.kind is AnswerKind.NUMBER and answer.value is not None
                    else None
                )
                text = None if number is not None or answer.value is None else str(answer.value)
                session.add(
                    Answer(
                        respondent_id=row.id,
                        question_id=question_id,
                        kind=answer.kind.value,
                        value_text=text,
                        value_number=number,
                        source=IMPORT_ORIGIN,
                    )
                )
                answers += 1
            for element_id, text in person.respondent.comments.items():
                session.add(
                    ElementComment(
                        respondent_id=row.id,
                        element_id=element_id,
                        text=text,
                        language=person.respondent.language or assessment.language,
                    )
                )
                comments += 1
    refresh_quietly(session, assessment.id)  # the stored summary reflects the new answers
    by_role = Counter(p.respondent.role for p in people)
    return ImportReport(
        filename=filename,
        shape=shape,
        respondents=len(people),
        answers=answers,
        comments=comments,
        by_role=dict(by_role),
        codes=codes,
        ignored_columns=ignored,
    )
