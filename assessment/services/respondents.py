"""Respondents and their personal links.

A link carries a 192-bit token from :mod:`secrets`.  Its SHA-256 finds the respondent; the
token itself is kept encrypted (:mod:`assessment.services.link_cipher`) so the consultant can
copy the current link at any time.  Respondents added before encryption existed have only the
hash: their link can be replaced (which invalidates the old one), never shown again.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from assessment.db import write_transaction
from assessment.db.base import utcnow
from assessment.db.models import Answer, Assessment, ElementComment, Respondent
from assessment.db.tenancy import unscoped
from assessment.io.safe_cells import safe_row
from assessment.messages import Lines, Message
from assessment.services.actor import Actor
from assessment.services.assessments import get_assessment, questionnaire_of
from assessment.services.errors import Conflict, Invalid, NotFound
from assessment.services.link_cipher import LinkCipher

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
    region: str = ""
    segment: str = ""


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


def email_problem(email: str) -> Message | None:
    """Why ``email`` is not an address we can write to, or None (empty is allowed).

    Syntax only: deliverability (DNS) is not checked, so adding people works offline.
    """
    if not email:
        return None
    if len(email) > 254:
        return Message("person.email_too_long", email=email[:60])
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return Message("person.bad_email", email=email)
    return None


def _problems(data: RespondentData, roles: list[str]) -> list[tuple[str, Message]]:
    """Every rule ``data`` breaks, as (field, message)."""
    problems: list[tuple[str, Message]] = []
    if data.role not in roles:
        problems.append(("role", Message("respondent.role", roles=roles)))
    bad_email = email_problem(data.email.strip())
    if bad_email:
        problems.append(("email", bad_email))
    if len(data.name) > 200 or max(len(data.team), len(data.region), len(data.segment)) > 100:
        problems.append(("name", Message("respondent.too_long")))
    return problems


def _validate(data: RespondentData, roles: list[str]) -> None:
    for field, problem in _problems(data, roles)[:1]:
        raise Invalid(problem.code, field=field, **problem.params)


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
    session: Session,
    actor: Actor,
    assessment_id: int,
    people: list[RespondentData],
    cipher: LinkCipher | None = None,
) -> list[IssuedLink]:
    """Add respondents and issue their links (all or none); with ``cipher`` the links are
    kept encrypted so they can be copied again later."""
    actor.require_editor()
    assessment = get_assessment(session, assessment_id)
    validate_people(people, list(questionnaire_of(assessment).role_ids))
    with write_transaction(session):
        issued = issue_links(session, assessment.id, people, cipher)
    return issued


def validate_people(people: list[RespondentData], roles: list[str]) -> None:
    """Raise Invalid listing every person that breaks a rule (with line numbers when there
    are several), or for too many at once."""
    if len(people) > MAX_BULK:
        raise Invalid("respondents.too_many", field="people", num=MAX_BULK)
    if len(people) == 1:
        _validate(people[0], roles)
        return
    lines = [
        _at_line(i, problem)
        for i, person in enumerate(people, start=1)
        for _field, problem in _problems(person, roles)
    ]
    if lines:
        raise Invalid("form.detail", field="people", detail=Lines(lines))


def _set_token(respondent: Respondent, token: str, cipher: LinkCipher | None) -> None:
    respondent.token_hash = hash_token(token)
    respondent.token_encrypted = cipher.encrypt(token) if cipher else None
    respondent.token_issued_at = utcnow()


def issue_links(
    session: Session,
    assessment_id: int,
    people: list[RespondentData],
    cipher: LinkCipher | None = None,
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
            region=person.region.strip(),
            segment=person.segment.strip(),
        )
        _set_token(respondent, token, cipher)
        session.add(respondent)
        issued.append(IssuedLink(respondent, token))
    session.flush()  # ids, so the caller can show the new links on a page of their own
    return issued


def _at_line(line: int, problem: Message) -> Message:
    return Message("at", where=Message("where.line", line=line), problem=problem)


def parse_people(text: str, roles: list[str], role_labels: dict[str, str]) -> list[RespondentData]:
    """Parse pasted lines or a CSV upload: ``name, email, role, team, region, segment``
    (header optional; team, region and segment may be left out).

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
    problems: list[Message] = []
    for lineno, row in enumerate(rows, start=start):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if len(cells) == 1:
            cells = ["", "", cells[0]]
        if len(cells) < 3 or len(cells) > 6:
            problems.append(_at_line(lineno, Message("people.columns")))
            continue
        cells += [""] * (6 - len(cells))
        name, email, role = cells[0], cells[1], cells[2]
        role_id = role if role in roles else by_label.get(role.lower(), "")
        if not role_id:
            problems.append(_at_line(lineno, Message("people.role", role=role, roles=roles)))
            continue
        person = RespondentData(
            role=role_id, name=name, email=email, team=cells[3], region=cells[4], segment=cells[5]
        )
        bad = [message for _field, message in _problems(person, roles)]
        if bad:
            problems.extend(_at_line(lineno, message) for message in bad)
            continue
        people.append(person)
    if problems:
        raise Invalid("form.detail", field="people", detail=Lines(problems))
    if not people:
        raise Invalid("people.none", field="people")
    return people


def reissue_links(
    session: Session,
    actor: Actor,
    assessment_id: int,
    respondent_ids: list[int] | None = None,
    cipher: LinkCipher | None = None,
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
            _set_token(respondent, token, cipher)
            issued.append(IssuedLink(respondent, token))
    if respondent_ids is not None and len(issued) != len(set(respondent_ids)):
        raise NotFound("respondent.not_found")
    return issued


@dataclass(frozen=True)
class CurrentLink:
    """A respondent with their current link token, or None when it cannot be shown (revoked,
    imported, issued before links were kept encrypted, or encrypted under an old secret)."""

    respondent: Respondent
    token: str | None


def current_links(
    session: Session, assessment_id: int, cipher: LinkCipher, respondent_ids: list[int]
) -> list[CurrentLink]:
    """The current links of these respondents of the assessment, in order; nothing is
    reissued, so the links people already have keep working."""
    get_assessment(session, assessment_id)
    if not respondent_ids:
        return []
    rows = session.scalars(
        select(Respondent)
        .where(Respondent.assessment_id == assessment_id, Respondent.id.in_(respondent_ids))
        .order_by(Respondent.id)
    )
    return [
        CurrentLink(r, cipher.decrypt(r.token_encrypted) if r.token_hash else None) for r in rows
    ]


def pending_ids(session: Session, assessment_id: int) -> list[int]:
    """Respondents with a working link who have not submitted, in order."""
    return list(
        session.scalars(
            select(Respondent.id)
            .where(
                Respondent.assessment_id == assessment_id,
                Respondent.submitted_at.is_(None),
                Respondent.token_hash.is_not(None),
            )
            .order_by(Respondent.id)
        )
    )


def revoke_link(session: Session, actor: Actor, assessment_id: int, respondent_id: int) -> None:
    """Make a respondent's link stop working (answers already saved stay)."""
    actor.require_editor()
    with write_transaction(session):
        respondent = get_respondent(session, assessment_id, respondent_id)
        respondent.token_hash = None
        respondent.token_encrypted = None


def _has_answered(session: Session, respondent: Respondent) -> bool:
    if respondent.submitted_at is not None or respondent.started_at is not None:
        return True
    return bool(
        session.scalar(select(exists().where(Answer.respondent_id == respondent.id)))
        or session.scalar(select(exists().where(ElementComment.respondent_id == respondent.id)))
    )


def update_respondent(
    session: Session, actor: Actor, assessment_id: int, respondent_id: int, data: RespondentData
) -> Respondent:
    """Correct a respondent's name, e-mail, role, team, region and segment.  The role decides
    which questions a person sees, so it cannot change once they have answered."""
    actor.require_editor()
    assessment = get_assessment(session, assessment_id)
    _validate(data, list(questionnaire_of(assessment).role_ids))
    with write_transaction(session):
        respondent = get_respondent(session, assessment_id, respondent_id)
        if data.role != respondent.role and _has_answered(session, respondent):
            raise Conflict("respondent.role_fixed")
        respondent.name = data.name.strip()
        respondent.email = data.email.strip()
        respondent.role = data.role
        respondent.team = data.team.strip()
        respondent.region = data.region.strip()
        respondent.segment = data.segment.strip()
    return respondent


def delete_respondent(
    session: Session, actor: Actor, assessment_id: int, respondent_id: int
) -> None:
    """Remove a respondent added by mistake.  Refused once they have answered anything:
    erasing answers is a separate, audited decision."""
    actor.require_editor()
    with write_transaction(session):
        respondent = get_respondent(session, assessment_id, respondent_id)
        if _has_answered(session, respondent):
            raise Conflict("respondent.answered")
        session.delete(respondent)


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


def links_csv(issued: Sequence[IssuedLink | CurrentLink], base_url: str) -> str:
    """The issued links as CSV: code, name, email, role, team, region, segment, link
    (formula-safe cells)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["code", "name", "email", "role", "team", "region", "segment", "link"])
    for link in issued:
        r = link.respondent
        url = f"{base_url}/r/{link.token}" if link.token else ""
        row = [r.code, r.name, r.email, r.role, r.team, r.region, r.segment, url]
        writer.writerow(safe_row(row))
    return out.getvalue()


def assessment_of(session: Session, respondent: Respondent) -> Assessment:
    """The assessment a respondent belongs to."""
    return respondent.assessment
