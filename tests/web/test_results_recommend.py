"""The results page shows what the PDF's first pages decide — the key message, the top three
priorities, the board's decisions, the 30/60/90-day roadmap and the size of the prize — worded
by the same report code, so the screen and the PDF never say different things."""

from __future__ import annotations

import datetime as dt
import html as htmllib
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from assessment.catalogues import translations_for
from assessment.db import write_transaction
from assessment.db.models import Assessment, MemberRole
from assessment.db.tenancy import bind_workspace
from assessment.extensions import current_session, db
from assessment.services.actor import Actor
from assessment.services.assessments import questionnaire_of, set_status
from assessment.services.demo import load_demo
from assessment.services.plans import round_plan
from assessment.services.prize import prize_of
from assessment.services.profiles import profile_of
from assessment.services.teams import results_with_teams
from reports import ReportMeta, build_view
from reports.viewmodel import BOARD, OptionalSections, ReportView
from tests.web.conftest import post_form
from tests.web.guests import enter_as_guest, share_link
from tests.web.test_followups_trends import closed_assessment
from tests.web.test_i18n import visible_text

SHARE = "Share the results with the front line"


@pytest.fixture
def demo(owner: FlaskClient, app: Flask) -> int:
    """The demo assessment: 30 synthetic respondents whose leaders see more than the front
    line (the key message is the perception gap) and a profile with headcount and revenue."""
    with app.app_context():
        summary = load_demo(current_session())
        db.session.remove()
    found = re.search(r"assessment #(\d+)", summary)
    assert found, summary
    return int(found.group(1))


def pdf_view(app: Flask, assessment_id: int, lang: str = "en") -> ReportView:
    """The board edition's view-model of the assessment, built as the PDF job builds it."""
    with app.app_context():
        s = current_session()
        bind_workspace(s, 1)
        a = s.get(Assessment, assessment_id)
        assert a is not None
        q = questionnaire_of(a, lang)
        results = results_with_teams(s, a, lang).results
        meta = ReportMeta(
            client_name=a.client.name,
            assessment_title=a.title,
            date=dt.date.today(),
            language=lang,
            optional=OptionalSections(
                profile=profile_of(s, a),
                plan=round_plan(s, a),
                prize=prize_of(s, a, results, q),
                per_phase=a.roadmap_per_phase,
            ),
            edition=BOARD,
        )
        view = build_view(results, q, meta, translations_for(lang))
        db.session.remove()
    return view


def card(page: str, card_id: str) -> str:
    """One card of the results page, by its id."""
    assert f'id="{card_id}"' in page, card_id
    return page.split(f'id="{card_id}"', 1)[1].split("</section>", 1)[0]


def texts(pattern: str, part: str) -> list[str]:
    """The unescaped text of each match of ``pattern``'s first group."""
    return [htmllib.unescape(m).strip() for m in re.findall(pattern, part, re.S)]


def priority_titles(page: str) -> list[str]:
    return texts(
        r'<span class="decide-no"[^>]*>\d+</span> <span>(.*?)</span></h4>', card(page, "recommend")
    )


def roadmap_phases(page: str) -> list[list[str]]:
    """Each phase's initiative titles, in order."""
    part = card(page, "roadmap")
    phases = re.split(r'<h3 class="decide-phase"', part)[1:]
    return [texts(r'<th scope="row">(.*?)<br>', phase) for phase in phases]


def set_per_phase(app: Flask, assessment_id: int, per_phase: int) -> None:
    with app.app_context():
        s = current_session()
        bind_workspace(s, 1)
        with write_transaction(s):
            a = s.get(Assessment, assessment_id)
            assert a is not None
            a.roadmap_per_phase = per_phase
        db.session.remove()


def test_the_page_says_what_the_pdf_says(owner: FlaskClient, app: Flask, demo: int) -> None:
    page = owner.get(f"/assessments/{demo}/results").get_data(as_text=True)
    view = pdf_view(app, demo)
    # What we recommend: the same key message, priorities (first one first) and decisions.
    recommend = card(page, "recommend")
    assert view.key_message.startswith("Leadership sees the sales organization")
    assert htmllib.escape(view.key_message) in recommend
    assert priority_titles(page) == [p.title for p in view.priorities]
    assert len(view.priorities) == 3
    first = view.priorities[0]
    shown = visible_text(recommend)
    for part in (first.why, first.first_action, first.owner, first.measure, first.change):
        assert part in shown, part
    for decision in view.decisions:
        assert decision in shown, decision
    # The roadmap: the perception gap opens it with sharing the results, as in the PDF.
    phases = roadmap_phases(page)
    assert phases == [[i.title for i in phase.items] for phase in view.roadmap]
    assert phases[0][0] == SHARE == view.roadmap[0].items[0].title
    assert "decide-opening" in card(page, "roadmap")
    if view.roadmap_note:
        assert view.roadmap_note in visible_text(card(page, "roadmap"))
    # The size of the prize from the demo's profile: a headline with a range, its levers.
    assert view.prize is not None
    prize = visible_text(card(page, "prize"))
    assert view.prize.headline.startswith("Closing the biggest gaps is worth an estimated")
    assert view.prize.headline in prize
    assert view.prize.levers
    for lever in view.prize.levers:
        assert lever.title in prize and lever.range in prize and lever.formula in prize
        for i in lever.inputs:
            assert i.name in prize and i.source in prize
    for om in view.prize.omitted:
        assert om.sentence in prize
    # Near the top: before the portfolio and evidence cards, the recommendations list kept.
    assert page.index('id="recommend"') < page.index('id="roadmap"') < page.index('id="prize"')
    assert page.index('id="prize"') < page.index('id="recommendations"')


def test_the_roadmap_follows_the_assessments_setting(
    owner: FlaskClient, app: Flask, demo: int
) -> None:
    for per_phase in (1, 4):
        set_per_phase(app, demo, per_phase)
        page = owner.get(f"/assessments/{demo}/results").get_data(as_text=True)
        phases = roadmap_phases(page)
        assert len(phases) == 3 and all(len(p) <= per_phase for p in phases)
        assert phases == [[i.title for i in phase.items] for phase in pdf_view(app, demo).roadmap]
        assert f"at most {per_phase} per phase" in visible_text(card(page, "roadmap"))
    assert max(len(p) for p in phases) > 1  # four a phase leaves room for more than one


def test_without_a_profile_the_prize_names_what_is_missing(owner: FlaskClient, app: Flask) -> None:
    aid = closed_assessment(app, "Bare Ltd", 0.25, close=False)
    page = owner.get(f"/assessments/{aid}/results").get_data(as_text=True)
    prize = visible_text(card(page, "prize"))
    assert "The size of the prize cannot be estimated from the figures given" in prize
    assert "Not estimated — Lower seller turnover: missing" in prize
    assert "sales headcount" in prize and "Organization profile" in prize  # where to add it


def test_the_polish_page_is_worded_in_polish(owner: FlaskClient, app: Flask, demo: int) -> None:
    page = owner.get(f"/assessments/{demo}/results", headers={"Accept-Language": "pl"}).get_data(
        as_text=True
    )
    assert '<html lang="pl">' in page
    view = pdf_view(app, demo, "pl")
    recommend = visible_text(card(page, "recommend"))
    assert "Nasze rekomendacje" in recommend and "Decyzje dla zarządu" in recommend
    assert view.key_message in recommend and "Leadership sees" not in recommend
    assert priority_titles(page) == [p.title for p in view.priorities]
    roadmap = visible_text(card(page, "roadmap"))
    assert "Plan działań na 30/60/90 dni" in roadmap
    first = view.roadmap[0].items[0].title
    assert roadmap_phases(page)[0][0] == first and first != SHARE
    assert view.prize is not None and view.prize.headline in visible_text(card(page, "prize"))
    assert "Closing the biggest gaps" not in page


def test_a_plan_gives_the_priorities_their_owners_as_in_the_pdf(
    owner: FlaskClient, app: Flask, demo: int
) -> None:
    page = owner.get(f"/assessments/{demo}/results").get_data(as_text=True)
    roadmap = card(page, "roadmap")
    assert "Make the plan from the 30/60/90-day roadmap" in roadmap
    res = post_form(
        owner, f"/assessments/{demo}/plan/roadmap", {}, form_url=f"/assessments/{demo}/results"
    )
    assert res.status_code == 302
    page = owner.get(f"/assessments/{demo}/results").get_data(as_text=True)
    view = pdf_view(app, demo)
    assert view.priorities[0].owner_label == "Owned by"
    recommend = visible_text(card(page, "recommend"))
    assert "Owned by" in recommend and view.priorities[0].owner in recommend
    # The seeded items carry the roadmap's roles, not yet people: the board is asked to
    # name them (the same decision the PDF and the deck show).
    assert "Name an owner for each plan item that has none yet" in recommend
    for decision in view.decisions:
        assert decision in recommend, decision
    assert "Open the plan" in card(page, "roadmap")


def test_guests_see_the_same_cards_without_member_actions(
    owner: FlaskClient, app: Flask, demo: int
) -> None:
    with app.app_context():
        s = current_session()
        bind_workspace(s, 1)
        a = s.get(Assessment, demo)
        assert a is not None
        client_id = a.client_id
        set_status(s, Actor(1, 1, MemberRole.OWNER), demo, "closed")
        db.session.remove()
    guest = enter_as_guest(app, share_link(owner, client_id))
    page = guest.get(f"/guest/assessments/{demo}").get_data(as_text=True)
    view = pdf_view(app, demo)
    assert priority_titles(page) == [p.title for p in view.priorities]
    assert roadmap_phases(page)[0][0] == SHARE
    assert view.prize is not None and view.prize.headline in visible_text(card(page, "prize"))
    assert "/plan/roadmap" not in page and "Initiatives per roadmap phase" not in page
    assert "Enter the missing figures" not in page


def test_no_answers_no_cards(owner: FlaskClient, app: Flask) -> None:
    from tests.web.conftest import new_assessment, new_client

    aid = new_assessment(owner, new_client(owner))
    page = owner.get(f"/assessments/{aid}/results").get_data(as_text=True)
    for card_id in ("recommend", "roadmap", "prize"):
        assert f'id="{card_id}"' not in page
