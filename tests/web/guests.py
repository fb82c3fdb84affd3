"""Test helpers for client guest access: a share link made through the consultant's form,
and a browser that entered it with the password."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from tests.web.conftest import post_form

GUEST_PASSWORD = "guest password 1"
ONCE = re.compile(r'name="once" type="hidden" value="([^"]+)"')
SHARE_URL = re.compile(r'value="http://localhost(/s/[A-Za-z0-9_\-]+)"')


def share_link(
    owner: FlaskClient,
    client_id: int,
    password: str = GUEST_PASSWORD,
    days: int = 30,
    label: str = "Anna Nowak, VP Sales",
) -> str:
    """Create a share link for a client through the form; the path of the link."""
    page = created_page(owner, client_id, password, days, label)
    found = SHARE_URL.search(page)
    assert found, page[:2000]
    return found.group(1)


def created_page(
    owner: FlaskClient,
    client_id: int,
    password: str = GUEST_PASSWORD,
    days: int = 30,
    label: str = "",
) -> str:
    """Send the new share link form as a browser does (with its one-time value) and follow
    the redirect to the page that shows the new link once; that page's HTML."""
    url = f"/clients/{client_id}/share-links/new"
    form = owner.get(url).get_data(as_text=True)
    once = ONCE.search(form)
    assert once, form[:2000]
    data = {"label": label, "password": password, "confirm": password, "days": days}
    res = post_form(owner, url, {**data, "once": once.group(1)})
    assert res.status_code == 302, res.status_code  # post/redirect/get
    return str(owner.get(res.headers["Location"]).get_data(as_text=True))


def enter_as_guest(app: Flask, link: str, password: str = GUEST_PASSWORD) -> FlaskClient:
    """A new browser that opened ``link`` and gave the password (a guest session)."""
    guest = app.test_client()
    res = post_form(guest, link, {"password": password})
    assert res.status_code == 302 and res.headers["Location"].endswith("/guest/"), res.status_code
    return guest
