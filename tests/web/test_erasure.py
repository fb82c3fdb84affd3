"""Deleting clients and assessments, erasing a respondent, anonymizing: exact row counts
over every table, all-or-nothing, suppression after an erasure, and the data-access export."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import delete, select

from assessment.db import write_transaction
from assessment.db.base import utcnow
from assessment.db.models import (
    Assessment,
    AuditEntry,
    MemberRole,
    PlanItem,
    ReportJob,
    Respondent,
)
from assessment.db.tenancy import unscoped
from assessment.services import erasure
from assessment.services.assessments import compute_results, get_assessment
from assessment.services.errors import Conflict, Invalid, NotFound, PermissionDenied
from assessment.services.subject_access import respondent_record
from tests.web.erasure_data import (
    add_person,
    build,
    diff,
    owner_actor,
    rival_workspace,
    table_counts,
)


@pytest.fixture
def world(owner: FlaskClient, db: Any) -> Any:
    """Workspace 1 (signed-in owner) with data, and a rival workspace with the same."""
    rival_workspace(db)
    built = build(db, 1)
    return built


def test_delete_client_removes_exactly_its_rows(db: Any, world: Any) -> None:
    actor = owner_actor(db)
    before = table_counts(db)
    preview = erasure.preview_client_deletion(db, actor, world.client)
    assert table_counts(db) == before
    removal = erasure.delete_client(db, actor, world.client, "  northwind   TRADERS ")
    gone = diff(before, table_counts(db))
    assert gone.pop("audit_entry") == -1  # the deletion is recorded in the audit trail
    # Two assessments with 3 + 2 respondents, two answers and one comment each,
    # one report and one CRM upload per assessment; the plan's 3 + 1 items (one carried
    # from the first round into the follow-up) and their 2 notes.
    expected = {
        "client": 1,
        "assessment": 2,
        "respondent": 5,
        "answer": 10,
        "element_comment": 5,
        "report_job": 2,
        "crm_evidence": 2,
        "plan_item": 4,
        "plan_note": 2,
    }
    assert gone == expected
    assert removal.deleted == expected == preview.deleted
    # The other client keeps everything (its plan item and note included).
    assert erasure.preview_client_deletion(db, actor, world.other_client).total == 14


def test_delete_assessment_keeps_the_follow_up(db: Any, world: Any) -> None:
    actor = owner_actor(db, role=MemberRole.CONSULTANT)
    before = table_counts(db)
    erasure.delete_assessment(db, actor, world.first, "Baseline 2026")
    gone = diff(before, table_counts(db))
    assert gone.pop("audit_entry") == -1  # recorded in the audit trail
    assert gone == {
        "assessment": 1,
        "respondent": 3,
        "answer": 6,
        "element_comment": 3,
        "report_job": 1,
        "crm_evidence": 1,
        "plan_item": 3,
        "plan_note": 1,
    }
    followup = get_assessment(db, world.followup)
    assert followup.previous_id is None
    # The item carried into the follow-up stays with its note and owner, and loses the link.
    (carried,) = db.scalars(select(PlanItem).where(PlanItem.assessment_id == world.followup))
    assert carried.carried_from_id is None
    assert carried.owner_name == "Jane Planner" and len(carried.notes) == 1


def test_erase_respondent_removes_their_rows_and_the_reports(db: Any, world: Any) -> None:
    actor = owner_actor(db)
    rid = world.people[world.first][0]
    before = table_counts(db)
    erasure.erase_respondent(db, actor, world.first, rid, confirmed=True)
    assert diff(before, table_counts(db)) == {
        "audit_entry": -1,  # the erasure is recorded (by ids and row counts, no names)
        "respondent": 1,
        "answer": 2,
        "element_comment": 1,
        "report_job": 1,
    }
    with pytest.raises(NotFound):
        erasure.erase_respondent(db, actor, world.first, rid, confirmed=True)


def _leave_traces(db: Any, assessment_id: int) -> None:
    """Give every respondent of the assessment an encrypted link copy and activity."""
    now = utcnow()
    with write_transaction(db):
        for r in db.scalars(select(Respondent).where(Respondent.assessment_id == assessment_id)):
            r.token_encrypted = f"gAAAA-encrypted-{r.code}"
            r.token_issued_at = now - dt.timedelta(days=50)
            r.invited_at = now - dt.timedelta(days=50)
            r.reminded_at = now - dt.timedelta(days=45)
            r.reminder_count = 2
            r.last_active_at = now - dt.timedelta(days=42)
            r.page_reached = 3


TRACES = (
    "name",
    "email",
    "token_hash",
    "token_encrypted",
    "token_issued_at",
    "invited_at",
    "reminded_at",
    "reminder_count",
    "last_active_at",
    "page_reached",
)


def _traces(r: Respondent) -> tuple[Any, ...]:
    return tuple(getattr(r, column) for column in TRACES)


def test_anonymize_drops_identities_and_keeps_answers(db: Any, world: Any) -> None:
    actor = owner_actor(db)
    with write_transaction(db):
        add_person(db, world.first, "jane.doe", name="Jane Doe")
    _leave_traces(db, world.first)
    submitted = {
        r.id: (r.started_at, r.submitted_at)
        for r in db.scalars(select(Respondent).where(Respondent.assessment_id == world.first))
    }
    first = get_assessment(db, world.first)
    results_before = compute_results(db, first).to_dict()
    before = table_counts(db)
    with pytest.raises(Conflict):
        erasure.anonymize_assessment(db, actor, world.followup, confirmed=True)
    assert erasure.anonymize_assessment(db, actor, world.first, confirmed=True) == 4
    # The audit record, and the PDFs that may show the round's plan owners (its own and
    # its follow-up's); nothing else is deleted.
    assert diff(before, table_counts(db)) == {"audit_entry": -1, "report_job": 2}
    people = db.scalars(select(Respondent).where(Respondent.assessment_id == world.first)).all()
    # Name, e-mail, the link whole (fingerprint, encrypted copy, issue time), and the traces
    # of contacting the person and of their progress go; start and submission times stay.
    empty = ("", "", None, None, None, None, None, 0, None, None)
    assert [_traces(p) for p in people] == [empty] * 4
    assert {p.id: (p.started_at, p.submitted_at) for p in people} == submitted
    # The data-access export shows the activity fields while they exist, and then no more.
    record = respondent_record(db, actor, world.first, people[0].id)["person"]
    assert (record["last_active_at"], record["page_reached"], record["reminders_sent"]) == (
        None,
        None,
        0,
    )
    assert record["reminded_at"] is None and record["link_issued_at"] is None
    codes = sorted(p.code for p in people)
    assert codes == ["R0001", "R0002", "R0003", "R0004"]
    first = get_assessment(db, world.first)
    after = compute_results(db, first).to_dict()
    # Same answers, same scores; only the (code-named) respondent ids may differ.
    assert after["elements"] == results_before["elements"]
    # Other assessments keep their identities.
    assert erasure.identified_count(db, world.followup) == 2
    assert erasure.identified_count(db, world.first) == 0


def _owners(db: Any, item_ids: list[int]) -> list[tuple[str, str, int | None]]:
    rows = db.scalars(select(PlanItem).where(PlanItem.id.in_(item_ids)).order_by(PlanItem.id))
    return [(r.owner_name, r.owner_email, r.owner_user_id) for r in rows]


def test_anonymize_clears_the_plan_owners_of_that_round_only(db: Any, world: Any) -> None:
    actor = owner_actor(db)
    first_items = world.plan[world.first]
    kept_before = {
        i.id: (i.title, i.status, i.due_date, i.owner_role, i.kpi_question, i.baseline, i.target)
        for i in db.scalars(select(PlanItem).where(PlanItem.id.in_(first_items)))
    }
    member = _owners(db, first_items)[1][2]
    assert member is not None
    assert erasure.named_owner_count(db, world.first) == 2
    preview = erasure.preview_anonymization(db, actor, world.first)
    assert preview.changed == {"respondent": 3, "plan_item": 2}
    assert preview.deleted == {"report_job": 2}
    before = table_counts(db)
    erasure.anonymize_assessment(db, actor, world.first, confirmed=True)
    assert diff(before, table_counts(db)) == {"audit_entry": -1, **preview.deleted}
    # Named people lose name and e-mail; the member owner and everything else stay.
    assert _owners(db, first_items) == [("", "", None), ("", "", member), ("", "", None)]
    kept_after = {
        i.id: (i.title, i.status, i.due_date, i.owner_role, i.kpi_question, i.baseline, i.target)
        for i in db.scalars(select(PlanItem).where(PlanItem.id.in_(first_items)))
    }
    assert kept_after == kept_before
    assert erasure.named_owner_count(db, world.first) == 0
    # The copy carried into the follow-up is a row of its own and keeps its owner, as does
    # the other client's plan; so do the other client's reports.
    assert _owners(db, world.plan[world.followup]) == [
        ("Jane Planner", "jane.planner@client-example.eu", None)
    ]
    assert _owners(db, world.plan[world.other]) == [
        ("Carla Contoso", "carla@contoso-example.eu", None)
    ]
    assert db.scalars(select(ReportJob.assessment_id)).all() == [world.other]
    # Recorded by ids and counts, as the respondents are: no name or e-mail.
    entry = db.scalars(select(AuditEntry).where(AuditEntry.event == "assessment.anonymize")).one()
    assert entry.target == f"assessment:{world.first}"
    assert entry.details == {
        "deleted": {"report_job": 2},
        "changed": {"respondent": 3, "plan_item": 2},
    }


def test_anonymize_without_named_owners_keeps_the_reports(db: Any, world: Any) -> None:
    actor = owner_actor(db)
    with write_transaction(db):
        for item in db.scalars(select(PlanItem).where(PlanItem.assessment_id == world.first)):
            item.owner_name = item.owner_email = ""
    before = table_counts(db)
    assert erasure.preview_anonymization(db, actor, world.first).deleted == {}
    assert erasure.anonymize_assessment(db, actor, world.first, confirmed=True) == 3
    assert diff(before, table_counts(db)) == {"audit_entry": -1}


@pytest.mark.parametrize("operation", ["client", "assessment", "respondent"])
def test_a_failure_midway_changes_nothing(
    db: Any, world: Any, operation: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    actor = owner_actor(db)
    real_delete = delete  # what erasure.py imported
    calls = {"n": 0}

    def failing_delete(*args: Any, **kw: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        return real_delete(*args, **kw)

    monkeypatch.setattr(erasure, "delete", failing_delete)
    before = table_counts(db)
    with pytest.raises(RuntimeError):
        if operation == "client":
            erasure.delete_client(db, actor, world.client, "Northwind Traders")
        elif operation == "assessment":
            erasure.delete_assessment(db, actor, world.first, "Baseline 2026")
        else:
            rid = world.people[world.first][0]
            erasure.erase_respondent(db, actor, world.first, rid, confirmed=True)
    assert calls["n"] == 3
    assert table_counts(db) == before
    db.rollback()
    assert get_assessment(db, world.followup).previous_id == world.first


def test_a_failure_while_anonymizing_changes_nothing(
    db: Any, world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Respondents and plan owners are cleared before the reports go: a failure at that
    point leaves every name, e-mail, link and trace as it was."""
    actor = owner_actor(db)
    _leave_traces(db, world.first)

    def failing_delete(*args: Any, **kw: Any) -> Any:
        raise RuntimeError("disk full")

    def state() -> tuple[Any, ...]:
        people = db.scalars(
            select(Respondent)
            .where(Respondent.assessment_id == world.first)
            .order_by(Respondent.id)
        )
        return tuple(_traces(p) for p in people), tuple(_owners(db, world.plan[world.first]))

    before, rows = state(), table_counts(db)
    monkeypatch.setattr(erasure, "delete", failing_delete)
    with pytest.raises(RuntimeError):
        erasure.anonymize_assessment(db, actor, world.first, confirmed=True)
    db.rollback()
    assert state() == before
    assert table_counts(db) == rows
    assert erasure.identified_count(db, world.first) == 3


def test_confirmation_and_roles_are_required(db: Any, world: Any) -> None:
    owner = owner_actor(db)
    consultant = owner_actor(db, role=MemberRole.CONSULTANT)
    viewer = owner_actor(db, role=MemberRole.VIEWER)
    before = table_counts(db)
    with pytest.raises(Invalid):
        erasure.delete_client(db, owner, world.client, "Northwind")
    with pytest.raises(PermissionDenied):
        erasure.delete_client(db, consultant, world.client, "Northwind Traders")
    with pytest.raises(Invalid):
        erasure.delete_assessment(db, owner, world.first, "")
    with pytest.raises(PermissionDenied):
        erasure.delete_assessment(db, viewer, world.first, "Baseline 2026")
    rid = world.people[world.first][0]
    with pytest.raises(Invalid):
        erasure.erase_respondent(db, owner, world.first, rid, confirmed=False)
    with pytest.raises(PermissionDenied):
        erasure.erase_respondent(db, viewer, world.first, rid, confirmed=True)
    with pytest.raises(PermissionDenied):
        erasure.anonymize_assessment(db, viewer, world.first, confirmed=True)
    with pytest.raises(PermissionDenied):
        respondent_record(db, viewer, world.first, rid)
    # A respondent of another assessment is not found through this one.
    with pytest.raises(NotFound):
        erasure.erase_respondent(db, owner, world.followup, rid, confirmed=True)
    assert table_counts(db) == before


def test_rival_workspace_objects_are_not_found(db: Any, world: Any) -> None:
    actor = owner_actor(db)
    with unscoped(db):
        rival_ids = db.scalars(select(Assessment.id).where(Assessment.workspace_id != 1)).all()
    before = table_counts(db)
    for aid in rival_ids:
        with pytest.raises(NotFound):
            erasure.delete_assessment(db, actor, aid, "Baseline 2026")
    assert table_counts(db) == before


def test_erasure_pushes_a_group_under_the_minimum_size(db: Any, world: Any) -> None:
    actor = owner_actor(db)
    first = get_assessment(db, world.first)
    assert first.min_group_size == 3
    reps = compute_results(db, first).elements[_crm_index(db, first)].roles["sales_rep"]
    assert reps.n == 3 and not reps.suppressed and reps.score is not None
    erasure.erase_respondent(db, actor, world.first, world.people[world.first][0], confirmed=True)
    first = get_assessment(db, world.first)
    reps = compute_results(db, first).elements[_crm_index(db, first)].roles["sales_rep"]
    assert reps.n == 2 and reps.suppressed and reps.score is None


def _crm_index(db: Any, assessment: Assessment) -> int:
    results = compute_results(db, assessment)
    return [e.id for e in results.elements].index("crm")


def test_data_access_export_holds_exactly_that_persons_data(db: Any, world: Any) -> None:
    actor = owner_actor(db)
    rid = world.people[world.first][1]
    _leave_traces(db, world.first)
    with write_transaction(db):
        db.get(Respondent, rid).answered_at = utcnow() - dt.timedelta(days=41)
    before = table_counts(db)
    record = respondent_record(db, actor, world.first, rid, ip="198.51.100.7")
    assert record["person"]["code"] == "R0002"
    # The activity the product holds about the person.
    person = record["person"]
    assert person["page_reached"] == 3 and person["reminders_sent"] == 2
    for field in ("last_active_at", "reminded_at", "invited_at", "answers_changed_at"):
        assert person[field] and person[field][:4].isdigit(), field
    # An identified export: recorded by ids, with who and from where, no name or e-mail.
    assert diff(before, table_counts(db)) == {"audit_entry": -1}
    entry = db.scalars(select(AuditEntry).where(AuditEntry.event == "export.identified")).one()
    assert (entry.actor_id, entry.target, entry.ip) == (
        actor.user_id,
        f"respondent:{rid}",
        "198.51.100.7",
    )
    assert entry.details == {
        "format": "json",
        "kind": "data_access",
        "assessment": world.first,
        "people": 1,
    }
    assert record["person"]["name"] == "Person R0002"
    assert record["person"]["email"] == "r0002@client-example.eu"
    assert record["person"]["link_active"] is True
    assert [a["question_id"] for a in record["answers"]] == ["crm.data_trust", "crm.single_source"]
    assert [a["value"] for a in record["answers"]] == ["neutral", "agree"]
    assert all(a["question"] for a in record["answers"])
    assert [c["text"] for c in record["comments"]] == [f"comment {world.first}-2"]
    text = json.dumps(record)
    for other in ("R0001", "R0003", "r0001@", f"comment {world.first}-1", "Contoso"):
        assert other not in text
    token, encrypted = db.execute(
        select(Respondent.token_hash, Respondent.token_encrypted).where(Respondent.id == rid)
    ).one()
    assert token not in text and encrypted not in text


def test_report_job_rows_of_other_assessments_stay(db: Any, world: Any) -> None:
    actor = owner_actor(db)
    erasure.erase_respondent(db, actor, world.first, world.people[world.first][0], confirmed=True)
    left = db.scalars(select(ReportJob.assessment_id)).all()
    assert sorted(left) == sorted([world.followup, world.other])
