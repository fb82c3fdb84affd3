"""E-mail reminders to plan owners: due soon and overdue once per due date, only for clients
that turned them on, never for done, dropped or carried items, never twice under concurrency;
a refused mail is tried again; a real SMTP round trip in the item's language."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from email import message_from_bytes

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from assessment.db import write_transaction
from assessment.db.models import Assessment, AuditEntry, PlanItem
from assessment.db.tenancy import bind_workspace, unscoped
from assessment.extensions import db
from assessment.services import plans, rhythm
from assessment.services.mailer import Mail, SmtpSettings, send_each
from assessment.services.plan_reminders import (
    OVERDUE,
    SOON,
    PlanDelivery,
    plan_due,
    send_plan_reminders,
)
from tests.web.test_invites_and_self import _Collect, smtp_server  # noqa: F401  (fixture)
from tests.web.test_plans_service import World, world  # noqa: F401  (fixture)

DUE = dt.date(2027, 4, 20)
NOW = dt.datetime(2027, 4, 18, 8, 0, tzinfo=dt.UTC)
PUBLIC = "https://plans.acme-consulting.eu"


@dataclass
class Outbox:
    mails: list[Mail]
    fail: set[str]

    def send(self, mails: Sequence[Mail]) -> list[str]:
        out = []
        for m in mails:
            if m.to in self.fail:
                out.append("550 mailbox unavailable")
            else:
                self.mails.append(m)
                out.append("")
        return out


@pytest.fixture
def items(world: World) -> Iterator[dict[str, int]]:  # noqa: F811
    """Four items of Northwind due on DUE: a member's, a named person's, one without an
    address and a done one; plan reminders on."""
    with world.app.app_context():
        s = db.session
        bind_workspace(s, world.actor.workspace_id)
        a = world.assessment_id
        member = plans.add_item(
            s,
            world.actor,
            a,
            plans.ItemData(
                title="Weekly pipeline review", owner_user_id=world.actor.user_id, due=DUE
            ),
        )
        person = plans.add_item(
            s,
            world.actor,
            a,
            plans.ItemData(
                title="Win/loss interviews",
                owner_name="Marta Nowak",
                owner_email="marta@northwind.example",
                due=DUE,
            ),
        )
        silent = plans.add_item(
            s, world.actor, a, plans.ItemData(title="No address", owner_name="Jan", due=DUE)
        )
        done = plans.add_item(
            s,
            world.actor,
            a,
            plans.ItemData(
                title="Done already", owner_user_id=world.actor.user_id, due=DUE, status="done"
            ),
        )
        ids = {"member": member.id, "person": person.id, "silent": silent.id, "done": done.id}
        s.remove()
    yield ids


def _run(app: Flask, today: dt.date, outbox: Outbox, now: dt.datetime = NOW) -> int:
    with app.app_context():
        report = send_plan_reminders(db.session, today, now, PlanDelivery(PUBLIC, outbox.send))
        db.session.remove()
    return len(report.sent)


def _switch(app: Flask, world: World, on: bool) -> None:  # noqa: F811
    with app.app_context():
        s = db.session
        bind_workspace(s, world.actor.workspace_id)
        rhythm.set_rhythm(s, world.actor, world.client_id, None, on)
        s.remove()


def test_owners_are_reminded_before_and_after_the_due_date_once_each(
    world: World,  # noqa: F811
    items: dict[str, int],
) -> None:
    app = world.app
    outbox = Outbox([], set())
    assert _run(app, DUE - dt.timedelta(days=3), outbox) == 0  # reminders are off
    _switch(app, world, True)
    assert _run(app, DUE - dt.timedelta(days=4), outbox) == 0  # too early
    with app.app_context():
        due = plan_due(db.session, DUE - dt.timedelta(days=3))
    assert sorted((d.item_id, d.stage) for d in due) == sorted(
        [(items["member"], SOON), (items["person"], SOON)]
    )
    assert _run(app, DUE - dt.timedelta(days=3), outbox) == 2
    member_mail = next(m for m in outbox.mails if m.to == "owner@acme-consulting.eu")
    person_mail = next(m for m in outbox.mails if m.to == "marta@northwind.example")
    assert member_mail.subject == "Due on April 20, 2027: Weekly pipeline review"
    assert f"{PUBLIC}/clients/{world.client_id}/plan" in member_mail.body
    assert "Hello Olga Owner," in member_mail.body and "Northwind" in member_mail.body
    assert PUBLIC not in person_mail.body  # a person at the client has no account
    assert "Hello Marta Nowak," in person_mail.body
    # the same day again, and the due date itself: nothing new
    assert _run(app, DUE - dt.timedelta(days=3), outbox) == 0
    assert _run(app, DUE, outbox) == 0
    # the day after: one overdue reminder each, then never again
    assert _run(app, DUE + dt.timedelta(days=1), outbox) == 2
    assert outbox.mails[-1].subject.startswith("Past its due date (April 20, 2027)")
    assert _run(app, DUE + dt.timedelta(days=9), outbox) == 0
    # a new due date starts again; a done item is not reminded
    with app.app_context():
        s = db.session
        bind_workspace(s, world.actor.workspace_id)
        later = DUE + dt.timedelta(days=30)
        plans.update_item(
            s,
            world.actor,
            items["member"],
            plans.ItemData(
                title="Weekly pipeline review", owner_user_id=world.actor.user_id, due=later
            ),
        )
        plans.update_item(
            s,
            world.actor,
            items["person"],
            plans.ItemData(
                title="Win/loss interviews",
                owner_name="Marta Nowak",
                owner_email="marta@northwind.example",
                due=DUE,
                status="done",
            ),
        )
        s.remove()
    assert _run(app, later + dt.timedelta(days=2), outbox) == 1
    with app.app_context(), unscoped(db.session):
        entries = list(
            db.session.scalars(select(AuditEntry).where(AuditEntry.event == "plan.reminders_sent"))
        )
    assert [e.details["sent"] for e in entries] == [2, 2, 1]


def test_a_refused_mail_is_tried_again_and_two_runs_send_once(
    world: World,  # noqa: F811
    items: dict[str, int],
) -> None:
    app = world.app
    _switch(app, world, True)
    outbox = Outbox([], {"marta@northwind.example"})
    day = DUE - dt.timedelta(days=1)
    assert _run(app, day, outbox) == 1
    outbox.fail.clear()
    assert _run(app, day, outbox) == 1  # the refused one, and only it
    assert sorted(m.to for m in outbox.mails) == [
        "marta@northwind.example",
        "owner@acme-consulting.eu",
    ]
    # two runs at once on the overdue day: each reminder goes out once
    outbox.mails.clear()
    with app.app_context():
        factory = sessionmaker(bind=db.engine)
    barrier = threading.Barrier(2)

    def send(mails: Sequence[Mail]) -> list[str]:
        return outbox.send(mails)

    def run() -> None:
        with factory() as s:
            barrier.wait()
            send_plan_reminders(s, DUE + dt.timedelta(days=2), NOW, PlanDelivery(PUBLIC, send))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(m.to for m in outbox.mails) == [
        "marta@northwind.example",
        "owner@acme-consulting.eu",
    ]


def test_carried_items_are_reminded_through_their_copy_only(
    world: World,  # noqa: F811
    items: dict[str, int],
) -> None:
    from assessment.services import followups

    app = world.app
    _switch(app, world, True)
    with app.app_context():
        s = db.session
        bind_workspace(s, world.actor.workspace_id)
        followups.start_followup(s, world.actor, world.assessment_id, "Round two")
        due = plan_due(s, DUE + dt.timedelta(days=1))
        copies = {
            i.id: i.carried_from_id
            for i in s.scalars(select(PlanItem).where(PlanItem.carried_from_id.is_not(None)))
        }
    assert {d.stage for d in due} == {OVERDUE}
    assert {copies.get(d.item_id) for d in due} == {items["member"], items["person"]}


def test_a_real_smtp_round_trip_in_the_rounds_language(
    world: World,  # noqa: F811
    items: dict[str, int],
    smtp_server: tuple[int, _Collect],  # noqa: F811
) -> None:
    port, handler = smtp_server
    app = world.app
    _switch(app, world, True)
    with app.app_context():
        s = db.session
        bind_workspace(s, world.actor.workspace_id)
        with write_transaction(s):
            a = s.get(Assessment, world.assessment_id)
            assert a is not None
            a.language = "pl"
        s.remove()
    settings = SmtpSettings(host="127.0.0.1", port=port, sender="plans@acme-consulting.eu")

    def send(mails: Sequence[Mail]) -> list[str]:
        return send_each(settings, mails)

    with app.app_context():
        report = send_plan_reminders(
            db.session, DUE - dt.timedelta(days=2), NOW, PlanDelivery(PUBLIC, send)
        )
    assert len(report.sent) == 2 and len(handler.messages) == 2
    bodies = {env.rcpt_tos[0]: message_from_bytes(env.content) for env in handler.messages}
    marta = bodies["marta@northwind.example"]
    assert str(marta["Subject"]).startswith("Termin 20 kwietnia 2027: Win/loss interviews")
    text = marta.get_payload(decode=True).decode("utf-8")
    assert text.startswith("Dzień dobry Marta Nowak,")
    assert "przypisanym do Państwa w planie działań firmy Northwind" in text


def test_the_command_and_the_worker(
    world: World,  # noqa: F811
    items: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
    smtp_server: tuple[int, _Collect],  # noqa: F811
) -> None:
    from click.testing import CliRunner

    from assessment.cli import main
    from assessment.workers.plan_reminders import run_plan_reminders

    port, handler = smtp_server
    app = world.app
    _switch(app, world, True)
    soon = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=2)
    with app.app_context():
        s = db.session
        bind_workspace(s, world.actor.workspace_id)
        with write_transaction(s):
            for item in s.scalars(select(PlanItem)):
                item.due_date = soon
        s.remove()
    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("SECRET_KEY", app.config["SECRET_KEY"])
    runner = CliRunner()
    off = runner.invoke(main, ["plan-reminders"])
    assert off.exit_code == 0 and "plan reminders are off: SMTP_HOST is not set" in off.output
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(port))
    dry = runner.invoke(main, ["plan-reminders", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert dry.output.splitlines()[-1] == "would send: 2 reminder(s)"
    assert f"item {items['person']}\tmarta@northwind.example\tdue soon" in dry.output
    assert handler.messages == []
    sent = runner.invoke(main, ["plan-reminders"])
    assert sent.output.splitlines()[-1] == "sent: 2, failed: 0", sent.output
    again = runner.invoke(main, ["plan-reminders"])
    assert again.output.splitlines()[-1] == "sent: 0, failed: 0"
    # the worker's periodic job finds nothing left to send
    config = {**app.config, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": port}
    report = run_plan_reminders(config)
    assert report is not None and report.sent == [] and len(handler.messages) == 2
