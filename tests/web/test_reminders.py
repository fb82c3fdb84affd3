"""Automatic reminders (issue 16, item 4) against a local SMTP server with an injected clock.

After N quiet days, at most M times, never after submission or closing, never to revoked or
erased respondents; each carries the respondent's current link, which keeps working; two
runs at once send nobody two; the e-mail is in the respondent's language; each run leaves
one audit entry per workspace.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from email import message_from_bytes
from email.message import Message as EmailMessage
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from assessment.db import write_transaction
from assessment.db.base import utcnow
from assessment.db.models import AuditEntry, Membership, Respondent
from assessment.db.tenancy import bind_workspace, unscoped
from assessment.extensions import db
from assessment.services.actor import Actor
from assessment.services.assessments import AssessmentSettings, create_assessment, set_status
from assessment.services.clients import ClientData, create_client
from assessment.services.erasure import erase_respondent
from assessment.services.errors import Invalid
from assessment.services.link_cipher import LinkCipher
from assessment.services.mailer import Mail, SmtpSettings, send_each
from assessment.services.questionnaires import publish_shipped
from assessment.services.reminders import (
    Delivery,
    ReminderSettings,
    plan_reminders,
    save_reminder_settings,
    send_reminders,
)
from assessment.services.respondents import RespondentData, add_respondents, revoke_link
from tests.web.test_invites_and_self import _Collect, smtp_server  # noqa: F401  (fixture)

DAY = dt.timedelta(days=1)
PUBLIC = "https://survey.acme-consulting.eu"


@dataclass
class World:
    """An open assessment with four e-mailable respondents and one without an address."""

    app: Flask
    actor: Actor
    assessment_id: int
    ids: dict[str, int]
    tokens: dict[str, str]
    cipher: LinkCipher
    start: dt.datetime


@pytest.fixture
def world(owner: FlaskClient, app: Flask) -> Iterator[World]:
    with app.app_context():
        s = db.session
        with unscoped(s):
            m = s.scalar(select(Membership).order_by(Membership.id))
        assert m is not None
        bind_workspace(s, m.workspace_id)
        actor = Actor(m.user_id, m.workspace_id, m.role)
        cipher = LinkCipher(app.config["SECRET_KEY"])
        client = create_client(s, actor, ClientData(name="Northwind"))
        a = create_assessment(
            s,
            actor,
            client.id,
            publish_shipped(s).id,
            AssessmentSettings(title="Q1 health check", language="pl"),
        )
        people = [
            RespondentData(role="sales_rep", name="Ann", email="ann@northwind-example.eu"),
            RespondentData(role="sales_rep", name="Bob", email=""),
            RespondentData(role="sales_rep", name="", email="cid@northwind-example.eu"),
            RespondentData(role="executive", name="Dan", email="dan@northwind-example.eu"),
            RespondentData(role="sales_rep", name="Eve", email="eve@northwind-example.eu"),
        ]
        issued = add_respondents(s, actor, a.id, people, cipher)
        set_status(s, actor, a.id, "open")
        names = ["ann", "bob", "cid", "dan", "eve"]
        ids = {n: link.respondent.id for n, link in zip(names, issued, strict=True)}
        tokens = {n: link.token for n, link in zip(names, issued, strict=True)}
        yield World(app, actor, a.id, ids, tokens, cipher, utcnow())
        db.session.remove()


class Outbox:
    """A transport that records what it was given (and can refuse some recipients)."""

    def __init__(self, refuse: Sequence[str] = ()) -> None:
        self.mails: list[Mail] = []
        self.refuse = set(refuse)
        self.lock = threading.Lock()

    def __call__(self, mails: Sequence[Mail]) -> list[str]:
        with self.lock:
            self.mails.extend(m for m in mails if m.to not in self.refuse)
        return ["550 no such user" if m.to in self.refuse else "" for m in mails]


def _delivery(world: World, send: Any) -> Delivery:
    return Delivery(world.cipher, PUBLIC, send)


def _respondent(world: World, name: str) -> Respondent:
    s = db.session
    s.rollback()  # a fresh read: other sessions wrote meanwhile
    found = s.scalar(select(Respondent).where(Respondent.id == world.ids[name]))
    assert found is not None
    return found


def _due_names(world: World, now: dt.datetime) -> list[str]:
    by_id = {v: k for k, v in world.ids.items()}
    return sorted(by_id[d.respondent_id] for d in plan_reminders(db.session, now, world.cipher))


def _opens(world: World, path: str) -> bool:
    """Whether a link path opens the respondent's pages (checked in a request, which leaves
    the test's session unbound: bound again afterwards)."""
    ok = world.app.test_client().get(path).status_code == 302
    bind_workspace(db.session, world.actor.workspace_id)
    return ok


def _link(body: str) -> str:
    found = re.search(re.escape(PUBLIC) + r"(/r/[A-Za-z0-9_\-]+)", body)
    assert found, body
    return found.group(1)


def test_after_n_quiet_days_at_most_m_times_with_the_current_link(
    world: World,
    smtp_server: tuple[int, _Collect],  # noqa: F811
) -> None:
    port, handler = smtp_server
    settings = SmtpSettings(host="127.0.0.1", port=port, sender="consultant@acme-consulting.eu")
    delivery = _delivery(world, lambda mails: send_each(settings, mails))
    start = world.start
    # Defaults: after 5 quiet days, at most 2 reminders; Bob has no address.
    assert _due_names(world, start + 4 * DAY) == []
    assert _due_names(world, start + 5 * DAY + dt.timedelta(minutes=1)) == [
        "ann",
        "cid",
        "dan",
        "eve",
    ]

    report = send_reminders(db.session, start + 6 * DAY, delivery)
    assert len(report.sent) == 4 and not report.failed
    assert sorted(m.rcpt_tos[0] for m in handler.messages) == [
        "ann@northwind-example.eu",
        "cid@northwind-example.eu",
        "dan@northwind-example.eu",
        "eve@northwind-example.eu",
    ]
    mails = {m.rcpt_tos[0]: message_from_bytes(m.content) for m in handler.messages}
    ann = mails["ann@northwind-example.eu"]
    body = _body(ann)
    # The assessment's language (Polish), the current link, which still works afterwards.
    assert ann["Subject"] == "Przypomnienie: Q1 health check"
    assert body.startswith("Dzień dobry Ann,")
    assert "wciąż czekamy na Państwa odpowiedzi" in body
    assert _link(body) == f"/r/{world.tokens['ann']}"
    assert _opens(world, _link(body))
    # No name: a greeting without one.
    assert _body(mails["cid@northwind-example.eu"]).startswith("Dzień dobry,")
    assert _respondent(world, "ann").reminder_count == 1
    assert _respondent(world, "bob").reminder_count == 0

    # The same moment again: nobody is due (the quiet period restarted at the reminder).
    assert send_reminders(db.session, start + 6 * DAY, delivery).sent == []
    assert _due_names(world, start + 10 * DAY) == []
    assert (
        len(send_reminders(db.session, start + 11 * DAY + dt.timedelta(hours=1), delivery).sent)
        == 4
    )
    # Two reminders each: the maximum.
    assert _due_names(world, start + 60 * DAY) == []
    assert len(handler.messages) == 8
    assert {_link(_body(message_from_bytes(m.content))) for m in handler.messages} == {
        f"/r/{world.tokens[n]}" for n in ("ann", "cid", "dan", "eve")
    }
    for name in ("ann", "cid", "dan", "eve"):
        r = _respondent(world, name)
        assert r.reminder_count == 2
        assert world.cipher.decrypt(r.token_encrypted) == world.tokens[name]  # never rotated


def _body(message: EmailMessage) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(message.get_content_charset() or "utf-8")


def test_never_after_submission_closing_revocation_or_erasure(world: World) -> None:
    s = db.session
    later = world.start + 6 * DAY
    ann = _respondent(world, "ann")
    with write_transaction(s):
        ann.submitted_at = utcnow()
    revoke_link(s, world.actor, world.assessment_id, world.ids["cid"])
    erase_respondent(s, world.actor, world.assessment_id, world.ids["dan"], confirmed=True)
    assert _due_names(world, later) == ["eve"]
    set_status(s, world.actor, world.assessment_id, "closed")
    assert _due_names(world, later) == []
    outbox = Outbox()
    assert send_reminders(s, later, _delivery(world, outbox)).sent == []
    assert outbox.mails == []


def test_activity_restarts_the_quiet_period_and_started_people_get_the_resume_text(
    world: World,
) -> None:
    s = db.session
    eve = _respondent(world, "eve")
    with write_transaction(s):
        eve.started_at = eve.last_active_at = world.start + 3 * DAY
        eve.language = "ru"  # chosen on the respondent's pages: it wins over the assessment's
    assert "eve" not in _due_names(world, world.start + 6 * DAY)
    outbox = Outbox()
    send_reminders(s, world.start + 8 * DAY + dt.timedelta(minutes=1), _delivery(world, outbox))
    mail = next(m for m in outbox.mails if m.to.startswith("eve"))
    assert mail.subject == "Напоминание: Q1 health check"
    assert mail.body.startswith("Здравствуйте, Eve!")
    assert "вернёт вас туда, где вы остановились" in mail.body


@pytest.mark.parametrize(
    ("lang", "subject", "phrase"),
    [
        ("en", "Reminder: Q1 health check", "we have not received your answers yet"),
        ("zh", "提醒：Q1 health check", "我们尚未收到您的回答"),
        ("ro", "Reamintire: Q1 health check", "nu am primit încă răspunsurile dumneavoastră"),
    ],
)
def test_the_mail_speaks_the_assessments_language(
    world: World, lang: str, subject: str, phrase: str
) -> None:
    from assessment.services.assessments import get_assessment

    s = db.session
    with write_transaction(s):
        get_assessment(s, world.assessment_id).language = lang
    outbox = Outbox()
    send_reminders(s, world.start + 6 * DAY, _delivery(world, outbox))
    mail = next(m for m in outbox.mails if m.to.startswith("ann"))
    assert mail.subject == subject
    assert phrase in mail.body and "Acme Consulting" in mail.body  # signed by the workspace


def test_two_runs_at_once_send_nobody_two(world: World) -> None:
    """Both runs read the same four due respondents; the conditional update lets one claim
    each, so four mails go out in total."""
    engine = db.engine
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    outbox = Outbox()
    barrier = threading.Barrier(2)
    now = world.start + 6 * DAY
    reports: list[Any] = []

    def slow_send(mails: Sequence[Mail]) -> list[str]:
        return outbox(mails)

    def run() -> None:
        with sessions() as session:
            barrier.wait()
            reports.append(send_reminders(session, now, _delivery(world, slow_send)))

    # Both runs plan before either claims: the planning read is made to wait at a barrier.
    import assessment.services.reminders as reminders

    original = reminders._claim
    gate = threading.Barrier(2)

    def claim_after_both_planned(session: Session, due: Any, when: dt.datetime) -> bool:
        if not getattr(threading.current_thread(), "planned", False):
            threading.current_thread().planned = True  # type: ignore[attr-defined]
            gate.wait(timeout=30)
        return original(session, due, when)

    reminders._claim = claim_after_both_planned  # type: ignore[assignment]
    try:
        threads = [threading.Thread(target=run) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    finally:
        reminders._claim = original  # type: ignore[assignment]
    assert len(reports) == 2
    assert sorted(m.to for m in outbox.mails) == [
        "ann@northwind-example.eu",
        "cid@northwind-example.eu",
        "dan@northwind-example.eu",
        "eve@northwind-example.eu",
    ]
    assert sum(len(r.sent) for r in reports) == 4
    assert sum(r.taken for r in reports) == 4  # each run lost the other's four
    assert all(_respondent(world, n).reminder_count == 1 for n in ("ann", "cid", "dan", "eve"))


def test_a_refused_mail_gives_its_claim_back_and_is_retried(world: World) -> None:
    s = db.session
    refusing = Outbox(refuse=["dan@northwind-example.eu"])
    first = send_reminders(s, world.start + 6 * DAY, _delivery(world, refusing))
    assert [d.email for d, _ in first.failed] == ["dan@northwind-example.eu"]
    assert _respondent(world, "dan").reminder_count == 0
    assert _respondent(world, "dan").reminded_at is None
    outbox = Outbox()
    again = send_reminders(
        s, world.start + 6 * DAY + dt.timedelta(hours=1), _delivery(world, outbox)
    )
    assert [m.to for m in outbox.mails] == ["dan@northwind-example.eu"]
    assert len(again.sent) == 1

    def unreachable(mails: Sequence[Mail]) -> list[str]:
        raise ConnectionRefusedError("connection refused")

    eve = _respondent(world, "eve")
    with write_transaction(s):
        eve.reminder_count = 0
        eve.reminded_at = None
    down = send_reminders(s, world.start + 7 * DAY, _delivery(world, unreachable))
    assert [d.email for d, _ in down.failed] == ["eve@northwind-example.eu"]
    assert _respondent(world, "eve").reminder_count == 0


def test_a_link_that_cannot_be_shown_is_skipped_never_replaced(world: World) -> None:
    s = db.session
    ann = _respondent(world, "ann")
    old_hash = ann.token_hash
    with write_transaction(s):
        ann.token_encrypted = None  # issued before links were kept encrypted
    outbox = Outbox()
    report = send_reminders(s, world.start + 6 * DAY, _delivery(world, outbox))
    assert [d.email for d in report.skipped] == ["ann@northwind-example.eu"]
    assert "ann@northwind-example.eu" not in [m.to for m in outbox.mails]
    ann = _respondent(world, "ann")
    assert (ann.token_hash, ann.reminder_count) == (old_hash, 0)


def test_each_run_with_something_due_leaves_one_audit_entry(world: World) -> None:
    s = db.session
    send_reminders(s, world.start + 2 * DAY, _delivery(world, Outbox()))  # nothing due
    send_reminders(
        s, world.start + 6 * DAY, _delivery(world, Outbox(refuse=["eve@northwind-example.eu"]))
    )
    entries = list(s.scalars(select(AuditEntry).where(AuditEntry.event == "reminders.sent")))
    assert len(entries) == 1
    assert entries[0].actor_id is None
    assert entries[0].details["sent"] == 3 and entries[0].details["failed"] == 1
    assert entries[0].details["assessments"] == [world.assessment_id]


def test_settings_are_validated_and_zero_turns_reminders_off(world: World) -> None:
    s = db.session
    for bad, field in (
        (ReminderSettings(0, 2), "after_days"),
        (ReminderSettings(3, 11), "max_count"),
    ):
        with pytest.raises(Invalid) as err:
            save_reminder_settings(s, world.actor, world.assessment_id, bad)
        assert err.value.field == field
    save_reminder_settings(s, world.actor, world.assessment_id, ReminderSettings(2, 1))
    assert len(_due_names(world, world.start + 2 * DAY + dt.timedelta(minutes=1))) == 4
    save_reminder_settings(s, world.actor, world.assessment_id, ReminderSettings(2, 0))
    assert _due_names(world, world.start + 30 * DAY) == []


def _six_days_ago(world: World) -> None:
    """Move the assessment's opening and its respondents' history six days back."""
    from assessment.services.assessments import get_assessment

    s = db.session
    back = 6 * DAY
    with write_transaction(s):
        a = get_assessment(s, world.assessment_id)
        assert a.opened_at is not None
        a.opened_at -= back
        for r in s.scalars(select(Respondent).where(Respondent.assessment_id == a.id)):
            r.created_at -= back
            if r.token_issued_at is not None:
                r.token_issued_at -= back


def test_command_dry_run_lists_and_sends_nothing_then_sends(
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    smtp_server: tuple[int, _Collect],  # noqa: F811
) -> None:
    from click.testing import CliRunner

    from assessment.cli import main

    port, handler = smtp_server
    _six_days_ago(world)
    db.session.remove()
    monkeypatch.setenv("DATABASE_URL", world.app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("SECRET_KEY", world.app.config["SECRET_KEY"])
    runner = CliRunner()
    off = runner.invoke(main, ["reminders"])
    assert off.exit_code == 0 and "reminders are off: SMTP_HOST is not set" in off.output
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(port))
    no_url = runner.invoke(main, ["reminders"])
    assert "PUBLIC_URL is not set" in no_url.output and handler.messages == []
    monkeypatch.setenv("PUBLIC_URL", PUBLIC)

    dry = runner.invoke(main, ["reminders", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    lines = dry.output.splitlines()
    assert lines[-1] == "would send: 4 reminder(s)"
    assert "ann@northwind-example.eu\treminder 1 of 2\tpl" in dry.output
    assert "Bob" not in dry.output and handler.messages == []

    sent = runner.invoke(main, ["reminders"])
    assert sent.exit_code == 0, sent.output
    assert sent.output.splitlines()[-1] == "sent: 4, failed: 0, skipped: 0"
    assert len(handler.messages) == 4
    again = runner.invoke(main, ["reminders"])
    assert again.output.splitlines()[-1] == "sent: 0, failed: 0, skipped: 0"
    assert len(handler.messages) == 4


def test_the_worker_sends_with_its_configuration(
    world: World,
    smtp_server: tuple[int, _Collect],  # noqa: F811
) -> None:
    from assessment.workers.reminders import delivery_for, off_reason, run_reminders

    port, handler = smtp_server
    _six_days_ago(world)
    config: dict[str, Any] = {
        "SQLALCHEMY_DATABASE_URI": world.app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": world.app.config["SECRET_KEY"],
    }
    assert run_reminders(config) is None and off_reason(config) == "SMTP_HOST is not set"
    config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, PUBLIC_URL=PUBLIC + "/")
    assert delivery_for(config) is not None
    report = run_reminders(config)
    assert report is not None and len(report.sent) == 4
    assert len(handler.messages) == 4
    bodies = [_body(message_from_bytes(m.content)) for m in handler.messages]
    assert any(f"{PUBLIC}/r/{world.tokens['ann']}\r\n" in b for b in bodies)
