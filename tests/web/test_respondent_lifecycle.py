"""Correcting mistakes with respondents: reload adds nobody, edit, delete, copy a link without
replacing it, completion of live respondents only, filters, bulk errors and e-mail checks."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from assessment.db.models import Respondent
from assessment.db.tenancy import unscoped
from assessment.extensions import db as _db
from assessment.services.link_cipher import LinkCipher
from assessment.services.respondents import RespondentData, email_problem, parse_people
from tests.web.conftest import add_people, new_assessment, new_client, open_assessment, post_form

LINK = re.compile(r'value="http://localhost(/r/[A-Za-z0-9_\-]+)"')


def _count(app: Flask) -> int:
    with app.app_context(), unscoped(_db.session):
        n = len(list(_db.session.scalars(select(Respondent.id))))
        _db.session.remove()
        return n


def _post(owner: FlaskClient, aid: int, path: str, data: dict[str, str] | None = None) -> str:
    res = post_form(
        owner,
        f"/assessments/{aid}{path}",
        data or {},
        form_url=f"/assessments/{aid}",
        follow_redirects=True,
    )
    assert res.status_code == 200, res.status_code
    return str(res.get_data(as_text=True))


def test_reload_of_new_links_page_adds_nobody(owner: FlaskClient, app: Flask) -> None:
    aid = new_assessment(owner, new_client(owner))
    res = post_form(
        owner,
        f"/assessments/{aid}/respondents/bulk",
        {"people": "Ann, , sales_rep\nBob, , sales_rep"},
        form_url=f"/assessments/{aid}",
    )
    assert res.status_code == 302
    page = res.headers["Location"]
    first = LINK.findall(owner.get(page).get_data(as_text=True))
    again = LINK.findall(owner.get(page).get_data(as_text=True))  # the reload
    assert len(first) == 2 and first == again
    assert _count(app) == 2


def test_copy_link_keeps_the_link_working(owner: FlaskClient) -> None:
    aid = new_assessment(owner, new_client(owner))
    (link,) = add_people(owner, aid, "Ann, , sales_rep")
    show = owner.get(f"/assessments/{aid}").get_data(as_text=True)
    copy = re.search(r'href="(/assessments/\d+/links\?[^"]+kind=one)"', show)
    assert copy, show
    copied = LINK.findall(owner.get(copy.group(1).replace("&amp;", "&")).get_data(as_text=True))
    assert copied == [link]
    # the pending-links page shows the same link; nothing was replaced
    assert LINK.findall(owner.get(f"/assessments/{aid}/links").get_data(as_text=True)) == [link]
    assert owner.application.test_client().get(link).status_code == 302


def test_edit_respondent(owner: FlaskClient, app: Flask) -> None:
    aid = new_assessment(owner, new_client(owner))
    (link,) = add_people(owner, aid, "Ann, , sales_rep")
    html = _post(
        owner,
        aid,
        "/respondents/1/edit",
        {
            "name": "Anna Nowak",
            "email": "anna@northwind-example.eu",
            "role": "executive",
            "team": "North",
        },
    )
    assert "Respondent R0001 saved" in html and "Anna Nowak" in html
    with app.app_context(), unscoped(_db.session):
        r = _db.session.scalar(select(Respondent))
        assert r is not None
        assert (r.name, r.email, r.role, r.team) == (
            "Anna Nowak",
            "anna@northwind-example.eu",
            "executive",
            "North",
        )
        _db.session.remove()
    assert owner.application.test_client().get(link).status_code == 302  # link unchanged
    bad = post_form(
        owner,
        f"/assessments/{aid}/respondents/1/edit",
        {"name": "Anna", "email": "jan@acme", "role": "executive", "team": ""},
        form_url=f"/assessments/{aid}/respondents/1/edit",
    )
    assert bad.status_code == 200 and "jan@acme" in bad.get_data(as_text=True)


def _start(owner: FlaskClient, link: str) -> FlaskClient:
    person = owner.application.test_client()
    assert person.get(link).status_code == 302
    page = person.get("/respond/page/1").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token
    res = person.post(
        "/respond/answer",
        json={"question": "crm.comments", "value": "Fewer mandatory fields"},
        headers={"X-CSRFToken": token.group(1)},
    )
    assert res.status_code == 200, res.get_data(as_text=True)
    return person


def test_delete_only_before_answering(owner: FlaskClient, app: Flask) -> None:
    aid = new_assessment(owner, new_client(owner))
    links = add_people(owner, aid, "Ann, , sales_rep\nBob, , sales_rep")
    open_assessment(owner, aid)
    _start(owner, links[0])
    html = _post(owner, aid, "/respondents/1/delete")
    assert "has already answered and cannot be deleted" in html
    html = _post(owner, aid, "/respondents/2/delete")
    assert "Respondent R0002 deleted" in html
    assert _count(app) == 1
    assert owner.application.test_client().get(links[1]).status_code == 404


def test_completion_counts_live_respondents_only(owner: FlaskClient, app: Flask) -> None:
    aid = new_assessment(owner, new_client(owner))
    add_people(owner, aid, "\n".join(f"P{i}, , sales_rep" for i in range(12)))
    with app.app_context(), unscoped(_db.session):
        rows = list(_db.session.scalars(select(Respondent).order_by(Respondent.id)))
        from assessment.db.base import utcnow

        for r in rows[:9]:
            r.started_at = r.submitted_at = utcnow()
        _db.session.commit()
        _db.session.remove()
    for rid in (10, 11):
        _post(owner, aid, f"/respondents/{rid}/revoke")
    from assessment.services.assessments import progress_of

    with app.app_context(), unscoped(_db.session):
        progress = progress_of(_db.session, aid)
        _db.session.remove()
    assert (progress.submitted, progress.invited) == (9, 10)
    assert progress.completion == pytest.approx(0.9)
    assert "90%" in owner.get(f"/assessments/{aid}").get_data(as_text=True)


def test_filters_and_activity(owner: FlaskClient) -> None:
    aid = new_assessment(owner, new_client(owner))
    links = add_people(owner, aid, "Ann, , sales_rep\nBob, , sales_rep")
    open_assessment(owner, aid)
    _start(owner, links[0])
    started = owner.get(f"/assessments/{aid}?state=in_progress").get_data(as_text=True)
    assert "R0001" in started and "R0002" not in started
    fresh = owner.get(f"/assessments/{aid}?state=not_started").get_data(as_text=True)
    assert "R0002" in fresh and "R0001" not in fresh
    assert "No respondents in this state" in owner.get(
        f"/assessments/{aid}?state=submitted"
    ).get_data(as_text=True)


def test_page_reached_is_shown(owner: FlaskClient, app: Flask) -> None:
    aid = new_assessment(owner, new_client(owner))
    add_people(owner, aid, "Ann, , sales_rep")
    with app.app_context(), unscoped(_db.session):
        r = _db.session.scalar(select(Respondent))
        assert r is not None
        from assessment.db.base import utcnow

        r.started_at = r.last_active_at = utcnow()
        r.page_reached = 3
        _db.session.commit()
        _db.session.remove()
    assert "page 3 of" in owner.get(f"/assessments/{aid}").get_data(as_text=True)


def test_bulk_errors_keep_text_and_list_every_line(owner: FlaskClient, app: Flask) -> None:
    aid = new_assessment(owner, new_client(owner))
    typed = "Ann, ann@northwind-example.eu, sales_rep\nJan, jan@acme, sales_rep\nBob, , ceo"
    res = post_form(
        owner,
        f"/assessments/{aid}/respondents/bulk",
        {"people": typed},
        form_url=f"/assessments/{aid}",
    )
    html = res.get_data(as_text=True)
    assert res.status_code == 200
    assert "line 2: &#39;jan@acme&#39; is not an e-mail address" in html
    assert "line 3: unknown role &#39;ceo&#39;" in html
    assert "Ann, ann@northwind-example.eu, sales_rep" in html  # the text is kept
    assert _count(app) == 0


def test_single_add_refuses_bad_email(owner: FlaskClient, app: Flask) -> None:
    aid = new_assessment(owner, new_client(owner))
    res = post_form(
        owner,
        f"/assessments/{aid}/respondents",
        {"role": "sales_rep", "name": "Jan", "email": "jan@acme", "team": ""},
        form_url=f"/assessments/{aid}",
    )
    assert res.status_code == 200 and 'value="Jan"' in res.get_data(as_text=True)
    assert _count(app) == 0


def test_email_rules() -> None:
    assert email_problem("jan@acme") is not None
    assert email_problem("not-an-email") is not None
    assert email_problem("") is None
    assert email_problem("jan@acme.eu") is None
    people = parse_people(
        "Ann, ann@acme.eu, sales_rep, North", ["sales_rep"], {"sales_rep": "Sales rep"}
    )
    assert people == [RespondentData("sales_rep", "Ann", "ann@acme.eu", "North")]


def test_link_cipher_round_trip_and_other_secret() -> None:
    cipher = LinkCipher("a" * 40)
    stored = cipher.encrypt("token-123")
    assert "token-123" not in stored
    assert cipher.decrypt(stored) == "token-123"
    assert LinkCipher("b" * 40).decrypt(stored) is None
    assert cipher.decrypt(None) is None and cipher.decrypt("garbage") is None


def test_legacy_respondent_link_can_only_be_replaced(owner: FlaskClient, app: Flask) -> None:
    aid = new_assessment(owner, new_client(owner))
    add_people(owner, aid, "Ann, , sales_rep")
    with app.app_context(), unscoped(_db.session):
        r = _db.session.scalar(select(Respondent))
        assert r is not None
        r.token_encrypted = None  # as if added before links were kept encrypted
        _db.session.commit()
        _db.session.remove()
    html = owner.get(f"/assessments/{aid}/links").get_data(as_text=True)
    assert "This link can only be replaced" in html and not LINK.findall(html)
    show = owner.get(f"/assessments/{aid}").get_data(as_text=True)
    assert "kind=one" not in show
    html = _post(owner, aid, "/respondents/1/reissue")
    assert len(LINK.findall(html)) == 1
