"""Action plans through the pages, CSRF on: results → plan from the roadmap → owners, dates
and notes → calendar → dashboard → follow-up with "what moved"; viewers read only; a
client's guest reads the plan without e-mail addresses; the plan page's cost is fixed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar
from sqlalchemy import select

from assessment.db import write_transaction
from assessment.db.models import Assessment, MemberRole, PlanItem
from assessment.db.tenancy import bind_workspace
from assessment.extensions import db
from assessment.services import accounts, share_links
from assessment.services.actor import Actor
from tests.querycount import Queries, count_queries  # noqa: F401  (fixture)
from tests.web.conftest import csrf_token, post_form
from tests.web.test_followups_trends import _answer, closed_assessment
from tests.web.test_i18n import LANGS, _english_phrases, catalogue
from tests.web.test_i18n_new_pages import shown_text, without_content

CountQueries = Callable[[], AbstractContextManager[Queries]]


def _client_of(app: Flask, assessment_id: int) -> int:
    with app.app_context():
        bind_workspace(db.session, 1)
        a = db.session.get(Assessment, assessment_id)
        assert a is not None
        cid = a.client_id
        db.session.remove()
    return cid


def _items(app: Flask) -> list[PlanItem]:
    with app.app_context():
        bind_workspace(db.session, 1)
        rows = list(db.session.scalars(select(PlanItem).order_by(PlanItem.id)))
        db.session.expunge_all()
        db.session.remove()
    return rows


def _seed(owner: FlaskClient, aid: int) -> None:
    res = post_form(
        owner, f"/assessments/{aid}/plan/roadmap", {}, form_url=f"/assessments/{aid}/results"
    )
    assert res.status_code == 302, res.get_data(as_text=True)


def test_results_to_plan_owners_dates_notes_and_calendar(owner: FlaskClient, app: Flask) -> None:
    aid = closed_assessment(app, "Northwind", 0.25)
    cid = _client_of(app, aid)
    results = owner.get(f"/assessments/{aid}/results").get_data(as_text=True)
    assert "Make the plan from the 30/60/90-day roadmap" in results
    assert 'id="what-moved"' not in results  # not a follow-up
    # a POST without the form's token changes nothing
    assert owner.post(f"/assessments/{aid}/plan/roadmap").status_code == 400
    assert _items(app) == []
    _seed(owner, aid)
    rows = _items(app)
    assert rows and all(r.owner_role for r in rows)
    page = owner.get(f"/clients/{cid}/plan").get_data(as_text=True)
    assert "Days 1–30" in page and "(proposed role)" in page
    for r in rows:
        assert f'id="item-{r.id}"' in page
    by_owner = owner.get(f"/clients/{cid}/plan?by=owner").get_data(as_text=True)
    assert "Not named yet: Executive / sales director" in by_owner
    # name an owner and a date, move the status on, add a note
    first = rows[0]
    form_url = f"/plan/items/{first.id}"
    edit = owner.get(form_url).get_data(as_text=True)
    assert 'type="date"' in edit and "Nobody named yet" in edit
    due = dt.date.today() + dt.timedelta(days=3)
    res = post_form(
        owner,
        form_url,
        {
            "title": first.title,
            "element": first.element_id,
            "phase": first.phase,
            "owner": "person",
            "owner_name": "Marta Nowak",
            "owner_email": "marta@northwind.example",
            "due": due.isoformat(),
            "status": "in_progress",
            "drop_reason": "",
            "kpi_question": first.kpi_question,
            "baseline": "" if first.baseline is None else f"{first.baseline:g}".replace(".", ","),
            "target": "" if first.target is None else f"{first.target:g}",
        },
    )
    assert res.status_code == 302, res.get_data(as_text=True)
    # dropping without a reason is refused at its field
    refused = post_form(
        owner, form_url, {"title": first.title, "phase": 0, "status": "dropped", "owner": ""}
    )
    assert refused.status_code == 200
    assert "say why the item is dropped" in refused.get_data(as_text=True)
    bad_number = post_form(
        owner, form_url, {"title": first.title, "phase": 0, "status": "planned", "target": "ten"}
    )
    assert "enter a number" in bad_number.get_data(as_text=True)
    res = post_form(
        owner,
        f"/plan/items/{first.id}/notes",
        {"text": "Kick-off held with Marta."},
        form_url=form_url,
    )
    assert res.status_code == 302
    page = owner.get(f"/clients/{cid}/plan?by=owner").get_data(as_text=True)
    assert "Marta Nowak" in page and "marta@northwind.example" in page
    assert "Kick-off held with Marta." in page and "Due this week" in page
    # the calendar: one all-day event per open item with a date
    ics = owner.get(f"/clients/{cid}/plan.ics")
    assert ics.status_code == 200 and ics.mimetype == "text/calendar"
    assert "attachment" in ics.headers["Content-Disposition"]
    events = list(Calendar.from_ical(ics.data).walk("VEVENT"))
    assert len(events) == len(rows)
    mine = next(e for e in events if str(e["UID"]).startswith(f"plan-item-{first.id}@"))
    assert mine.decoded("DTSTART") == due and "Owner: Marta Nowak" in str(mine["DESCRIPTION"])
    # the dashboard lists it as due this week
    dash = owner.get("/").get_data(as_text=True)
    assert "Plan items overdue or due this week" in dash and first.title[:40] in dash


def test_viewers_read_the_plan_and_change_nothing(owner: FlaskClient, app: Flask) -> None:
    aid = closed_assessment(app, "Northwind", 0.25)
    cid = _client_of(app, aid)
    _seed(owner, aid)
    with app.app_context():
        accounts.add_member(
            db.session, 1, "Vera", "vera@acme.example", "viewer pass 123", MemberRole.VIEWER
        )
        db.session.remove()
    viewer = app.test_client()
    post_form(viewer, "/login", {"email": "vera@acme.example", "password": "viewer pass 123"})
    page = viewer.get(f"/clients/{cid}/plan").get_data(as_text=True)
    assert "Update status, owner, date or notes" not in page and "Days 1–30" in page
    assert "Make the plan from" not in viewer.get(f"/assessments/{aid}/results").get_data(
        as_text=True
    )
    token = csrf_token(viewer, "/")
    item = _items(app)[0].id
    for url in (
        f"/assessments/{aid}/plan/roadmap",
        f"/plan/items/{item}",
        f"/plan/items/{item}/notes",
        f"/plan/items/{item}/delete",
        f"/clients/{cid}/rhythm",
        f"/clients/{cid}/next-round",
    ):
        assert viewer.post(url, data={"csrf_token": token, "text": "x"}).status_code == 403, url
    assert viewer.get(f"/clients/{cid}/plan.ics").status_code == 200


def test_follow_up_shows_what_moved_and_guests_read_the_plan(
    owner: FlaskClient, app: Flask
) -> None:
    first = closed_assessment(app, "Contoso", 0.25)
    cid = _client_of(app, first)
    _seed(owner, first)
    rows = _items(app)
    done = rows[0]
    post_form(
        owner,
        f"/plan/items/{done.id}",
        {
            "title": done.title,
            "element": done.element_id,
            "phase": done.phase,
            "owner": "user:1",
            "status": "done",
            "kpi_question": done.kpi_question,
            "baseline": "" if done.baseline is None else f"{done.baseline:g}",
            "target": "" if done.target is None else f"{done.target:g}",
        },
    )
    # the rhythm: quarterly, then the next round in one click
    res = post_form(
        owner,
        f"/clients/{cid}/rhythm",
        {"cadence": "3", "reminders": "y"},
        form_url=f"/clients/{cid}/plan",
    )
    assert res.status_code == 302
    res = post_form(
        owner,
        f"/clients/{cid}/next-round",
        {"title": "Contoso again"},
        form_url=f"/clients/{cid}/plan",
    )
    assert res.status_code == 302, res.get_data(as_text=True)
    second = int(res.headers["Location"].rstrip("/").split("/")[-1])
    assert len(_items(app)) == 2 * len(rows) - 1  # the unfinished items carried over
    with app.app_context():
        bind_workspace(db.session, 1)
        a = db.session.get(Assessment, second)
        assert a is not None
        from assessment.services.assessments import set_status

        actor = Actor(1, 1, MemberRole.OWNER)
        set_status(db.session, actor, second, "open")
        _answer(a, 0.8)
        set_status(db.session, actor, second, "closed")
        db.session.remove()
    page = owner.get(f"/assessments/{second}/results").get_data(as_text=True)
    moved = page[page.index('id="what-moved"') :]
    assert "What we committed, what was done, what moved" in moved
    assert "Since Contoso check:" in moved
    assert done.title[:30] in moved and "Done" in moved
    assert "continues in the new plan" in moved
    assert "significant" in moved
    # a guest of the client reads the plan and the loop, never an e-mail address
    with app.app_context():
        bind_workspace(db.session, 1)
        with write_transaction(db.session):
            item = db.session.scalar(
                select(PlanItem).where(PlanItem.carried_from_id == rows[1].id)
            )  # the current version of an unfinished item is its copy in the new round
            assert item is not None
            item.owner_name, item.owner_email = "Jan Kowalski", "jan@contoso.example"
        issued = share_links.create_link(
            db.session, Actor(1, 1, MemberRole.OWNER), cid, "board", "guest password 1"
        )
        db.session.remove()
    guest = app.test_client()
    assert (
        post_form(guest, f"/s/{issued.token}", {"password": "guest password 1"}).status_code == 302
    )
    overview = guest.get("/guest/").get_data(as_text=True)
    assert "/guest/plan" in overview
    plan = guest.get("/guest/plan").get_data(as_text=True)
    assert "Jan Kowalski" in plan and "jan@contoso.example" not in plan
    assert "Update status" not in plan and "owner@acme-consulting.eu" not in plan
    results = guest.get(f"/guest/assessments/{second}").get_data(as_text=True)
    assert 'id="what-moved"' in results and "Make the plan" not in results


def test_the_plan_page_costs_the_same_for_a_small_and_a_large_plan(
    owner: FlaskClient,
    app: Flask,
    count_queries: CountQueries,  # noqa: F811
) -> None:
    aid = closed_assessment(app, "Northwind", 0.25)
    cid = _client_of(app, aid)
    _seed(owner, aid)
    url = f"/clients/{cid}/plan"
    owner.get(url)
    with count_queries() as small:
        assert owner.get(url).status_code == 200
    # many more items, notes and owners
    token = csrf_token(owner, f"/assessments/{aid}/plan/new")
    for n in range(12):
        res = owner.post(
            f"/assessments/{aid}/plan/new",
            data={
                "csrf_token": token,
                "title": f"Own item {n}",
                "phase": n % 4,
                "status": "planned",
                "owner": "person",
                "owner_name": f"Person {n}",
            },
        )
        assert res.status_code == 302, res.get_data(as_text=True)
    for item in _items(app)[:6]:
        post_form(
            owner,
            f"/plan/items/{item.id}/notes",
            {"text": "noted"},
            form_url=f"/plan/items/{item.id}",
        )
    owner.get(url)
    with count_queries() as large:
        assert owner.get(url).status_code == 200
    assert large.count == small.count, f"{small.report()}\n---\n{large.report()}"
    assert small.count <= 12, small.report()
    for by in ("owner", "status"):
        with count_queries() as other:
            owner.get(f"{url}?by={by}")
        assert other.count == small.count


@pytest.mark.parametrize("lang", LANGS)
def test_plan_pages_fully_translated(owner: FlaskClient, app: Flask, lang: str) -> None:
    """The plan, an item, a new item, the results card, the follow-through and the dashboard
    cards show no interface string in English once the owner switches the language."""
    first = closed_assessment(app, "Contoso", 0.25)
    cid = _client_of(app, first)
    _seed(owner, first)
    rows = _items(app)
    item = rows[0]
    post_form(
        owner,
        f"/plan/items/{item.id}",
        {
            "title": item.title,
            "element": item.element_id,
            "phase": item.phase,
            "owner": "person",
            "owner_name": "Marta Nowak",
            "due": (dt.date.today() - dt.timedelta(days=2)).isoformat(),
            "status": "in_progress",
            "kpi_question": item.kpi_question,
            "baseline": "" if item.baseline is None else f"{item.baseline:g}",
            "target": "" if item.target is None else f"{item.target:g}",
        },
    )
    post_form(
        owner, f"/plan/items/{item.id}/notes", {"text": "x"}, form_url=f"/plan/items/{item.id}"
    )
    post_form(owner, f"/clients/{cid}/rhythm", {"cadence": "3"}, form_url=f"/clients/{cid}/plan")
    with app.app_context():
        bind_workspace(db.session, 1)
        with write_transaction(db.session):
            a = db.session.get(Assessment, first)
            assert a is not None and a.closed_at is not None
            a.closed_at -= dt.timedelta(days=100)  # the next round is due
        db.session.remove()
    pages = {
        f"/clients/{cid}/plan": "Action plan",
        f"/clients/{cid}/plan?by=owner": "Group by:",
        f"/plan/items/{item.id}": "What to watch",
        f"/assessments/{first}/plan/new": "New plan item",
        f"/assessments/{first}/results": "Make the plan from the 30/60/90-day roadmap",
        "/": "Plan items overdue or due this week",
    }
    dashboard = owner.get("/").get_data(as_text=True)
    assert "Next rounds due" in dashboard
    res = post_form(
        owner, f"/clients/{cid}/next-round", {"title": "Again"}, form_url=f"/clients/{cid}/plan"
    )
    second = int(res.headers["Location"].rstrip("/").split("/")[-1])
    with app.app_context():
        bind_workspace(db.session, 1)
        a = db.session.get(Assessment, second)
        assert a is not None
        from assessment.services.assessments import set_status

        actor = Actor(1, 1, MemberRole.OWNER)
        set_status(db.session, actor, second, "open")
        _answer(a, 0.8)
        set_status(db.session, actor, second, "closed")
        db.session.remove()
    pages[f"/assessments/{second}/results"] = "What we committed, what was done, what moved"
    english = {url: owner.get(url).get_data(as_text=True) for url in pages}
    for url, msgid in pages.items():
        assert msgid in shown_text(english[url]), f"en: {msgid!r} not on {url}"
    res = owner.post(
        "/language", data={"csrf_token": csrf_token(owner, "/"), "lang": lang, "next": "/"}
    )
    assert res.status_code == 302
    translations = catalogue(lang)
    phrases = _english_phrases(lang)
    for url, msgid in pages.items():
        page = owner.get(url).get_data(as_text=True)
        text = without_content(shown_text(page))
        assert translations[msgid] in text, f"{lang}: {translations[msgid]!r} not on {url}"
        leaked = [p for p in phrases if p in text]
        assert not leaked, f"{lang} {url}: untranslated interface text: {leaked[:5]}"


def test_the_api_reads_the_plan_without_e_mail_addresses(owner: FlaskClient, app: Flask) -> None:
    from tests.web.test_api import bearer, create_token

    aid = closed_assessment(app, "Northwind", 0.25)
    cid = _client_of(app, aid)
    _seed(owner, aid)
    first = _items(app)[0]
    post_form(
        owner,
        f"/plan/items/{first.id}",
        {
            "title": first.title,
            "element": first.element_id,
            "phase": first.phase,
            "owner": "person",
            "owner_name": "Marta Nowak",
            "owner_email": "marta@northwind.example",
            "due": "2020-01-31",
            "status": "in_progress",
            "kpi_question": first.kpi_question,
            "baseline": "" if first.baseline is None else f"{first.baseline:g}",
            "target": "" if first.target is None else f"{first.target:g}",
        },
    )
    post_form(
        owner,
        f"/plan/items/{first.id}/notes",
        {"text": "Started."},
        form_url=f"/plan/items/{first.id}",
    )
    token = create_token(owner)
    res = owner.get(f"/api/v1/clients/{cid}/plan", headers=bearer(token))
    assert res.status_code == 200 and res.headers["Cache-Control"] == "no-store"
    body = res.get_json()
    assert body["client_id"] == cid and body["reassess_months"] is None
    assert len(body["items"]) == len(_items(app))
    mine = body["items"][0]  # the overdue one comes first (by due date)
    assert (mine["id"], mine["owner"], mine["status"], mine["timing"]) == (
        first.id,
        "Marta Nowak",
        "in_progress",
        "overdue",
    )
    assert mine["due_date"] == "2020-01-31" and mine["notes"][-1]["text"] == "Started."
    assert mine["recommendation"] == first.recommendation_id
    assert "marta@northwind.example" not in res.get_data(as_text=True)
    assert owner.get(f"/api/v1/clients/{cid + 1000}/plan", headers=bearer(token)).status_code == 404
    assert owner.get(f"/api/v1/clients/{cid}/plan").status_code == 401


def test_the_pdf_shows_the_plan_and_what_moved(owner: FlaskClient, app: Flask) -> None:
    """A follow-up's PDF: the previous round's items with their status and what moved, and
    this round's plan (the unfinished items carried over) with owners and dates."""
    import io

    from pypdf import PdfReader

    from tests.web.conftest import download_pdf

    first = closed_assessment(app, "Contoso", 0.25)
    cid = _client_of(app, first)
    _seed(owner, first)
    rows = _items(app)
    done = rows[0]
    post_form(
        owner,
        f"/plan/items/{done.id}",
        {
            "title": done.title,
            "element": done.element_id,
            "phase": done.phase,
            "status": "done",
            "owner": "person",
            "owner_name": "Marta Nowak",
            "kpi_question": done.kpi_question,
            "baseline": "" if done.baseline is None else f"{done.baseline:g}",
            "target": "" if done.target is None else f"{done.target:g}",
        },
    )
    res = post_form(
        owner,
        f"/clients/{cid}/next-round",
        {"title": "Contoso again"},
        form_url=f"/clients/{cid}/plan",
    )
    second = int(res.headers["Location"].rstrip("/").split("/")[-1])
    with app.app_context():
        bind_workspace(db.session, 1)
        a = db.session.get(Assessment, second)
        assert a is not None
        from assessment.services.assessments import set_status

        actor = Actor(1, 1, MemberRole.OWNER)
        set_status(db.session, actor, second, "open")
        _answer(a, 0.8)
        set_status(db.session, actor, second, "closed")
        db.session.remove()
    pdf = download_pdf(owner, second)
    text = " ".join(
        " ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )
    assert "What we committed, what was done, what moved" in text
    assert "After Contoso check the organization committed to" in text
    assert "Marta Nowak" in text and "continues in the new plan" in text
    assert "Action plan" in text and "proposed role" in text  # the carried items, no owner yet
