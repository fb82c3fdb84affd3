"""Answering: autosave, resume anywhere, expired forms keep answers, idempotent submit."""

from __future__ import annotations

import re
import threading

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from assessment.db.models import Answer, Respondent
from assessment.db.tenancy import unscoped
from tests.web.conftest import (
    add_people,
    csrf_token,
    new_assessment,
    new_client,
    open_assessment,
    post_form,
)


def _started(owner: FlaskClient, role: str = "sales_rep") -> tuple[int, str, FlaskClient]:
    aid = new_assessment(owner, new_client(owner))
    (link,) = add_people(owner, aid, f", , {role}")
    open_assessment(owner, aid)
    person = owner.application.test_client()
    person.get(link)
    return aid, link, person


def _save(person: FlaskClient, payload: dict[str, str]) -> tuple[int, dict[str, object]]:
    token = csrf_token(person, "/respond/page/1")
    res = person.post("/respond/answer", json=payload, headers={"X-CSRFToken": token})
    return res.status_code, res.get_json()


def _answers(app: Flask) -> dict[str, tuple[str, str | None, float | None]]:
    from assessment.extensions import db

    with app.app_context(), unscoped(db.session):
        rows = db.session.execute(
            select(Answer.question_id, Answer.kind, Answer.value_text, Answer.value_number)
        )
        return {q: (k, t, n) for q, k, t, n in rows}


def test_autosave_saves_changes_and_clears(owner: FlaskClient, app: Flask) -> None:
    _, _, person = _started(owner)
    assert _save(person, {"question": "mgmt_rep.one_to_ones", "value": "monthly"}) == (
        200,
        {"saved": True},
    )
    assert _answers(app)["mgmt_rep.one_to_ones"] == ("option", "monthly", None)
    assert _save(person, {"question": "mgmt_rep.one_to_ones", "value": "weekly"})[0] == 200
    assert _answers(app)["mgmt_rep.one_to_ones"][1] == "weekly"
    assert _save(person, {"question": "mgmt_rep.one_to_ones", "value": ""})[0] == 200
    assert "mgmt_rep.one_to_ones" not in _answers(app)


def test_autosave_rejects_bad_values_with_a_reason(owner: FlaskClient, app: Flask) -> None:
    _, _, person = _started(owner, "sales_manager")
    status, body = _save(person, {"question": "mgmt_rep.coaching_hours", "value": "900"})
    assert status == 422 and body["code"] == "respond.out_of_range" and body["invalid"]
    assert body["error"] == "Enter a number in the range 0–40 hours/month (you entered 900)."
    status, body = _save(person, {"question": "mgmt_rep.one_to_ones", "value": "fortnightlyish"})
    assert status == 422 and "not an option" in str(body["error"])
    status, body = _save(person, {"question": "top_performers.nope", "value": "1"})
    assert status == 422
    assert _answers(app) == {}


def test_autosave_refuses_question_of_another_role(owner: FlaskClient) -> None:
    _, _, person = _started(owner, "sales_rep")
    status, _ = _save(person, {"question": "top_performers.variable_share", "value": "30"})
    assert status == 422


def test_autosave_needs_csrf_header(owner: FlaskClient) -> None:
    _, _, person = _started(owner)
    res = person.post(
        "/respond/answer", json={"question": "mgmt_rep.one_to_ones", "value": "monthly"}
    )
    assert res.status_code == 400


def test_resume_on_another_device_at_first_unanswered_page(owner: FlaskClient) -> None:
    _, link, person = _started(owner)
    page1 = person.get("/respond/page/1").get_data(as_text=True)
    names = sorted(set(re.findall(r'type="radio" name="([a-z0-9_.]+)" value="', page1)))
    for name in names:
        values = re.findall(rf'name="{re.escape(name)}" value="([a-z0-9_]+)"', page1)
        assert _save(person, {"question": name, "value": values[0]})[0] == 200
    for name in re.findall(r'inputmode="decimal"[^>]* name="([a-z0-9_.]+)"', page1):
        assert _save(person, {"question": name, "value": "dk"})[0] in (200, 422)
    other_device = owner.application.test_client()
    other_device.get(link)
    token = csrf_token(other_device, "/respond/")
    assert "Continue where you left off" in other_device.get("/respond/").get_data(as_text=True)
    res = other_device.post("/respond/start", data={"csrf_token": token})
    assert res.headers["Location"].endswith("/respond/page/2")
    # what the first device saved is shown on the second
    shown = other_device.get("/respond/page/1").get_data(as_text=True)
    assert shown.count("checked") >= len(names)


def test_expired_form_keeps_typed_answers(owner: FlaskClient, app: Flask) -> None:
    _, _, person = _started(owner)
    page = person.get("/respond/page/1").get_data(as_text=True)
    rk = re.search(r'name="rk" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    fresh = owner.application.test_client()  # the session cookie is gone (e.g. expired)
    res = fresh.post(
        "/respond/page/1",
        data={
            "csrf_token": "stale",
            "rk": rk,
            "mgmt_rep.one_to_ones": "monthly",
            "mgmt_rep.comments": "typed before the session expired",
            "go": "next",
        },
    )
    assert res.status_code == 400
    html = res.get_data(as_text=True)
    assert "not saved yet" in html
    assert 'value="monthly" checked' in html and "typed before the session expired" in html
    # the page came back with a fresh token bound to the restored session: saving works now
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    res = fresh.post(
        "/respond/page/1",
        data={
            "csrf_token": token,
            "rk": rk,
            "mgmt_rep.one_to_ones": "monthly",
            "mgmt_rep.comments": "typed before the session expired",
            "go": "next",
        },
    )
    assert res.status_code == 302
    assert _answers(app)["mgmt_rep.one_to_ones"][1] == "monthly"


def test_invalid_value_on_page_post_keeps_the_rest(owner: FlaskClient, app: Flask) -> None:
    _, _, person = _started(owner, "sales_manager")
    token = csrf_token(person, "/respond/page/1")
    res = person.post(
        "/respond/page/1",
        data={
            "csrf_token": token,
            "mgmt_rep.one_to_ones": "monthly",
            "mgmt_rep.coaching_hours": "5000",
            "go": "next",
        },
    )
    assert res.status_code == 422
    html = res.get_data(as_text=True)
    assert 'value="5000"' in html and "Enter a number in the range 0–40" in html
    assert _answers(app)["mgmt_rep.one_to_ones"][1] == "monthly"


def test_twenty_concurrent_submits_make_one_submission(owner: FlaskClient, app: Flask) -> None:
    _, _, person = _started(owner)
    token = csrf_token(person, "/respond/review")
    cookie = person.get_cookie("session")
    assert cookie is not None
    statuses: list[int] = []
    locations: list[str] = []

    def post() -> None:
        c = app.test_client()
        c.set_cookie("session", cookie.value)
        res = c.post("/respond/submit", data={"csrf_token": token})
        statuses.append(res.status_code)
        locations.append(res.headers.get("Location", ""))

    threads = [threading.Thread(target=post) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [302] * 20
    assert all(loc.endswith("/respond/thanks") for loc in locations)
    from assessment.extensions import db

    with app.app_context(), unscoped(db.session):
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(Respondent)
                .where(Respondent.submitted_at.is_not(None))
            )
            == 1
        )


def test_answers_frozen_when_closed(owner: FlaskClient) -> None:
    aid, _, person = _started(owner)
    post_form(
        owner, f"/assessments/{aid}/status", {"status": "closed"}, form_url=f"/assessments/{aid}"
    )
    status, body = _save(person, {"question": "mgmt_rep.one_to_ones", "value": "monthly"})
    assert status == 409 and "not open" in str(body["error"])
    post_form(
        owner, f"/assessments/{aid}/status", {"status": "open"}, form_url=f"/assessments/{aid}"
    )
    assert _save(person, {"question": "mgmt_rep.one_to_ones", "value": "monthly"})[0] == 200


def test_reissued_link_ends_old_session_and_old_link(owner: FlaskClient) -> None:
    aid, link, person = _started(owner)
    res = post_form(
        owner,
        f"/assessments/{aid}/respondents/1/reissue",
        {},
        form_url=f"/assessments/{aid}",
        follow_redirects=True,
    )
    new_link = re.search(r'value="http://localhost(/r/[^"]+)"', res.get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    assert new_link != link
    assert person.get("/respond/").status_code == 403
    assert owner.application.test_client().get(link).status_code == 404
    assert owner.application.test_client().get(new_link).status_code == 302


def test_revoked_link_stops_working(owner: FlaskClient) -> None:
    aid, link, person = _started(owner)
    post_form(owner, f"/assessments/{aid}/respondents/1/revoke", {}, form_url=f"/assessments/{aid}")
    assert owner.application.test_client().get(link).status_code == 404
    assert person.get("/respond/page/1").status_code == 403


def test_comments_and_text_answers_autosave(owner: FlaskClient, app: Flask) -> None:
    aid, _, person = _started(owner)
    assert _save(person, {"comment": "crm", "value": "The CRM is slow"})[0] == 200
    assert _save(person, {"question": "crm.comments", "value": "Fewer mandatory fields"})[0] == 200
    assert "Fewer mandatory fields" in person.get("/respond/page/2").get_data(as_text=True)
    results = owner.get(f"/assessments/{aid}/results").get_data(as_text=True)
    assert "The CRM is slow" in results and "Fewer mandatory fields" in results
