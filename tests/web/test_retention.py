"""Retention: --dry-run lists and changes nothing, --apply removes exactly what it listed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from assessment.cli import main
from assessment.db import write_transaction
from assessment.db.base import utcnow
from assessment.db.models import (
    Assessment,
    AssessmentStatus,
    AuditEntry,
    CrmEvidence,
    MemberRole,
    PlanItem,
    ReportJob,
    Respondent,
    Workspace,
)
from assessment.db.tenancy import bind_workspace, unscoped
from assessment.services import audit, retention
from assessment.services.errors import Invalid, PermissionDenied
from assessment.services.retention import (
    ExpiredRows,
    RetentionSettings,
    apply_retention,
    plan_retention,
    save_retention_settings,
)
from tests.web.erasure_data import build, diff, owner_actor, rival_workspace, table_counts


@pytest.fixture
def world(owner: FlaskClient, db: Any) -> Any:
    """Workspace 1 with a closed assessment (40 days ago) and reports of various ages."""
    rival = rival_workspace(db)
    built = build(db, 1)
    bind_workspace(db, 1)
    now = utcnow()
    with write_transaction(db):
        for job in db.scalars(select(ReportJob)):
            job.finished_at = now - dt.timedelta(days=10)
        db.add(ReportJob(assessment_id=built.first, status="done", pdf=b"%PDF", finished_at=now))
        db.add(ReportJob(assessment_id=built.first, status="queued"))
    save_retention_settings(
        db, owner_actor(db), RetentionSettings(identities_days=30, files_days=7)
    )
    built.rival = rival
    return built


def _runs(db: Any, workspace_id: int = 1) -> list[AuditEntry]:
    """The workspace's ``retention.applied`` entries, oldest first."""
    bind_workspace(db, workspace_id)
    return list(
        db.scalars(
            select(AuditEntry)
            .where(AuditEntry.event == "retention.applied")
            .order_by(AuditEntry.id)
        )
    )


def _owners(db: Any, assessment_id: int) -> list[tuple[str, str]]:
    rows = db.scalars(
        select(PlanItem).where(PlanItem.assessment_id == assessment_id).order_by(PlanItem.id)
    )
    return [(r.owner_name, r.owner_email) for r in rows]


def test_dry_run_lists_and_apply_removes_exactly_that(db: Any, world: Any) -> None:
    now = utcnow()
    before = table_counts(db)
    planned = plan_retention(db, now)
    assert table_counts(db) == before
    kinds = [(i.kind, i.target_id, i.rows) for i in planned]
    old_jobs = sorted(
        db.scalars(select(ReportJob.id).where(ReportJob.finished_at <= now - dt.timedelta(days=7)))
    )
    assert len(old_jobs) == 3
    # The PDFs that may show the first round's plan owners: all of its own (old, new,
    # queued) and its follow-up's; listed once even when also old enough to go.
    plan_jobs = sorted(
        db.scalars(
            select(ReportJob.id).where(ReportJob.assessment_id.in_([world.first, world.followup]))
        )
    )
    assert len(plan_jobs) == 4
    other_old = sorted(set(old_jobs) - set(plan_jobs))
    assert kinds == (
        [("identities", world.first, 3), ("plan_owners", world.first, 2)]
        + [("reports", job, 1) for job in plan_jobs]
        + [("reports", job, 1) for job in other_old]
    )
    # The rival workspace sets no periods: nothing of it is listed.
    assert {i.workspace_id for i in planned} == {1}
    applied = apply_retention(db, now)
    assert applied == planned
    # The PDFs go, and one audit entry records the run.
    assert diff(before, table_counts(db)) == {"report_job": 5, "audit_entry": -1}
    run = _runs(db)
    assert [(e.actor_id, e.target) for e in run] == [(None, "workspace:1")]
    assert run[0].details == {
        "removed": {"identities": 3, "plan_owners": 2, "reports": 5},
        "periods": {
            "retain_identities_days": 30,
            "retain_files_days": 7,
            "retain_audit_days": None,
        },
    }
    bind_workspace(db, 1)
    people = db.scalars(select(Respondent).where(Respondent.assessment_id == world.first)).all()
    assert people and all(p.name == "" and p.email == "" and not p.token_hash for p in people)
    followup = db.scalars(
        select(Respondent).where(Respondent.assessment_id == world.followup)
    ).all()
    assert all(p.name for p in followup)  # still open: identities stay
    # The first round's named owners go (the member owner stays); the item carried into
    # the follow-up and the other client's plan keep theirs.
    assert _owners(db, world.first) == [("", ""), ("", ""), ("", "")]
    assert db.scalar(
        select(PlanItem.owner_user_id).where(PlanItem.id == world.plan[world.first][1])
    )
    assert _owners(db, world.followup) == [("Jane Planner", "jane.planner@client-example.eu")]
    assert _owners(db, world.other) == [("Carla Contoso", "carla@contoso-example.eu")]
    assert plan_retention(db, now) == []


def test_a_carried_item_keeps_its_owner_until_its_own_round_is_due(db: Any, world: Any) -> None:
    now = utcnow()
    bind_workspace(db, 1)
    with write_transaction(db):
        followup = db.get(Assessment, world.followup)
        followup.status = AssessmentStatus.CLOSED
        followup.closed_at = now - dt.timedelta(days=10)
    apply_retention(db, now)
    bind_workspace(db, 1)
    assert _owners(db, world.first)[0] == ("", "")
    assert _owners(db, world.followup) == [("Jane Planner", "jane.planner@client-example.eu")]
    # Thirty days after the follow-up closed, its own copy is due.
    later = now + dt.timedelta(days=21)
    planned = [(i.kind, i.target_id, i.rows) for i in plan_retention(db, later)]
    assert ("plan_owners", world.followup, 1) in planned
    assert ("plan_owners", world.first, 2) not in planned
    apply_retention(db, later)
    bind_workspace(db, 1)
    assert _owners(db, world.followup) == [("", "")]
    assert _owners(db, world.other) == [("Carla Contoso", "carla@contoso-example.eu")]


def test_nothing_is_due_without_periods(db: Any, world: Any) -> None:
    save_retention_settings(db, owner_actor(db), RetentionSettings())
    before = table_counts(db)
    assert plan_retention(db, utcnow()) == []
    assert apply_retention(db, utcnow()) == []
    assert table_counts(db) == before


def test_settings_are_owner_only_and_checked(db: Any, world: Any) -> None:
    with pytest.raises(PermissionDenied):
        save_retention_settings(
            db, owner_actor(db, role=MemberRole.CONSULTANT), RetentionSettings(1)
        )
    with pytest.raises(Invalid):
        save_retention_settings(db, owner_actor(db), RetentionSettings(files_days=0))


def test_expired_rows_step_for_the_audit_trail(
    db: Any, world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The generic step the audit trail plugs into, tried on a stand-in model."""
    monkeypatch.setattr(retention, "STEPS", [])
    retention.register_step(ExpiredRows(CrmEvidence, "created_at", "audit", "retain_audit_days"))
    now = utcnow()
    bind_workspace(db, 1)
    with write_transaction(db):
        old = db.scalars(select(CrmEvidence)).all()
        for row in old[:2]:
            row.created_at = now - dt.timedelta(days=100)
    with unscoped(db), write_transaction(db):
        db.get(Workspace, 1).retain_audit_days = 90
    before = table_counts(db)
    planned = plan_retention(db, now)
    assert [(i.kind, i.rows) for i in planned] == [("audit", 2)]
    assert apply_retention(db, now) == planned
    assert diff(before, table_counts(db)) == {"crm_evidence": 2, "audit_entry": -1}


def test_command_dry_run_and_apply(
    app: Flask, db: Any, world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("SECRET_KEY", "cli-test-secret-" + "k" * 32)
    db.remove()
    before = table_counts(db)
    runner = CliRunner()
    dry = runner.invoke(main, ["retention", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "would remove: 7 item(s), 10 row(s)" in dry.output
    assert "\tplan_owners\t" in dry.output
    db.rollback()
    assert table_counts(db) == before
    done = runner.invoke(main, ["retention", "--apply"])
    assert done.exit_code == 0, done.output
    assert "removed: 7 item(s), 10 row(s)" in done.output
    assert [line.split("\t")[:3] for line in done.output.splitlines()[:-1]] == [
        line.split("\t")[:3] for line in dry.output.splitlines()[:-1]
    ]
    db.rollback()  # end this session's read snapshot before counting again
    assert diff(before, table_counts(db)) == {"report_job": 5, "audit_entry": -1}
    (run,) = _runs(db)
    assert run.details["source"] == "command"
    assert run.details["removed"] == {"identities": 3, "plan_owners": 2, "reports": 5}


def test_worker_entry_point_applies_retention(app: Flask, db: Any, world: Any) -> None:
    from assessment.workers.retention import run_retention

    db.remove()
    before = table_counts(db)
    items = run_retention({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    assert sorted(i.kind for i in items) == ["identities", "plan_owners"] + ["reports"] * 5
    db.rollback()
    assert diff(before, table_counts(db)) == {"report_job": 5, "audit_entry": -1}
    (run,) = _runs(db)
    assert run.details["source"] == "worker"
    assert run.details["removed"] == {"identities": 3, "plan_owners": 2, "reports": 5}


def test_saving_the_periods_is_recorded_with_old_and_new(db: Any, world: Any) -> None:
    actor = owner_actor(db)
    save_retention_settings(
        db,
        actor,
        RetentionSettings(identities_days=30, files_days=7, audit_days=400),
        ip="203.0.113.9",
    )
    bind_workspace(db, 1)
    entries = db.scalars(
        select(AuditEntry).where(AuditEntry.event == "settings.retention").order_by(AuditEntry.id)
    ).all()
    # The world fixture set the first periods; this is the second change.
    assert len(entries) == 2
    first, second = entries
    assert first.details == {
        "old": {
            "retain_identities_days": None,
            "retain_files_days": None,
            "retain_audit_days": None,
        },
        "new": {"retain_identities_days": 30, "retain_files_days": 7, "retain_audit_days": None},
    }
    assert second.details == {
        "old": {"retain_identities_days": 30, "retain_files_days": 7, "retain_audit_days": None},
        "new": {"retain_identities_days": 30, "retain_files_days": 7, "retain_audit_days": 400},
    }
    assert (second.actor_id, second.target, second.ip) == (
        actor.user_id,
        "workspace:1",
        "203.0.113.9",
    )
    # A refused change records nothing.
    with pytest.raises(Invalid):
        save_retention_settings(db, actor, RetentionSettings(audit_days=0))
    assert (
        db.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.event == "settings.retention")
        )
        == 2
    )


def test_a_shortened_audit_period_leaves_the_run_on_record(db: Any, world: Any) -> None:
    """The real audit step through apply_retention: shortening the audit period to one day
    purges the trail (the entry of that change too, once a day has passed), but never the
    entry of the run that purged it, which says what went and under which periods."""
    with unscoped(db), write_transaction(db):
        db.add(AuditEntry(workspace_id=world.rival, event="auth.sign_in", target="user:99"))
    save_retention_settings(
        db, owner_actor(db), RetentionSettings(identities_days=30, files_days=7, audit_days=1)
    )
    bind_workspace(db, 1)
    trail = db.scalar(select(func.count()).select_from(AuditEntry))
    # The two changes of the periods (the fixture's and this one).
    assert db.scalars(select(AuditEntry.event)).all() == ["settings.retention"] * 2
    later = utcnow() + dt.timedelta(days=2)
    planned = plan_retention(db, later)
    assert [(i.kind, i.rows) for i in planned if i.kind == "audit"] == [("audit", trail)]
    assert trail == 2
    apply_retention(db, later)
    (run,) = _runs(db)
    bind_workspace(db, 1)
    assert db.scalars(select(AuditEntry.event)).all() == ["retention.applied"]
    assert run.details["removed"] == {"audit": 2, "identities": 3, "plan_owners": 2, "reports": 5}
    assert run.details["periods"]["retain_audit_days"] == 1
    # The rival workspace sets no period: its trail stays.
    bind_workspace(db, world.rival)
    assert db.scalars(select(AuditEntry.event)).all() == ["auth.sign_in"]
    # The next run removes the previous run's entry and records itself.
    apply_retention(db, later + dt.timedelta(days=2))
    (second,) = _runs(db)
    assert second.details["removed"] == {"audit": 1}


def test_the_audit_step_removes_old_entries_and_keeps_recent_ones(
    owner: FlaskClient, db: Any
) -> None:
    """The real audit-trail step through apply_retention: each workspace by its own period;
    entries are written back-dated (the trail only takes inserts)."""
    from assessment.db.models import AuditEntry

    with unscoped(db), write_transaction(db):
        rival = Workspace(name="Rival Partners")
        db.add(rival)
    now = utcnow()
    ages = (100, 40, 20, 0)
    ids: dict[tuple[int, int], int] = {}
    with unscoped(db), write_transaction(db):
        for ws in (1, rival.id):
            for days in ages:
                entry = AuditEntry(
                    workspace_id=ws,
                    event="settings.branding",
                    target=f"aged:{days}",
                    details={},
                    created_at=now - dt.timedelta(days=days, minutes=1),
                )
                db.add(entry)
                db.flush()
                ids[ws, days] = entry.id
        db.get(Workspace, 1).retain_audit_days = 30
        db.get(Workspace, rival.id).retain_audit_days = 90

    def every_id() -> set[int]:
        db.rollback()
        with unscoped(db):
            return set(db.scalars(select(AuditEntry.id)))

    def present() -> set[tuple[int, int]]:
        left = every_id()
        return {key for key, entry_id in ids.items() if entry_id in left}

    bind_workspace(db, 1)
    audit.record(db, None, "settings.branding", "workspace:1", {}, "")  # stamped by the database
    others = every_id() - set(ids.values())
    assert len(others) == 1

    planned = plan_retention(db, now)
    assert sorted((i.workspace_id, i.kind, i.rows) for i in planned) == [
        (1, "audit", 2),
        (rival.id, "audit", 1),
    ]
    assert present() == set(ids)  # the dry run removed nothing
    done = apply_retention(db, now)
    assert sorted((i.workspace_id, i.kind, i.rows) for i in done) == sorted(
        (i.workspace_id, i.kind, i.rows) for i in planned
    )
    assert present() == {(1, 20), (1, 0), (rival.id, 40), (rival.id, 20), (rival.id, 0)}
    assert others <= every_id()
    assert plan_retention(db, now) == []


def test_the_daily_loop_applies_retention_and_survives_a_failed_run(
    app: Flask, db: Any, world: Any, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    """``saleshealth worker`` starts start_daily: its thread runs run_retention at once and
    then at each interval, which calls apply_retention on the configured database; a run
    that fails is logged and the next one still comes."""
    import threading

    from assessment.workers import retention as worker

    calls: list[dt.datetime] = []
    ran = threading.Event()
    real = retention.apply_retention

    def spy(session: Any, now: dt.datetime, **kw: Any) -> list[retention.RetentionItem]:
        calls.append(now)
        if len(calls) == 1:
            raise RuntimeError("database went away")
        items = real(session, now, **kw)
        if len(calls) >= 3:
            ran.set()
        return items

    monkeypatch.setattr(worker, "apply_retention", spy)
    db.remove()
    before = table_counts(db)
    stop = worker.start_daily(
        {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]}, interval_s=0.05
    )
    try:
        assert ran.wait(30), calls
    finally:
        stop.set()
        for thread in threading.enumerate():
            if thread.name == "retention":
                thread.join(30)
    assert "retention run failed" in caplog.text
    assert calls == sorted(calls) and len(calls) >= 3
    db.rollback()
    gone = diff(before, table_counts(db))
    assert gone.pop("report_job") == 5
    assert gone.pop("audit_entry", 0) <= 0  # entries only added (a run may record itself)
    assert gone == {}
