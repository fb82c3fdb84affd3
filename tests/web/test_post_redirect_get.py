"""Post/redirect/get on the forms that create something (issue 16, item 2): a new share link
and an answers import answer with a redirect, so reloading the result page sends nothing
again; the same form sent twice creates one link; a new link's address is shown once, is
never in a URL and is not readable in the session cookie."""

from __future__ import annotations

import io
import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from assessment.db.models import ShareLink
from assessment.db.tenancy import unscoped
from assessment.extensions import db as _db
from tests.web.conftest import TOKEN, new_assessment, new_client
from tests.web.guests import ONCE, SHARE_URL
from tests.web.test_data_exchange import counts, long_csv, synthetic

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
    raw, held = _session_cookie(app, owner)
    page = owner.get(shown_at)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    found = SHARE_URL.search(html)
    assert found and "Share link created" in html
    token = found.group(1).removeprefix("/s/")
    assert token not in raw and token not in repr(held) and token not in shown_at

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
