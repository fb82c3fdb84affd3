"""The organization profile: service, pre-fill, the form on the assessment page, and what
reads it (recommendation conditions and evidence on the results page, the API, exports)."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from assessment.core.profile import OrganizationProfile
from assessment.db.models import AssessmentProfile, MemberRole, Membership
from assessment.db.tenancy import bind_workspace, unscoped
from assessment.extensions import db
from assessment.services import profiles
from assessment.services.actor import Actor
from assessment.services.assessments import compute_results, get_assessment
from assessment.services.data_exchange import export_results, import_answers
from assessment.services.errors import Invalid, PermissionDenied
from assessment.services.questionnaires import publish_custom
from tests.conftest import DATA
from tests.web.conftest import new_assessment, new_client, post_form

ANSWERS = """respondent,role,question,value
e1,executive,pipe.reviewed,agree
e1,executive,pipe.slip,agree
e1,executive,pipe.win_rate,12
m1,sales_manager,pipe.reviewed,neutral
m1,sales_manager,pipe.slip,strongly_agree
m1,sales_manager,pipe.win_rate,18
r1,sales_rep,pipe.slip,disagree
r2,sales_rep,pipe.slip,neutral
"""


def _actor(role: MemberRole | None = None) -> Actor:
    s = db.session
    with unscoped(s):
        m = s.scalar(select(Membership).order_by(Membership.id))
    assert m is not None
    bind_workspace(s, m.workspace_id)
    return Actor(m.user_id, m.workspace_id, role or m.role)


def sourced_version(app: Flask) -> int:
    """Publish tests/data/sourced as the workspace's own questionnaire; its version id."""
    doc: dict[str, Any] = yaml.safe_load((DATA / "sourced" / "questionnaire.yaml").read_text())
    with app.app_context():
        return publish_custom(db.session, _actor(), doc, name="sourced.yaml").version.id


@pytest.fixture
def aid(owner: FlaskClient) -> int:
    return new_assessment(owner, new_client(owner))


def test_set_check_and_clear_a_profile(app: Flask, aid: int) -> None:
    with app.app_context():
        actor = _actor()
        saved = profiles.set_profile(
            db.session,
            actor,
            aid,
            {
                "business_type": "distributor",
                "sales_headcount": "14",
                "sales_managers": "2",
                "revenue_target": "12 500 000",
                "avg_deal_size": "3200,50",
                "currency": "pln",
                "sales_cycle_days": "45",
            },
        )
        assert saved == OrganizationProfile("distributor", 14, 2, 12.5e6, 3200.5, 45, "PLN")
        assessment = get_assessment(db.session, aid)
        assert profiles.profile_of(db.session, assessment) == saved
        row = db.session.get(AssessmentProfile, aid)
        assert row is not None and row.entered_by_id == actor.user_id
        with pytest.raises(Invalid) as info:
            profiles.set_profile(db.session, actor, aid, {"sales_headcount": "3.5"})
        assert (info.value.code, info.value.field) == ("profile.whole_number", "sales_headcount")
        assert profiles.profile_of(db.session, assessment) == saved  # nothing written
        with pytest.raises(PermissionDenied):
            profiles.set_profile(db.session, _actor(MemberRole.VIEWER), aid, {})
        assert profiles.set_profile(db.session, actor, aid, {"business_type": ""}) is None
        assert profiles.profile_of(db.session, assessment) is None


def test_a_new_assessment_is_prefilled_from_the_clients_previous_one(
    app: Flask, owner: FlaskClient
) -> None:
    cid = new_client(owner)
    first = new_assessment(owner, cid, title="Spring check")
    second = new_assessment(owner, cid, title="Autumn check")
    other = new_assessment(owner, new_client(owner, "Other Co"), title="Elsewhere")
    with app.app_context():
        actor = _actor()
        profiles.set_profile(
            db.session, actor, first, {"business_type": "manufacturer", "sales_headcount": "8"}
        )
        view = profiles.profile_view(db.session, second)
        assert not view.stored and view.from_assessment == "Spring check"
        assert view.profile.business_type == "manufacturer" and view.profile.sales_headcount == 8
        assert profiles.profile_of(db.session, get_assessment(db.session, second)) is None
        assert profiles.profile_view(db.session, other).profile.empty
    page = owner.get(f"/assessments/{second}").get_data(as_text=True)
    assert "the values below come from Spring check" in page
    assert re.search(r'name="sales_headcount"[^>]*value="8"', page)


def test_the_form_on_the_assessment_page_saves_and_shows_problems(
    app: Flask, owner: FlaskClient, aid: int
) -> None:
    page = owner.get(f"/assessments/{aid}").get_data(as_text=True)
    assert 'id="profile"' in page and "Organization profile" in page
    assert '<option value="distributor">Distributor or trading company</option>' in page
    res = post_form(
        owner,
        f"/assessments/{aid}/profile",
        {
            "business_type": "software",
            "sales_headcount": "4",
            "sales_managers": "",
            "revenue_target": "",
            "avg_deal_size": "25000",
            "currency": "EUR",
            "sales_cycle_days": "120",
        },
        form_url=f"/assessments/{aid}",
    )
    assert res.status_code == 302 and res.headers["Location"].endswith(
        f"/assessments/{aid}#profile"
    )
    with app.app_context():
        _actor()
        assert profiles.profile_of(db.session, get_assessment(db.session, aid)) == (
            OrganizationProfile("software", 4, None, None, 25000.0, 120, "EUR")
        )
    bad = post_form(
        owner,
        f"/assessments/{aid}/profile",
        {"business_type": "software", "sales_cycle_days": "0", "currency": "EUR"},
        form_url=f"/assessments/{aid}/profile",
    )
    assert bad.status_code == 200
    text = bad.get_data(as_text=True)
    assert "0 is outside the allowed range 1..3,650" in text


def test_the_form_speaks_polish(owner: FlaskClient, aid: int) -> None:
    page = owner.get(f"/assessments/{aid}", headers={"Accept-Language": "pl"})
    text = page.get_data(as_text=True)
    assert "Profil organizacji" in text and "Dystrybutor lub firma handlowa" in text


def test_conditions_and_evidence_read_the_profile(app: Flask, owner: FlaskClient) -> None:
    version = sourced_version(app)
    aid = new_assessment(owner, new_client(owner), questionnaire=str(version))
    with app.app_context():
        actor = _actor()
        import_answers(db.session, actor, aid, ANSWERS.encode(), "a.csv", shape="long")
        assessment = get_assessment(db.session, aid)
        before = {r.id for r in compute_results(db.session, assessment).recommendations}
        assert before == {"pipe.review_weekly"}
        profiles.set_profile(
            db.session,
            actor,
            aid,
            {
                "business_type": "distributor",
                "sales_headcount": "12",
                "avg_deal_size": "48500",
                "currency": "EUR",
            },
        )
        after = {r.id for r in compute_results(db.session, assessment).recommendations}
        assert after == {"pipe.review_weekly", "pipe.distribution_margin"}
        document = export_results(db.session, actor, aid)
        assert document["profile"]["business_type"] == "distributor"
    page = owner.get(f"/assessments/{aid}/results").get_data(as_text=True)
    assert (
        '<p class="rec-evidence">With 12 people in sales and deals of €48,500 on average, '
        "every point of margin counts.</p>"
    ) in page
    assert "Your win rate is 15%, and 50% of the answers say deals slip unnoticed." in page
    assert "Bands set from practice, not a published norm" in page


def test_the_suggestion_takes_cycle_and_deal_size_from_the_crm_evidence(
    app: Flask, owner: FlaskClient
) -> None:
    """Issue 14: the median won cycle and the average won deal of the CRM evidence are
    linked to the profile's typical cycle and deal size; an earlier profile's figures win."""
    from assessment.core.crm import current_metrics
    from assessment.db.models import CrmEvidence
    from tests.web.erasure_data import KPIS

    # The sample export's KPIs, with a won cycle and an average won deal in its currency.
    kpis = {**KPIS, "metrics": {**KPIS["metrics"], "crm.median_won_cycle_days": 41.6}}
    kpis["metrics"]["crm.average_deal_size"] = 12500.0
    metrics = current_metrics(kpis)
    cycle, deal = metrics["crm.median_won_cycle_days"], metrics["crm.average_deal_size"]
    assert cycle == 41.6 and deal == 12500.0
    cid = new_client(owner)
    first = new_assessment(owner, cid, title="Spring check")
    second = new_assessment(owner, cid, title="Autumn check")
    with app.app_context():
        _actor()
        db.session.add(CrmEvidence(assessment_id=first, filename="crm.csv", kpis=kpis))
        db.session.add(CrmEvidence(assessment_id=second, filename="crm.csv", kpis=kpis))
        db.session.commit()
        view = profiles.profile_view(db.session, first)
        assert not view.stored and set(view.from_crm) == {"avg_deal_size", "sales_cycle_days"}
        assert view.profile.sales_cycle_days == max(1, round(cycle))
        assert view.profile.avg_deal_size == pytest.approx(deal)
        # A profile saved for the earlier assessment is the suggestion; CRM fills only gaps.
        profiles.set_profile(db.session, _actor(), first, {"sales_cycle_days": "600"})
        later = profiles.profile_view(db.session, second)
        assert later.profile.sales_cycle_days == 600 and later.from_crm == ("avg_deal_size",)
        # Nothing is suggested from the CRM once the assessment has a profile of its own.
        assert profiles.profile_view(db.session, first).from_crm == ()
    page = owner.get(f"/assessments/{second}").get_data(as_text=True)
    assert "suggested from the CRM evidence" in page
