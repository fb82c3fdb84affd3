"""Automatic e-mail reminders to respondents who have not submitted.

Each assessment says after how many quiet days a respondent is reminded and how many
reminders they get at most (:class:`ReminderSettings`; ``reminder_max = 0`` turns them off).
A respondent is *due* when all of these hold:

- the assessment is open (not a draft, not closed), not a demo and not a self-assessment;
- they have an e-mail address and a working personal link (a revoked, erased or anonymized
  respondent has none) and have not submitted;
- they got fewer automatic reminders than the assessment's maximum;
- nothing happened for ``reminder_after_days`` days: the quiet period starts at the latest
  of the assessment's opening, the respondent's addition, their invitation, their last
  reminder (manual or automatic), their current link's issue and their last activity.

A reminder carries the respondent's *current* link, decrypted from
``respondent.token_encrypted``; nothing here issues, rotates or revokes a link.  A
respondent whose link cannot be shown (issued before links were kept encrypted, or under
another secret) is skipped and listed, never sent a new link.

Sending is idempotent under concurrency: before a mail goes out, its respondent is claimed
with one conditional ``UPDATE`` (``reminder_count = reminder_count + 1`` where the count is
still the one read and the respondent is still due, in its own transaction).  Of two runs at
once only one claim matches the row, so only one mail is sent.  A mail the server refuses
gives its claim back, so the next run tries again; a run that dies between the claim and
the mail sends nothing twice (at most once is the right failure for e-mail).

:func:`plan_reminders` lists who is due and changes nothing (``saleshealth reminders
--dry-run``); :func:`send_reminders` sends, per workspace, and records one audit entry per
workspace in which anything was due.  The worker and the command line are the callers; the
clock is always passed in.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session

from assessment.catalogues import TRANSLATIONS, translations_for
from assessment.db import write_transaction
from assessment.db.models import Assessment, AssessmentStatus, Respondent, Workspace
from assessment.db.tenancy import bind_workspace, current_workspace, unscoped
from assessment.messages import Message
from assessment.services import audit
from assessment.services.actor import Actor
from assessment.services.assessments import get_assessment
from assessment.services.errors import Invalid
from assessment.services.link_cipher import LinkCipher
from assessment.services.mailer import Mail
from assessment.services.respondents import hash_token

log = logging.getLogger(__name__)

DEFAULT_AFTER_DAYS = 5
DEFAULT_MAX = 2
MAX_AFTER_DAYS = 60
MAX_REMINDERS = 10
AUDIT_EVENT = "reminders.sent"


# -- settings ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderSettings:
    """An assessment's schedule: remind after ``after_days`` quiet days, at most
    ``max_count`` times (0: no automatic reminders)."""

    after_days: int = DEFAULT_AFTER_DAYS
    max_count: int = DEFAULT_MAX

    def validate(self) -> None:
        """Raise Invalid naming the field that is out of range."""
        if not 1 <= self.after_days <= MAX_AFTER_DAYS:
            raise Invalid("reminders.after_days", field="after_days", num=MAX_AFTER_DAYS)
        if not 0 <= self.max_count <= MAX_REMINDERS:
            raise Invalid("reminders.max_count", field="max_count", num=MAX_REMINDERS)


def reminder_settings(session: Session, assessment_id: int) -> ReminderSettings:
    """The assessment's reminder schedule."""
    assessment = get_assessment(session, assessment_id)
    return ReminderSettings(assessment.reminder_after_days, assessment.reminder_max)


def save_reminder_settings(
    session: Session, actor: Actor, assessment_id: int, settings: ReminderSettings
) -> None:
    """Change the assessment's reminder schedule (editors)."""
    actor.require_editor()
    settings.validate()
    assessment = get_assessment(session, assessment_id)
    with write_transaction(session):
        assessment.reminder_after_days = settings.after_days
        assessment.reminder_max = settings.max_count


# -- who is due ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    """A respondent who is due a reminder now (plain data)."""

    workspace_id: int
    assessment_id: int
    assessment_title: str
    respondent_id: int
    code: str
    name: str
    email: str
    language: str
    number: int
    """Which reminder this would be (1 for the first)."""
    of: int
    """The assessment's maximum."""
    quiet_since: datetime
    started: bool
    token_hash: str
    token: str | None
    """The current link's token; None when it cannot be shown (the respondent is skipped)."""
    sender_name: str
    after_days: int


def _open_for_reminders() -> ColumnElement[bool]:
    return and_(
        Assessment.status == AssessmentStatus.OPEN,
        Assessment.is_demo.is_(False),
        Assessment.is_self_assessment.is_(False),
        Assessment.reminder_max > 0,
    )


def _reachable() -> ColumnElement[bool]:
    return and_(
        Respondent.submitted_at.is_(None),
        Respondent.token_hash.is_not(None),
        Respondent.email != "",
        Respondent.origin == "link",
    )


def _quiet_since(assessment: Assessment, r: Respondent) -> datetime:
    moments = [
        assessment.opened_at,
        r.created_at,
        r.invited_at,
        r.reminded_at,
        r.token_issued_at,
        r.last_active_at,
    ]
    return max(m for m in moments if m is not None)


def _quiet_before(cutoff: datetime) -> ColumnElement[bool]:
    """Nothing happened to the respondent after ``cutoff`` (the claim's re-check)."""
    return and_(
        *(
            or_(column.is_(None), column <= cutoff)
            for column in (
                Respondent.created_at,
                Respondent.invited_at,
                Respondent.reminded_at,
                Respondent.token_issued_at,
                Respondent.last_active_at,
            )
        )
    )


def _mail_language(respondent: Respondent, assessment: Assessment) -> str:
    """The language the respondent chose on their pages, else the assessment's."""
    for lang in (respondent.language, assessment.language):
        if lang and (lang == "en" or (TRANSLATIONS / lang).is_dir()):
            return lang
    return "en"


def _workspaces(session: Session) -> list[Workspace]:
    with unscoped(session):
        return list(session.scalars(select(Workspace).order_by(Workspace.id)))


@contextmanager
def _bound(session: Session, workspace_id: int) -> Iterator[None]:
    previous = current_workspace(session)
    bind_workspace(session, workspace_id)
    try:
        yield
    finally:
        bind_workspace(session, previous)


def _due_in_workspace(
    session: Session, workspace: Workspace, now: datetime, cipher: LinkCipher | None
) -> list[Due]:
    rows = session.execute(
        select(Respondent, Assessment)
        .join(Assessment, Respondent.assessment_id == Assessment.id)
        .where(
            _open_for_reminders(),
            _reachable(),
            Respondent.reminder_count < Assessment.reminder_max,
        )
        .order_by(Assessment.id, Respondent.id)
    ).all()
    sender = workspace.firm_name or workspace.name
    due = []
    for r, a in rows:
        quiet = _quiet_since(a, r)
        if quiet > now - timedelta(days=a.reminder_after_days):
            continue
        token = cipher.decrypt(r.token_encrypted) if cipher is not None else None
        if token is not None and hash_token(token) != r.token_hash:
            token = None  # not the current link: never send a dead one
        due.append(
            Due(
                workspace_id=workspace.id,
                assessment_id=a.id,
                assessment_title=a.title,
                respondent_id=r.id,
                code=r.code,
                name=r.name,
                email=r.email,
                language=_mail_language(r, a),
                number=r.reminder_count + 1,
                of=a.reminder_max,
                quiet_since=quiet,
                started=r.started_at is not None,
                token_hash=r.token_hash or "",
                token=token,
                sender_name=sender,
                after_days=a.reminder_after_days,
            )
        )
    return due


def plan_reminders(session: Session, now: datetime, cipher: LinkCipher | None = None) -> list[Due]:
    """Everyone due a reminder at ``now`` in every workspace; changes nothing.

    Without a ``cipher`` no link is decrypted (``token`` stays None): enough to list who
    is due.
    """
    found: list[Due] = []
    for workspace in _workspaces(session):
        with _bound(session, workspace.id):
            found.extend(_due_in_workspace(session, workspace, now, cipher))
    session.rollback()  # end the read transaction
    return found


@dataclass(frozen=True)
class Upcoming:
    """A respondent who will be reminded if nothing happens: when, and the how-manieth."""

    code: str
    name: str
    email: str
    sent: int
    """Automatic reminders sent so far."""
    next_at: datetime | None
    """When the next one is due (None while the assessment is not open)."""
    link_shown: bool
    """False when the current link cannot be shown: they will not be reminded."""


def upcoming_reminders(session: Session, assessment_id: int) -> list[Upcoming]:
    """The assessment's respondents who will get a reminder if they stay quiet, with the
    moment each is due (for the schedule page; changes nothing).  Nobody once it is closed,
    nor in a demo or a self-assessment."""
    assessment = get_assessment(session, assessment_id)
    if (
        assessment.reminder_max == 0
        or assessment.is_demo
        or assessment.is_self_assessment
        or assessment.status is AssessmentStatus.CLOSED
    ):
        return []
    is_open = assessment.status is AssessmentStatus.OPEN
    rows = session.scalars(
        select(Respondent)
        .where(
            Respondent.assessment_id == assessment_id,
            _reachable(),
            Respondent.reminder_count < assessment.reminder_max,
        )
        .order_by(Respondent.id)
    )
    after = timedelta(days=assessment.reminder_after_days)
    return [
        Upcoming(
            code=r.code,
            name=r.name,
            email=r.email,
            sent=r.reminder_count,
            next_at=_quiet_since(assessment, r) + after if is_open else None,
            link_shown=r.token_encrypted is not None,
        )
        for r in rows
    ]


# -- the e-mail ----------------------------------------------------------------------------


def compose(due: Due, link: str) -> Mail:
    """The reminder to one respondent, in their language."""
    lang = due.language
    translations = translations_for(lang)

    def text(code: str, **params: object) -> str:
        return Message(code, **params).render(translations, lang)

    greeting = (
        text("reminder.greeting_named", name=due.name) if due.name else text("reminder.greeting")
    )
    lead = "reminder.in_progress" if due.started else "reminder.not_started"
    parts = [
        greeting,
        text(lead, title=due.assessment_title),
        text("reminder.link", link=link),
        text("reminder.closing"),
    ]
    if due.sender_name:
        parts.append(due.sender_name)
    return Mail(
        to=due.email,
        subject=text("reminder.subject", title=due.assessment_title),
        body="\n\n".join(parts),
    )


# -- sending -------------------------------------------------------------------------------

Transport = Callable[[Sequence[Mail]], list[str]]
"""Sends mails over one connection; one error text per mail ("" when accepted)."""


@dataclass(frozen=True)
class Delivery:
    """What sending needs from the edge: the link key, the public address, a transport."""

    cipher: LinkCipher
    public_url: str
    send: Transport


@dataclass
class RunReport:
    """What one run did."""

    sent: list[Due] = field(default_factory=list)
    failed: list[tuple[Due, str]] = field(default_factory=list)
    skipped: list[Due] = field(default_factory=list)
    """Due, but their current link cannot be shown: not reminded (replace the link)."""
    taken: int = 0
    """Due when read, but claimed by a concurrent run (or no longer due) first."""


def _claim(session: Session, due: Due, now: datetime) -> bool:
    """Take the respondent's next reminder for this run; False when another run (or a
    change: submitted, link replaced, closed, active again) got there first."""
    cutoff = now - timedelta(days=due.after_days)
    still_open = select(Assessment.id).where(
        _open_for_reminders(),
        Assessment.id == due.assessment_id,
        Assessment.reminder_max >= due.number,
        Assessment.reminder_after_days == due.after_days,
        or_(Assessment.opened_at.is_(None), Assessment.opened_at <= cutoff),
    )
    with write_transaction(session):
        result = session.execute(
            update(Respondent)
            .where(
                Respondent.id == due.respondent_id,
                Respondent.reminder_count == due.number - 1,
                Respondent.token_hash == due.token_hash,
                _reachable(),
                _quiet_before(cutoff),
                Respondent.assessment_id.in_(still_open),
            )
            .values(reminder_count=Respondent.reminder_count + 1, reminded_at=now)
            .execution_options(synchronize_session=False)
        )
    return int(getattr(result, "rowcount", 0) or 0) == 1


def _release(session: Session, due: Due, now: datetime, previous: datetime | None) -> None:
    """Give back a claim whose mail was refused, so a later run tries again."""
    with write_transaction(session):
        session.execute(
            update(Respondent)
            .where(
                Respondent.id == due.respondent_id,
                Respondent.reminder_count == due.number,
                Respondent.reminded_at == now,
            )
            .values(reminder_count=due.number - 1, reminded_at=previous)
            .execution_options(synchronize_session=False)
        )


def _previous_reminders(session: Session, ids: list[int]) -> dict[int, datetime | None]:
    rows = session.execute(
        select(Respondent.id, Respondent.reminded_at).where(Respondent.id.in_(ids))
    ).all()
    return {rid: when for rid, when in rows}


def _send_workspace(
    session: Session, workspace: Workspace, now: datetime, delivery: Delivery, report: RunReport
) -> None:
    due = _due_in_workspace(session, workspace, now, delivery.cipher)
    if not due:
        return
    sendable = [d for d in due if d.token is not None]
    skipped = [d for d in due if d.token is None]
    previous = _previous_reminders(session, [d.respondent_id for d in sendable])
    session.rollback()  # end the read transaction before the claims
    claimed = [d for d in sendable if _claim(session, d, now)]
    taken = len(sendable) - len(claimed)
    base = delivery.public_url.rstrip("/")
    mails = [compose(d, f"{base}/r/{d.token}") for d in claimed]
    try:
        errors = delivery.send(mails) if mails else []
    except Exception as exc:  # the server is unreachable: nothing was sent
        log.warning("reminders: sending failed: %s", exc)
        errors = [str(exc) or type(exc).__name__] * len(mails)
    sent, failed = [], []
    for d, error in zip(claimed, errors, strict=True):
        if error:
            _release(session, d, now, previous.get(d.respondent_id))
            failed.append((d, error))
        else:
            sent.append(d)
    audit.record(
        session,
        None,
        AUDIT_EVENT,
        "reminders",
        {
            "sent": len(sent),
            "failed": len(failed),
            "skipped_no_link": len(skipped),
            "taken_by_another_run": taken,
            "assessments": sorted({d.assessment_id for d in due}),
        },
        workspace_id=workspace.id,
    )
    report.sent.extend(sent)
    report.failed.extend(failed)
    report.skipped.extend(skipped)
    report.taken += taken


def send_reminders(session: Session, now: datetime, delivery: Delivery) -> RunReport:
    """Send every reminder due at ``now``; one audit entry per workspace where any was due."""
    report = RunReport()
    for workspace in _workspaces(session):
        with _bound(session, workspace.id):
            _send_workspace(session, workspace, now, delivery, report)
    session.rollback()
    return report
