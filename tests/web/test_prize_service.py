"""The size of the prize from an assessment's stored data (assessment.services.prize) and the
web deck that shows it with the round's action plan (owners and due dates)."""

from __future__ import annotations

import datetime as dt
import io

from flask import Flask
from flask.testing import FlaskClient
from pptx import Presentation

from assessment.core.prize import TURNOVER, WIN_RATE
from assessment.db.models import Assessment, CrmEvidence
from assessment.extensions import db
from assessment.services import plans, profiles
from assessment.services.assessments import compute_results, questionnaire_of
from assessment.services.deck import build_assessment_deck
from assessment.services.prize import prize_of
from tests.reports.test_deck import _texts
from tests.web.test_followups_trends import closed_assessment
from tests.web.test_plans_service import _owner_actor

TODAY = dt.date(2027, 3, 10)
KPIS = {
    "definitions": 2,
    "metrics": {"crm.win_rate": 18.0},
    "currencies": [{"currency": "EUR", "pipeline": 4_000_000.0}],
}


def test_prize_of_reads_the_profile_and_the_crm_evidence(owner: FlaskClient, app: Flask) -> None:
    aid = closed_assessment(app, "Northwind", 0.25)
    with app.app_context():
        s = db.session
        actor = _owner_actor(s)
        a = s.get(Assessment, aid)
        assert a is not None
        q = questionnaire_of(a, "en")
        # Nothing stored yet: every lever names what is missing.
        bare = prize_of(s, a, compute_results(s, a, "en"), q)
        assert bare.levers == () and {o.id for o in bare.omitted} == {
            TURNOVER,
            WIN_RATE,
            "selling_time",
        }
        profiles.set_profile(
            s,
            actor,
            aid,
            {
                "sales_headcount": "24",
                "revenue_target": "6000000",
                "sales_cycle_days": "45",
                "currency": "EUR",
            },
        )
        s.add(CrmEvidence(assessment_id=aid, filename="crm.csv", kpis=KPIS))
        s.commit()
        results = compute_results(s, a, "en")
        prize = prize_of(s, a, results, q)
        levers = {lv.id: lv for lv in prize.levers}
        assert prize.currency == "EUR" and WIN_RATE in levers
        inputs = dict(levers[WIN_RATE].inputs)
        assert (inputs["P"].value, inputs["P"].source) == (4_000_000, "crm")
        assert (inputs["w₀"].value, inputs["w₀"].source) == (18, "crm")  # the linked CRM value
        assert inputs["w₁"].value == 25  # the next better band (25-40 %)
        # The web deck carries the same prize and, once a plan exists, owners and dates.
        plans.seed_from_roadmap(s, actor, aid, TODAY)
        plans.add_item(
            s,
            actor,
            aid,
            plans.ItemData(title="Weekly pipeline review", owner_name="Marta Nowak", due=TODAY),
        )
        deck = build_assessment_deck(s, a, "en")
        prs = Presentation(io.BytesIO(deck.data))
        assert 10 <= len(prs.slides) <= 14
        texts = [_texts(slide) for slide in prs.slides]
        prize_text = next(t for t in texts if "SIZE OF THE PRIZE" in t)
        assert "Higher win rate" in prize_text and "P = €4M (CRM)" in prize_text
        plan_text = next(t for t in texts if "ACTION PLAN" in t)
        assert "Marta Nowak · March 10, 2027" in plan_text
        assert "(proposed role) · April 9, 2027" in plan_text  # seeded: day 30
        assert not any("30/60/90-DAY ROADMAP" in t for t in texts)
        db.session.remove()
