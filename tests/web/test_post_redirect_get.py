"""Post/redirect/get on the forms that create something (issue 16, item 2): a new share link,
an answers import, a new API token and turning two-factor sign-in on answer with a redirect,
so reloading the result page sends nothing again; the same form sent twice creates one link
or token and one set of recovery codes; a new link's address, a new token and the recovery
codes are shown once, are never in a URL and are not readable in the session cookie."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from assessment.db.models import ApiToken, AuditEntry, MfaRecoveryCode, ShareLink
from assessment.db.tenancy import unscoped
from assessment.extensions import db as _db
from assessment.services import mfa
from tests.web.conftest import TOKEN, new_assessment, new_client
from tests.web.guests import ONCE, SHARE_URL
from tests.web.test_api import SECRET, bearer
from tests.web.test_data_exchange import counts, long_csv, synthetic
from tests.web.test_two_factor import RECOVERY_ON_PAGE, SECRET_ON_PAGE, T0, code_at

FORM = {"label": "Head of sales", "password": "guest password 1", "confirm": "guest password 1"}


def _links(app: Flask) -> int:
    with app.app_context():
        with unscoped(_db.session()):
            n = _db.session.scalar(select(func.count()).select_from(ShareLink))
        _db.session.remove()
    return int(n or 0)


def _form(client: FlaskClient, url: str) -> dict[str, str]:
    """The hidden fields of the form on ``url``, as a browser sends them."""
    page = client.get(url).get_data(as_text=True)
    token, once = TOKEN.search(page), ONCE.search(page)
    assert token and once, page[:2000]
    return {"csrf_token": token.group(1), "once": once.group(1)}


def _session_cookie(app: Flask, client: FlaskClient) -> tuple[str, dict[str, object]]:
    """The session cookie as stored in the browser, and what it holds."""
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    assert cookie is not None
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    return cookie.value, dict(serializer.loads(cookie.value))


def _secret_shown_once(
    app: Flask,
    owner: FlaskClient,
    shown_at: str,
    pattern: re.Pattern[str],
    heading: str,
    prefix: str = "",
) -> tuple[str, str]:
    """Open the page a one-time secret is shown on: it is there (not cached, under
    ``heading``) and the session cookie holds it only encrypted.  Returns the secret and the
    cookie as stored in the browser."""
    raw, held = _session_cookie(app, owner)
    page = owner.get(shown_at)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    found = pattern.search(html)
    assert found and heading in html
    secret = found.group(1).removeprefix(prefix)
    assert secret not in raw and secret not in repr(held) and secret not in shown_at
    return secret, raw


def test_a_new_share_link_redirects_and_its_address_is_shown_once(
    owner: FlaskClient, app: Flask
) -> None:
    cid = new_client(owner)
    url = f"/clients/{cid}/share-links/new"
    data = {**FORM, "days": "30", **_form(owner, url)}
    res = owner.post(url, data=data)
    assert res.status_code == 302
    shown_at = res.headers["Location"]
    assert re.fullmatch(rf"/clients/{cid}/share-links/\d+/created", shown_at), shown_at
    assert _links(app) == 1

    # the address waits in the session encrypted: neither the cookie nor what it holds reads it
    token, _raw = _secret_shown_once(
        app, owner, shown_at, SHARE_URL, "Share link created", prefix="/s/"
    )

    # a reload of the result page: the address is gone, nothing is created
    again = owner.get(shown_at)
    assert again.status_code == 302 and again.headers["Location"] == f"/clients/{cid}#sharing"
    client_page = owner.get(again.headers["Location"]).get_data(as_text=True)
    assert "shown only once" in client_page and token not in client_page
    assert _links(app) == 1

    # the same form sent again (back button, then "Create" again): still one link
    twice = owner.post(url, data=data, follow_redirects=True)
    assert twice.status_code == 200
    assert "no second share link was created" in twice.get_data(as_text=True)
    assert token not in twice.get_data(as_text=True)
    assert _links(app) == 1
    # the link works for the guest
    assert app.test_client().get(f"/s/{token}").status_code == 200


def test_a_refused_share_link_form_can_be_corrected_and_sent(
    owner: FlaskClient, app: Flask
) -> None:
    cid = new_client(owner)
    url = f"/clients/{cid}/share-links/new"
    hidden = _form(owner, url)
    wrong = owner.post(url, data={**FORM, "confirm": "something else", "days": "30", **hidden})
    assert wrong.status_code == 200 and _links(app) == 0
    assert f'value="{hidden["once"]}"' in wrong.get_data(as_text=True)  # the same form again
    res = owner.post(url, data={**FORM, "days": "30", **hidden})
    assert res.status_code == 302 and "/created" in res.headers["Location"]
    assert _links(app) == 1
    # a form whose one-time value was never issued creates nothing
    forged = owner.post(url, data={**FORM, "days": "30", **hidden, "once": "made-up"})
    assert forged.status_code == 302 and "/created" not in forged.headers["Location"]
    assert _links(app) == 1


def test_an_import_redirects_and_its_result_is_shown_once(owner: FlaskClient, app: Flask) -> None:
    aid = new_assessment(owner, new_client(owner))
    url = f"/assessments/{aid}/data/import"
    content = long_csv(synthetic(3))

    def send() -> TestResponse:
        token = TOKEN.search(owner.get(url).get_data(as_text=True))
        assert token
        return owner.post(
            url,
            data={
                "csrf_token": token.group(1),
                "shape": "long",
                "upload": (io.BytesIO(content), "answers.csv"),
            },
            content_type="multipart/form-data",
        )

    res = send()
    assert res.status_code == 302 and res.headers["Location"] == url
    people = counts(app, aid)
    assert people[0] == 3
    shown = owner.get(url).get_data(as_text=True)
    assert "Imported 3 respondents from answers.csv." in shown
    assert "<code>W1</code>" in shown and 'enctype="multipart/form-data"' not in shown
    # a reload: the upload form again, no report, nothing imported twice
    reload = owner.get(url).get_data(as_text=True)
    assert "Imported 3 respondents" not in reload and 'enctype="multipart/form-data"' in reload
    assert counts(app, aid) == people
    # the same file sent again is refused with the reason; still three people
    twice = send()
    assert twice.status_code == 400
    assert "Nothing was imported." in twice.get_data(as_text=True)
    assert counts(app, aid) == people


def _rows(app: Flask, model: type[Any], *where: Any) -> list[Any]:
    with app.app_context():
        with unscoped(_db.session()):
            rows: list[Any] = list(_db.session.scalars(select(model).where(*where)))
            _db.session.expunge_all()
        _db.session.remove()
    return rows


def test_a_new_api_token_redirects_and_is_shown_once(owner: FlaskClient, app: Flask) -> None:
    url = "/settings/api-tokens"
    data = {"name": "Power BI nightly", **_form(owner, url)}
    res = owner.post(url, data=data)
    assert res.status_code == 302
    shown_at = res.headers["Location"]
    assert re.fullmatch(r"/settings/api-tokens/\d+/created", shown_at), shown_at
    assert len(_rows(app, ApiToken)) == 1

    # the token waits in the session encrypted: neither the cookie nor what it holds reads it
    token, raw = _secret_shown_once(
        app, owner, shown_at, SECRET, "Your new token “Power BI nightly”"
    )
    assert token[4:20] not in raw  # not even a part of it

    # a reload of the page: the token is gone, the page says how to get a new one
    again = owner.get(shown_at)
    assert again.status_code == 302 and again.headers["Location"] == url
    listing = owner.get(url).get_data(as_text=True)
    assert "shown only once" in listing and "revoke it and create a new one" in listing
    assert token not in listing and "shk_" in listing  # the prefix only, in the list
    assert len(_rows(app, ApiToken)) == 1

    # the same form sent again (back button, then "Create token" again): still one token
    twice = owner.post(url, data=data, follow_redirects=True)
    assert twice.status_code == 200
    assert "no second token was created" in twice.get_data(as_text=True)
    assert token not in twice.get_data(as_text=True)
    assert len(_rows(app, ApiToken)) == 1
    assert len(_rows(app, AuditEntry, AuditEntry.event == "api_token.created")) == 1
    # the token works
    assert app.test_client().get("/api/v1/clients", headers=bearer(token)).status_code == 200


def test_a_refused_token_form_can_be_corrected_and_a_forged_one_creates_nothing(
    owner: FlaskClient, app: Flask
) -> None:
    url = "/settings/api-tokens"
    hidden = _form(owner, url)
    blank = owner.post(url, data={"name": "   ", **hidden})
    assert blank.status_code == 400 and not _rows(app, ApiToken)
    assert f'value="{hidden["once"]}"' in blank.get_data(as_text=True)  # the same form again
    res = owner.post(url, data={"name": "CRM sync", **hidden})
    assert res.status_code == 302 and "/created" in res.headers["Location"]
    assert len(_rows(app, ApiToken)) == 1
    forged = owner.post(url, data={"name": "CRM sync", **hidden, "once": "made-up-value"})
    assert forged.status_code == 302 and forged.headers["Location"] == url
    assert len(_rows(app, ApiToken)) == 1
    # no such token: not found (and the page of a token whose secret is not kept redirects)
    assert owner.get("/settings/api-tokens/999/created").status_code == 404
    shown_at = res.headers["Location"]
    assert owner.get(shown_at).status_code == 200
    other = owner.get(shown_at)
    assert other.status_code == 302 and other.headers["Location"] == url


def _recovery_hashes(app: Flask) -> set[str]:
    return {r.code_hash for r in _rows(app, MfaRecoveryCode)}


def test_turning_two_factor_on_redirects_and_shows_the_codes_once(
    owner: FlaskClient, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mfa, "_clock", lambda: T0)
    url = "/account/two-factor"
    page = owner.get(url).get_data(as_text=True)
    secret, csrf = SECRET_ON_PAGE.search(page), TOKEN.search(page)
    assert secret and csrf and 'name="step" type="hidden" value="enrol"' in page
    data = {"csrf_token": csrf.group(1), "step": "enrol", "code": code_at(secret.group(1), T0)}
    cookie_name = app.config.get("SESSION_COOKIE_NAME", "session")
    before = owner.get_cookie(cookie_name)
    assert before is not None

    res = owner.post(url, data=data)
    assert res.status_code == 302
    shown_at = res.headers["Location"]
    assert shown_at == "/account/two-factor/recovery-codes"
    stored = _recovery_hashes(app)
    assert len(stored) == 10

    raw, held = _session_cookie(app, owner)
    shown = owner.get(shown_at)
    assert shown.status_code == 200 and shown.headers["Cache-Control"] == "no-store"
    codes = RECOVERY_ON_PAGE.findall(shown.get_data(as_text=True))
    assert len(codes) == 10
    for code in codes:
        assert code not in raw and code not in repr(held) and code not in shown_at
        assert code.replace("-", "") not in raw

    # a reload: the codes are gone, the page says how to get new ones, nothing is sent again
    again = owner.get(shown_at)
    assert again.status_code == 302 and again.headers["Location"] == url
    follow = owner.get(url).get_data(as_text=True)
    assert "shown only once" in follow and "set it up again" in follow
    assert "Two-factor sign-in is on" in follow
    assert not any(code in follow for code in codes)
    assert "not valid" not in follow
    assert _recovery_hashes(app) == stored

    # the enrolment form sent again after it went through (back button, "Continue"): its
    # form expired with the new sign-in; nothing is made, two-factor stays on
    resent = owner.post(url, data=data)
    assert resent.status_code == 400
    assert not any(code in resent.get_data(as_text=True) for code in codes)
    # ... and sent twice at once (a double click: the second request still carries the
    # session from before the first answer): "already on", no new codes, not turned off
    owner.set_cookie(cookie_name, before.value)
    double = owner.post(url, data=data)
    assert double.status_code == 302 and double.headers["Location"] == url
    text = owner.get(url).get_data(as_text=True)
    assert "already on; no new recovery codes were made" in text
    assert "not valid" not in text
    assert _recovery_hashes(app) == stored
    assert len(_rows(app, AuditEntry, AuditEntry.event == "mfa.enrolled")) == 1
    assert not _rows(app, AuditEntry, AuditEntry.event == "mfa.disabled")
