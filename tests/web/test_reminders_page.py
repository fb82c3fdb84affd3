"""The reminder schedule page: CSRF-protected form, errors in the user's language, who is
due when, viewers read only, other workspaces get 404."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from assessment.db.models import Assessment, MemberRole, Membership
from assessment.db.tenancy import unscoped
from assessment.extensions import db
from assessment.services import accounts
from tests.web.conftest import add_people, new_assessment, new_client, open_assessment, post_form


def _assessment(owner: FlaskClient) -> int:
    aid = new_assessment(owner, new_client(owner))
    add_people(
        owner,
        aid,
        "Ann, ann@northwind-example.eu, sales_rep\nBob, , sales_rep\n"
        "Cid, cid@northwind-example.eu, executive",
    )
    return aid


def _stored(app: Flask, aid: int) -> tuple[int, int]:
    with app.app_context(), unscoped(db.session) as s:
        a = s.scalar(select(Assessment).where(Assessment.id == aid))
        assert a is not None
        found = (a.reminder_after_days, a.reminder_max)
        db.session.remove()
    return found


def test_schedule_page_saves_with_csrf_and_lists_who_is_next(
    owner: FlaskClient, app: Flask
) -> None:
    app.config.update(SMTP_HOST="127.0.0.1", PUBLIC_URL="https://survey.example.eu")
    aid = _assessment(owner)
    url = f"/assessments/{aid}/reminders"
    assert "Automatic reminders" in owner.get(f"/assessments/{aid}").get_data(as_text=True)
    page = owner.get(url).get_data(as_text=True)
    assert 'name="after_days"' in page and 'value="5"' in page and 'value="2"' in page
    assert "ann@northwind-example.eu" in page and "cid@northwind-example.eu" in page
    assert "once the assessment is open" in page  # a draft: no date yet
    assert "not configured" not in page
    # Without the form's token the change is refused.
    assert owner.post(url, data={"after_days": 3, "max_count": 1}).status_code == 400
    assert _stored(app, aid) == (5, 2)
    res = post_form(owner, url, {"after_days": 3, "max_count": 1})
    assert res.status_code == 302 and res.headers["Location"].endswith(url)
    assert _stored(app, aid) == (3, 1)
    assert "Reminder schedule saved." in owner.get(url).get_data(as_text=True)
    open_assessment(owner, aid)
    page = owner.get(url).get_data(as_text=True)
    assert "once the assessment is open" not in page and "sent so far: 0 of 1" in page
    post_form(
        owner, f"/assessments/{aid}/status", {"status": "closed"}, form_url=f"/assessments/{aid}"
    )
    page = owner.get(url).get_data(as_text=True)
    assert "nobody is reminded any more" in page and "ann@northwind-example.eu" not in page


def test_out_of_range_values_are_refused_in_the_users_language(
    owner: FlaskClient, app: Flask
) -> None:
    aid = _assessment(owner)
    url = f"/assessments/{aid}/reminders"
    res = post_form(owner, url, {"after_days": 0, "max_count": 2})
    assert res.status_code == 200
    assert "enter a number of days from 1 to 60" in res.get_data(as_text=True)
    post_form(owner, "/language", {"lang": "pl", "next": url}, form_url=url)
    res = post_form(owner, url, {"after_days": 5, "max_count": 11})
    html = res.get_data(as_text=True)
    assert "podaj liczbę przypomnień od 0 do 10" in html
    assert "Automatyczne przypomnienia" in html
    assert _stored(app, aid) == (5, 2)


def test_without_smtp_the_page_says_nothing_is_sent(owner: FlaskClient, app: Flask) -> None:
    aid = _assessment(owner)
    page = owner.get(f"/assessments/{aid}/reminders").get_data(as_text=True)
    assert "E-mail is not configured on this server" in page
    app.config.update(SMTP_HOST="127.0.0.1")
    page = owner.get(f"/assessments/{aid}/reminders").get_data(as_text=True)
    assert "PUBLIC_URL" in page


def test_zero_turns_them_off(owner: FlaskClient, app: Flask) -> None:
    aid = _assessment(owner)
    post_form(owner, f"/assessments/{aid}/reminders", {"after_days": 5, "max_count": 0})
    page = owner.get(f"/assessments/{aid}/reminders").get_data(as_text=True)
    assert "Automatic reminders are off for this assessment." in page
    assert "ann@northwind-example.eu" not in page


def test_viewers_read_but_cannot_change_and_rivals_get_404(owner: FlaskClient, app: Flask) -> None:
    from tests.web.test_tenancy import _second_workspace

    aid = _assessment(owner)
    url = f"/assessments/{aid}/reminders"
    with app.app_context(), unscoped(db.session) as s:
        workspace_id = s.scalar(select(Membership.workspace_id))
        assert workspace_id is not None
        accounts.add_member(
            s,
            workspace_id,
            "Vera Viewer",
            "vera@acme-consulting.eu",
            "viewer password 123",
            MemberRole.VIEWER,
        )
        db.session.remove()
    viewer = app.test_client()
    assert (
        post_form(
            viewer,
            "/login",
            {"email": "vera@acme-consulting.eu", "password": "viewer password 123"},
        ).status_code
        == 302
    )
    page = viewer.get(url).get_data(as_text=True)
    assert "2 reminders per person" in page and 'name="after_days"' not in page
    res = post_form(viewer, url, {"after_days": 1, "max_count": 9}, form_url="/")
    assert res.status_code == 403
    assert _stored(app, aid) == (5, 2)
    rival = _second_workspace(app)
    assert rival.get(url).status_code == 404
    assert post_form(rival, url, {"after_days": 1, "max_count": 9}, form_url="/").status_code == 404
