"""Every error is a styled HTML page in the visitor's language, with a way on.

Issue 16, item 1: a mistyped personal link answered ``text/plain``, so the browser showed raw
HTML source.  Each status a person can meet — 400, 401, 403, 404, 405, 409, 410, 413, 429,
500 and a CSRF failure — is checked here for respondents (``/r/…``, ``/respond/…``: the
respondent's or assessment's language, else the browser's) and for consultants (the
interface language), in English and two other languages: ``text/html``, the heading
translated, the respondent layout without the members' navigation.  The API and the
autosave keep answering JSON.
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask, abort
from flask.testing import FlaskClient
from sqlalchemy import text
from werkzeug.test import TestResponse

from assessment.app import create_app
from assessment.catalogues import translations_for
from assessment.extensions import current_session
from assessment.messages import Message
from tests.databases import fresh_database
from tests.web.conftest import (
    PG_URL,
    add_people,
    build_app,
    close_app,
    csrf_token,
    new_assessment,
    new_client,
    open_assessment,
    post_form,
    sign_up_owner,
)

LANGS = ["en", "pl", "zh", "ru", "ro"]
HEADING = re.compile(r'<h1 id="error-title">(.*?)</h1>', re.S)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """The test app with routes that fail with each status (added before any request)."""
    app = build_app(tmp_path)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer a crash as production does

    def fail(code: int) -> str:
        if code == 500:
            raise RuntimeError("a bug")
        if code == 501:  # a crash after a failed statement: the transaction is broken
            current_session().execute(text("SELECT * FROM no_such_table"))
        abort(code)

    app.add_url_rule("/respond/_fail/<int:code>", "respond_fail", fail)
    app.add_url_rule("/_fail/<int:code>", "fail", fail)
    yield app
    close_app(app)


def _tr(lang: str, english: str) -> str:
    return translations_for(lang).gettext(english) if lang != "en" else english


def _heading(res: TestResponse, lang: str, english: str, status: int) -> str:
    """The page's heading is ``english`` in ``lang``; returns the page."""
    assert res.status_code == status, (res.status_code, res.get_data(as_text=True)[:300])
    assert res.mimetype == "text/html", res.headers
    page = res.get_data(as_text=True)
    match = HEADING.search(page)
    assert match, page[:500]
    shown = htmllib.unescape(match.group(1)).strip()
    expected = _tr(lang, english)
    assert shown == expected, (lang, shown, expected)
    if lang != "en":
        assert shown != english, f"{english!r} is not translated to {lang}"
    assert f'<html lang="{lang}">' in page
    assert 'class="card narrow error-page"' in page and "app.css" in page
    return page


RESPONDENT_TITLES = {
    400: "Please try again",
    403: "Please open your personal link again",
    404: "This link is not valid",
    405: "This action is not available here",
    409: "Not possible right now",
    410: "This link has expired",
    413: "Too much text",
    429: "Too many requests",
    500: "Something went wrong",
}

CONSULTANT_TITLES = {
    400: "Please check your input",
    401: "Please sign in",
    403: "Not allowed",
    404: "Not found",
    405: "This action is not available here",
    409: "Not possible right now",
    410: "No longer available",
    413: "The file is too large",
    429: "Too many attempts",
    500: "Something went wrong",
}


@pytest.mark.parametrize("lang", LANGS)
def test_a_bad_personal_link_is_a_page_in_the_browsers_language(
    client: FlaskClient, lang: str
) -> None:
    res = client.get("/r/this-link-was-mistyped", headers={"Accept-Language": lang})
    page = _heading(res, lang, RESPONDENT_TITLES[404], 404)
    next_step = (
        "Check that you opened the whole link from your invitation. If it still does not "
        "work, ask the person who sent it to you for a new link."
    )
    assert _tr(lang, next_step) in htmllib.unescape(page)
    assert "Dashboard" not in page and 'class="brand"' in page  # the respondent layout


@pytest.mark.parametrize("lang", ["en", "pl", "zh"])
def test_every_respondent_status_is_a_page(client: FlaskClient, lang: str) -> None:
    h = {"Accept-Language": lang}
    for status, title in RESPONDENT_TITLES.items():
        if status == 404:
            continue  # the bad link, above
        res = client.get(f"/respond/_fail/{status}", headers=h)
        page = _heading(res, lang, title, status)
        assert "Dashboard" not in page
    # a respondent page without a session (the link's session ended)
    _heading(client.get("/respond/", headers=h), lang, RESPONDENT_TITLES[403], 403)
    # a POST-only address opened by GET
    _heading(client.get("/respond/start", headers=h), lang, RESPONDENT_TITLES[405], 405)
    # a form without its CSRF token
    _heading(client.post("/respond/start", headers=h), lang, RESPONDENT_TITLES[400], 400)


@pytest.mark.parametrize("lang", ["en", "ru", "ro"])
def test_every_consultant_status_is_a_page(client: FlaskClient, lang: str) -> None:
    sign_up_owner(client)
    h = {"Accept-Language": lang}
    for status, title in CONSULTANT_TITLES.items():
        page = _heading(client.get(f"/_fail/{status}", headers=h), lang, title, status)
        assert "/logout" in page  # the members' layout
    _heading(client.get("/no/such/page", headers=h), lang, CONSULTANT_TITLES[404], 404)
    _heading(client.get("/clients/999999", headers=h), lang, CONSULTANT_TITLES[404], 404)
    _heading(client.post("/clients/new", headers=h), lang, CONSULTANT_TITLES[400], 400)
    res = client.get(f"/_fail/{405}", headers=h)
    assert res.status_code == 405


@pytest.mark.parametrize("lang", ["pl", "zh"])
def test_respondent_pages_speak_the_assessments_language(
    client: FlaskClient, app: Flask, lang: str
) -> None:
    """A respondent whose browser says English sees errors in the assessment's language."""
    owner = sign_up_owner(client)
    aid = new_assessment(owner, new_client(owner), language=lang)
    (link,) = add_people(owner, aid, ", , sales_rep")
    open_assessment(owner, aid)
    person = app.test_client()
    en = {"Accept-Language": "en"}
    person.get(link, headers=en)
    page = _heading(person.get("/respond/page/999", headers=en), lang, "Page not found", 404)
    assert 'href="/respond/"' in page  # back to the questionnaire
    _heading(person.get("/respond/start", headers=en), lang, RESPONDENT_TITLES[405], 405)
    _heading(person.get("/respond/_fail/500", headers=en), lang, RESPONDENT_TITLES[500], 500)
    _heading(person.get("/respond/_fail/501", headers=en), lang, RESPONDENT_TITLES[500], 500)
    # a mistyped link in the same browser still says the link is not valid
    _heading(person.get("/r/mistyped", headers=en), lang, RESPONDENT_TITLES[404], 404)
    # submitting after the consultant closed the assessment: 409 with the reason
    token = csrf_token(person, "/respond/review")
    post_form(
        owner, f"/assessments/{aid}/status", {"status": "closed"}, form_url=f"/assessments/{aid}"
    )
    res = person.post("/respond/submit", data={"csrf_token": token}, headers=en)
    page = _heading(res, lang, RESPONDENT_TITLES[409], 409)
    not_open = Message("assessment.not_open").render(translations_for(lang), lang)
    assert not_open in htmllib.unescape(page)


def test_a_request_too_large_is_a_page(app: Flask) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 1024
    client = app.test_client()
    big = {"lang": "x" * 5000}
    res = client.post("/respond/language", data=big, headers={"Accept-Language": "pl"})
    _heading(res, "pl", RESPONDENT_TITLES[413], 413)
    sign_up_owner(client)
    res = client.post("/clients/new", data=big, headers={"Accept-Language": "ru"})
    _heading(res, "ru", CONSULTANT_TITLES[413], 413)


def test_the_rate_limit_is_a_page(tmp_path: Path) -> None:
    """Flask-Limiter's own 429 (link guessing): the respondent page, with Retry-After."""
    url = PG_URL or f"sqlite:///{tmp_path / 'limits.sqlite'}"
    fresh_database(url)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-" + "x" * 32,
            "SQLALCHEMY_DATABASE_URI": url,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
        },
        instance_path=str(tmp_path / "instance"),
    )
    client = app.test_client()
    here = {"REMOTE_ADDR": "10.42.42.42"}
    h = {"Accept-Language": "ro"}
    for _ in range(120):
        assert client.get("/r/guess", headers=h, environ_base=here).status_code == 404
    res = client.get("/r/guess", headers=h, environ_base=here)
    _heading(res, "ro", RESPONDENT_TITLES[429], 429)
    assert "Retry-After" in res.headers
    close_app(app)


def test_a_broken_database_still_gives_a_page(client: FlaskClient) -> None:
    sign_up_owner(client)
    _heading(client.get("/_fail/501"), "en", CONSULTANT_TITLES[500], 500)
    assert client.get("/").status_code == 200  # the next request is fine


def test_json_callers_keep_json(client: FlaskClient) -> None:
    res = client.get("/api/v1/nothing-here")
    assert res.status_code in (401, 404) and res.is_json
    res = client.post("/respond/answer", json={"question": "x", "value": "1"})
    assert res.status_code in (400, 401) and res.is_json
    res = client.get("/_fail/409", headers={"Accept": "application/json"})
    assert res.status_code == 409 and res.is_json and res.get_json()["error"]
