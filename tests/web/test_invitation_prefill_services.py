"""Who gets an invitation and how it is recorded; what a respondent's page pre-fills."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from assessment.db import write_transaction
from assessment.db.base import utcnow
from assessment.db.models import MemberRole, Membership, Respondent
from assessment.db.tenancy import bind_workspace, unscoped
from assessment.extensions import db
from assessment.services.actor import Actor
from assessment.services.assessments import AssessmentSettings, create_assessment
from assessment.services.clients import ClientData, create_client
from assessment.services.errors import PermissionDenied
from assessment.services.invitations import invitation_targets, record_invitations
from assessment.services.prefill import merge_prefill
from assessment.services.questionnaires import publish_shipped
from assessment.services.respondents import RespondentData, add_respondents


@pytest.fixture
def actor(owner: FlaskClient, app: Flask) -> Iterator[Actor]:
    """The owner (signed up through the web) as an actor, inside an app context."""
    with app.app_context():
        s = db.session
        with unscoped(s):
            m = s.scalar(select(Membership).order_by(Membership.id))
        assert m is not None
        bind_workspace(s, m.workspace_id)
        yield Actor(m.user_id, m.workspace_id, m.role)
        db.session.remove()


def _assessment(actor: Actor, people: list[RespondentData]) -> tuple[int, list[int]]:
    s = db.session
    client = create_client(s, actor, ClientData(name="Northwind"))
    a = create_assessment(
        s, actor, client.id, publish_shipped(s).id, AssessmentSettings(title="Q1")
    )
    issued = add_respondents(s, actor, a.id, people)
    return a.id, [link.respondent.id for link in issued]


def _respondent(respondent_id: int) -> Respondent:
    found = db.session.scalar(select(Respondent).where(Respondent.id == respondent_id))
    assert found is not None
    return found


def test_targets_are_everyone_with_an_address_who_has_not_submitted(actor: Actor) -> None:
    aid, (ann, _bob, cid, dan) = _assessment(
        actor,
        [
            RespondentData(role="sales_rep", name="Ann", email="ann@northwind-example.eu"),
            RespondentData(role="sales_rep", name="Bob"),
            RespondentData(role="executive", name="Cid", email="cid@northwind-example.eu"),
            RespondentData(role="sales_rep", name="Dan", email="dan@northwind-example.eu"),
        ],
    )
    with write_transaction(db.session):
        _respondent(dan).submitted_at = utcnow()
    assert invitation_targets(db.session, aid) == [ann, cid]


def test_first_mail_is_the_invitation_later_ones_reminders(actor: Actor) -> None:
    aid, (ann, bob) = _assessment(
        actor,
        [
            RespondentData(role="sales_rep", email="ann@northwind-example.eu"),
            RespondentData(role="sales_rep", email="bob@northwind-example.eu"),
        ],
    )
    record_invitations(db.session, actor, aid, [ann])
    first = _respondent(ann)
    invited = first.invited_at
    assert invited is not None and first.reminded_at is None
    assert _respondent(bob).invited_at is None  # not mailed, not marked

    record_invitations(db.session, actor, aid, [ann, bob])
    again = _respondent(ann)
    assert again.invited_at == invited and again.reminded_at is not None
    other = _respondent(bob)
    assert other.invited_at is not None and other.reminded_at is None


def test_only_the_assessments_own_respondents_are_marked(actor: Actor) -> None:
    first, (ann,) = _assessment(actor, [RespondentData(role="sales_rep")])
    _second, (bob,) = _assessment(actor, [RespondentData(role="sales_rep")])
    record_invitations(db.session, actor, first, [ann, bob])
    assert _respondent(ann).invited_at is not None
    assert _respondent(bob).invited_at is None


def test_viewers_record_nothing(actor: Actor) -> None:
    aid, (ann,) = _assessment(actor, [RespondentData(role="sales_rep")])
    viewer = Actor(actor.user_id, actor.workspace_id, MemberRole.VIEWER)
    with pytest.raises(PermissionDenied):
        record_invitations(db.session, viewer, aid, [ann])
    assert _respondent(ann).invited_at is None


# --- CRM pre-fill ------------------------------------------------------------------------

PAGE = {"crm.win_rate", "crm.cycle", "crm.coverage", "crm.deal_size"}
OFFERED = {"crm.win_rate": "25", "crm.cycle": "90", "crm.coverage": "3.5", "other.page": "7"}


def test_prefill_fills_only_unanswered_questions_of_the_page() -> None:
    shown, crm = merge_prefill(PAGE, {"crm.cycle": "60"}, {}, OFFERED, {"crm.cycle": "respondent"})
    assert shown == {"crm.win_rate": "25", "crm.cycle": "60", "crm.coverage": "3.5"}
    assert crm == {"crm.win_rate": "25", "crm.coverage": "3.5"}


def test_an_answer_kept_from_crm_stays_marked_while_it_equals_the_offer() -> None:
    saved = {"crm.win_rate": "25", "crm.cycle": "90"}
    sources = {"crm.win_rate": "crm", "crm.cycle": "respondent"}
    shown, crm = merge_prefill(PAGE, saved, {}, OFFERED, sources)
    # Saved as CRM data: marked.  Typed by the respondent (same figure): not marked.
    assert crm == {"crm.win_rate": "25", "crm.coverage": "3.5"}
    assert shown["crm.cycle"] == "90"


def test_typed_values_win_and_an_unchanged_offer_posted_back_stays_marked() -> None:
    saved = {"crm.win_rate": "25"}
    typed = {"crm.win_rate": "30", "crm.cycle": "90"}
    shown, crm = merge_prefill(PAGE, saved, typed, OFFERED, {"crm.win_rate": "crm"})
    assert shown["crm.win_rate"] == "30" and "crm.win_rate" not in crm  # changed: no mark
    assert crm["crm.cycle"] == "90"  # the offered value posted back unchanged


def test_no_offer_changes_nothing() -> None:
    shown, crm = merge_prefill(PAGE, {"crm.cycle": "60"}, {"crm.win_rate": "20"}, {}, {})
    assert shown == {"crm.cycle": "60", "crm.win_rate": "20"} and crm == {}
