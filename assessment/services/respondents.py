"""Respondents and their personal links.

A link carries a 192-bit token from :mod:`secrets`; only its SHA-256 is stored, so a link
can be shown only when it is issued (and reissued on demand, which invalidates the old one).
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment.db import write_transaction
from assessment.db.base import utcnow
from assessment.db.models import Assessment, Respondent
from assessment.db.tenancy import unscoped
from assessment.io.safe_cells import safe_row
from assessment.messages import Lines, Message
from assessment.services.actor import Actor
from assessment.services.assessments import get_assessment, questionnaire_of
from assessment.services.errors import Invalid, NotFound

TOKEN_BYTES = 24  # 192 bits
MAX_BULK = 2000


def hash_token(token: str) -> str:
    """SHA-256 of a link token (hex)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    """A fresh, unguessable link token."""
    return secrets.token_urlsafe(TOKEN_BYTES)


@dataclass(frozen=True)
class RespondentData:
    """What a consultant enters for a respondent."""

    role: str
    name: str = ""
    email: str = ""
    team: str = ""


@dataclass(frozen=True)
class IssuedLink:
    """A respondent with the token just issued to them (shown once)."""

    respondent: Respondent
    token: str


def list_respondents(session: Session, assessment_id: int) -> list[Respondent]:
    """Respondents of an assessment in the order they were added."""
    return list(
        session.scalars(
            select(Respondent)
            .where(Respondent.assessment_id == assessment_id)
            .order_by(Respondent.id)
        )
    )


def get_respondent(session: Session, assessment_id: int, respondent_id: int) -> Respondent:
    """A respondent of this assessment in the current workspace, or NotFound."""
    found = session.scalar(
        select(Respondent).where(
            Respondent.id == respondent_id, Respondent.assessment_id == assessment_id
        )
    )
    if found is None:
        raise NotFound("respondent.not_found")
    return found


def _validate(data: RespondentData, roles: list[str], line: int | None = None) -> None:
    problem, field = None, ""
    if data.role not in roles:
        problem, field = Message("respondent.role", roles=roles), "role"
    elif data.email and ("@" not in data.email or len(data.email) > 254):
        problem, field = Message("person.bad_email", email=data.email), "email"
    elif len(data.name) > 200 or len(data.team) > 100:
        problem, field = Message("respondent.too_long"), "name"
    if problem is None:
        return
    if line is None:
        raise Invalid(problem.code, field=field, **problem.params)
    raise Invalid("at", field=field, where=Message("where.line", line=line), problem=problem)


def _free_codes(session: Session, assessment_id: int, n: int) -> list[str]:
    """``n`` respondent codes ``R0001``… counting on from the highest one in use.

    Imported respondents bring their own codes, so counting rows is not enough.
    """
    used = set(
        session.scalars(select(Respondent.code).where(Respondent.assessment_id == assessment_id))
    )
    numbers = [int(c[1:]) for c in used if c[:1] == "R" and c[1:].isdigit()]
    start = max(numbers, default=0) + 1
    codes: list[str] = []
    number = start
    while len(codes) < n:
        code = f"R{number:04d}"
        if code not in used:
            codes.append(code)
        number += 1
    return codes


def add_respondents(
    session: Session, actor: Actor, assessment_id: int, people: list[RespondentData]
) -> list[IssuedLink]:
    """Add respondents and issue their links (all or none)."""
    actor.require_editor()
    assessment = get_assessment(session, assessment_id)
    validate_people(people, list(questionnaire_of(assessment).role_ids))
    with write_transaction(session):
        issued = issue_links(session, assessment.id, people)
    return issued


def validate_people(people: list[RespondentData], roles: list[str]) -> None:
    """Raise Invalid for the first person that breaks a rule, or for too many at once."""
    for i, person in enumerate(people, start=1):
        _validate(person, roles, i if len(people) > 1 else None)
    if len(people) > MAX_BULK:
        raise Invalid("respondents.too_many", field="people", num=MAX_BULK)


def issue_links(
    session: Session, assessment_id: int, people: list[RespondentData]
) -> list[IssuedLink]:
    """Add respondents with fresh links in the caller's write transaction (``people``
    already validated with :func:`validate_people`)."""
    issued: list[IssuedLink] = []
    codes = _free_codes(session, assessment_id, len(people))
    for code, person in zip(codes, people, strict=True):
        token = new_token()
        respondent = Respondent(
            assessment_id=assessment_id,
            code=code,
            name=person.name.strip(),
            email=person.email.strip(),
            role=person.role,
            team=person.team.strip(),
            token_hash=hash_token(token),
            token_issued_at=utcnow(),
        )
        session.add(respondent)
        issued.append(IssuedLink(respondent, token))
    return issued


def _at_line(line: int, problem: Message) -> Message:
    return Message("at", where=Message("where.line", line=line), problem=problem)


def parse_people(text: str, roles: list[str], role_labels: dict[str, str]) -> list[RespondentData]:
    """Parse pasted lines or a CSV upload: ``name, email, role, team`` (header optional).

    Only the role is required; it may be an id (``sales_rep``) or its label.  Every bad line
    is reported with its number.
    """
    by_label = {label.strip().lower(): rid for rid, label in role_labels.items()}
    rows = list(csv.reader(io.StringIO(text.strip())))
    if rows and [c.strip().lower() for c in rows[0]][:3] == ["name", "email", "role"]:
        rows = rows[1:]
        start = 2
    else:
        start = 1
    people: list[RespondentData] = []
    problems: list[str] = []
    for lineno, row in enumerate(rows, start=start):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if len(cells) == 1:
            cells = ["", "", cells[0]]
        if len(cells) < 3 or len(cells) > 4:
            problems.append(_at_line(lineno, Message("people.columns")))
            continue
        name, email, role = cells[0], cells[1], cells[2]
        role_id = role if role in roles else by_label.get(role.lower(), "")
        if not role_id:
            problems.append(_at_line(lineno, Message("people.role", role=role, roles=roles)))
            continue
        if email and "@" not in email:
            problems.append(_at_line(lineno, Message("person.bad_email", email=email)))
            continue
        people.append(
            RespondentData(
                role=role_id, name=name, email=email, team=cells[3] if len(cells) > 3 else ""
            )
        )
    if problems:
        raise Invalid("form.detail", field="people", detail=Lines(problems))
    if not people:
        raise Invalid("people.none", field="people")
    return people


def reissue_links(
    session: Session, actor: Actor, assessment_id: int, respondent_ids: list[int] | None = None
) -> list[IssuedLink]:
    """New links for the given respondents (default: everyone who has not submitted)."""
    actor.require_editor()
    get_assessment(session, assessment_id)
    issued: list[IssuedLink] = []
    with write_transaction(session):
        stmt = select(Respondent).where(Respondent.assessment_id == assessment_id)
        if respondent_ids is not None:
            stmt = stmt.where(Respondent.id.in_(respondent_ids))
        else:
            stmt = stmt.where(Respondent.submitted_at.is_(None))
        for respondent in session.scalars(stmt.order_by(Respondent.id)):
            token = new_token()
            respondent.token_hash = hash_token(token)
            respondent.token_issued_at = utcnow()
            issued.append(IssuedLink(respondent, token))
    if respondent_ids is not None and len(issued) != len(set(respondent_ids)):
        raise NotFound("respondent.not_found")
    return issued


def revoke_link(session: Session, actor: Actor, assessment_id: int, respondent_id: int) -> None:
    """Make a respondent's link stop working (answers already saved stay)."""
    actor.require_editor()
    with write_transaction(session):
        respondent = get_respondent(session, assessment_id, respondent_id)
        respondent.token_hash = None


def resolve_token(session: Session, token: str) -> Respondent | None:
    """The respondent a link token belongs to, or None.  Looks across workspaces."""
    if not token or len(token) > 100:
        return None
    digest = hash_token(token)
    with unscoped(session):
        respondent = session.scalar(select(Respondent).where(Respondent.token_hash == digest))
    if respondent is None or respondent.token_hash is None:
        return None
    # The lookup is by digest; compare again in constant time so no timing depends on
    # how much of a guessed token matched.
    return respondent if hmac.compare_digest(respondent.token_hash, digest) else None


def links_csv(issued: list[IssuedLink], base_url: str) -> str:
    """The issued links as CSV: code, name, email, role, team, link (formula-safe cells)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["code", "name", "email", "role", "team", "link"])
    for link in issued:
        r = link.respondent
        writer.writerow(
            safe_row([r.code, r.name, r.email, r.role, r.team, f"{base_url}/r/{link.token}"])
        )
    return out.getvalue()


def assessment_of(session: Session, respondent: Respondent) -> Assessment:
    """The assessment a respondent belongs to."""
    return respondent.assessment
