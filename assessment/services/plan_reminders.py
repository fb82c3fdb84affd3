"""E-mail reminders to the owners of action-plan items (optional, per client, with SMTP).

For a client whose plan reminders are on, the owner of an open item with a due date gets
at most two reminders per due date:

- *due soon*: from :data:`SOON_DAYS` days before the due date until the due date;
- *overdue*: the day after the due date or later (one, not one a day).

The owner is the member named on the item (while they are still a member of the
workspace) or the named person at the client with an e-mail address.  Items carried into a
later round are reminded through their copy only; demo assessments never remind.  Moving
the due date or naming another owner starts again (``services/plans.py`` resets the stage).

Sending is idempotent like :mod:`assessment.services.reminders`: each reminder is claimed
with one conditional ``UPDATE`` (the stage for this due date is still lower) before the mail
goes out, so two runs at once send it once; a refused mail gives its claim back.  The
e-mail is in the language of the round that committed the item.  :func:`plan_due` lists what
is due and changes nothing (``saleshealth plan-reminders --dry-run``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from babel.dates import format_date
from sqlalchemy import ColumnElement, and_, exists, or_, select, update
from sqlalchemy.orm import Session, aliased

from assessment.catalogues import TRANSLATIONS, translations_for
from assessment.core import plans as core
from assessment.db import write_transaction
from assessment.db.models import Assessment, Client, Membership, PlanItem, User, Workspace
from assessment.db.tenancy import unscoped
from assessment.messages import Message
from assessment.services import audit
from assessment.services.mailer import Mail
from assessment.services.reminders import _bound, _workspaces

log = logging.getLogger(__name__)

SOON_DAYS = 3
"""The due-soon reminder goes out from this many days before the due date."""
SOON, OVERDUE = 1, 2
AUDIT_EVENT = "plan.reminders_sent"


@dataclass(frozen=True)
class PlanDue:
    """An item whose owner is due a reminder now (plain data)."""

    workspace_id: int
    item_id: int
    client_id: int
    client_name: str
    title: str
    due: dt.date
    stage: int
    """:data:`SOON` or :data:`OVERDUE`."""
    previous_stage: int
    previous_for: dt.date | None
    previous_at: dt.datetime | None
    owner: str
    email: str
    member: bool
    """The owner is a member (their mail links to the plan page)."""
    language: str
    sender_name: str


def stage_due(due: dt.date, today: dt.date) -> int:
    """Which reminder a due date calls for today: 0 none yet, 1 due soon, 2 overdue."""
    if today > due:
        return OVERDUE
    if today >= due - dt.timedelta(days=SOON_DAYS):
        return SOON
    return 0


def _language(lang: str) -> str:
    return lang if lang == "en" or (TRANSLATIONS / lang).is_dir() else "en"


_LATER = aliased(PlanItem, name="later")


def _remindable() -> ColumnElement[bool]:
    return and_(
        PlanItem.status.in_([s.value for s in core.OPEN]),
        PlanItem.due_date.is_not(None),
        ~exists().where(_LATER.carried_from_id == PlanItem.id),
    )


def _due_in_workspace(session: Session, workspace: Workspace, today: dt.date) -> list[PlanDue]:
    horizon = today + dt.timedelta(days=SOON_DAYS)
    rows = session.execute(
        select(PlanItem, Client.name, Assessment.language)
        .join(Client, Client.id == PlanItem.client_id)
        .join(Assessment, Assessment.id == PlanItem.assessment_id)
        .where(
            Client.plan_reminders.is_(True),
            Assessment.is_demo.is_(False),
            _remindable(),
            PlanItem.due_date <= horizon,
        )
        .order_by(PlanItem.due_date, PlanItem.id)
    ).all()
    member_ids = {r.owner_user_id for r, _n, _l in rows if r.owner_user_id is not None}
    members: dict[int, tuple[str, str]] = {}
    if member_ids:
        with unscoped(session):
            for user_id, name, email in session.execute(
                select(User.id, User.name, User.email)
                .join(Membership, Membership.user_id == User.id)
                .where(Membership.workspace_id == workspace.id, User.id.in_(member_ids))
            ):
                members[user_id] = (name, email)
    sender = workspace.firm_name or workspace.name
    out = []
    for row, client_name, language in rows:
        assert row.due_date is not None
        stage = stage_due(row.due_date, today)
        done = row.reminder_stage if row.reminded_for == row.due_date else 0
        if stage <= done:
            continue
        if row.owner_user_id is not None:
            if row.owner_user_id not in members:
                continue  # no longer a member: no mail about this client
            name, email = members[row.owner_user_id]
        else:
            name, email = row.owner_name, row.owner_email
        if not email:
            continue
        out.append(
            PlanDue(
                workspace_id=workspace.id,
                item_id=row.id,
                client_id=row.client_id,
                client_name=client_name,
                title=row.title,
                due=row.due_date,
                stage=stage,
                previous_stage=row.reminder_stage,
                previous_for=row.reminded_for,
                previous_at=row.reminded_at,
                owner=name,
                email=email,
                member=row.owner_user_id is not None,
                language=_language(language),
                sender_name=sender,
            )
        )
    return out


def plan_due(session: Session, today: dt.date) -> list[PlanDue]:
    """Every plan reminder due ``today`` in every workspace; changes nothing."""
    found: list[PlanDue] = []
    for workspace in _workspaces(session):
        with _bound(session, workspace.id):
            found.extend(_due_in_workspace(session, workspace, today))
    session.rollback()
    return found


def compose(due: PlanDue, plan_url: str) -> Mail:
    """The reminder to one owner, in the language of the item's round."""
    lang = due.language
    translations = translations_for(lang)

    def text(code: str, **params: object) -> str:
        return Message(code, **params).render(translations, lang)

    day = str(format_date(due.due, format="long", locale=lang))
    greeting = (
        text("reminder.greeting_named", name=due.owner) if due.owner else text("reminder.greeting")
    )
    if due.stage == OVERDUE:
        subject = text("plan_reminder.subject_overdue", title=due.title, date=day)
        body = text("plan_reminder.overdue", title=due.title, date=day, client=due.client_name)
    else:
        subject = text("plan_reminder.subject_soon", title=due.title, date=day)
        body = text("plan_reminder.soon", title=due.title, date=day, client=due.client_name)
    parts = [greeting, body]
    if due.member and plan_url:
        parts.append(text("plan_reminder.link", link=plan_url))
    parts.append(text("plan_reminder.closing"))
    if due.sender_name:
        parts.append(due.sender_name)
    return Mail(to=due.email, subject=subject, body="\n\n".join(parts))


Transport = Callable[[Sequence[Mail]], list[str]]


@dataclass(frozen=True)
class PlanDelivery:
    """What sending needs from the edge: the public address (links) and a transport."""

    public_url: str
    send: Transport


@dataclass
class PlanRunReport:
    """What one run did."""

    sent: list[PlanDue] = field(default_factory=list)
    failed: list[tuple[PlanDue, str]] = field(default_factory=list)
    taken: int = 0
    """Due when read, but claimed by a concurrent run (or changed) first."""


def _claim(session: Session, due: PlanDue, now: dt.datetime) -> bool:
    with write_transaction(session):
        result = session.execute(
            update(PlanItem)
            .where(
                PlanItem.id == due.item_id,
                PlanItem.due_date == due.due,
                PlanItem.status.in_([s.value for s in core.OPEN]),
                or_(
                    PlanItem.reminded_for.is_(None),
                    PlanItem.reminded_for != due.due,
                    PlanItem.reminder_stage < due.stage,
                ),
            )
            .values(reminder_stage=due.stage, reminded_for=due.due, reminded_at=now)
            .execution_options(synchronize_session=False)
        )
    return int(getattr(result, "rowcount", 0) or 0) == 1


def _release(session: Session, due: PlanDue, now: dt.datetime) -> None:
    with write_transaction(session):
        session.execute(
            update(PlanItem)
            .where(PlanItem.id == due.item_id, PlanItem.reminded_at == now)
            .values(
                reminder_stage=due.previous_stage,
                reminded_for=due.previous_for,
                reminded_at=due.previous_at,
            )
            .execution_options(synchronize_session=False)
        )


def _send_workspace(
    session: Session,
    workspace: Workspace,
    today: dt.date,
    now: dt.datetime,
    delivery: PlanDelivery,
    report: PlanRunReport,
) -> None:
    due = _due_in_workspace(session, workspace, today)
    if not due:
        return
    session.rollback()  # end the read transaction before the claims
    claimed = [d for d in due if _claim(session, d, now)]
    base = delivery.public_url.rstrip("/")
    mails = [compose(d, f"{base}/clients/{d.client_id}/plan" if base else "") for d in claimed]
    try:
        errors = delivery.send(mails) if mails else []
    except Exception as exc:  # the server is unreachable: nothing was sent
        log.warning("plan reminders: sending failed: %s", exc)
        errors = [str(exc) or type(exc).__name__] * len(mails)
    sent = []
    for d, error in zip(claimed, errors, strict=True):
        if error:
            _release(session, d, now)
            report.failed.append((d, error))
        else:
            sent.append(d)
    report.sent.extend(sent)
    report.taken += len(due) - len(claimed)
    audit.record(
        session,
        None,
        AUDIT_EVENT,
        "plan_reminders",
        {
            "sent": len(sent),
            "failed": len(claimed) - len(sent),
            "taken_by_another_run": len(due) - len(claimed),
            "items": sorted(d.item_id for d in due),
        },
        workspace_id=workspace.id,
    )


def send_plan_reminders(
    session: Session, today: dt.date, now: dt.datetime, delivery: PlanDelivery
) -> PlanRunReport:
    """Send every plan reminder due ``today``; one audit entry per workspace where any was
    due."""
    report = PlanRunReport()
    for workspace in _workspaces(session):
        with _bound(session, workspace.id):
            _send_workspace(session, workspace, today, now, delivery, report)
    session.rollback()
    return report
