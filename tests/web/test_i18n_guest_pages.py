"""The client guest's pages, the consultant's share-link pages and the member invitation pages
show no interface string in English once the reader switches the interface language."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.web.conftest import csrf_token
from tests.web.guests import created_page, enter_as_guest, share_link
from tests.web.invitations import invitation_link
from tests.web.test_followups_trends import _chain
from tests.web.test_i18n import LANGS, _english_phrases, catalogue
from tests.web.test_i18n_new_pages import shown_text, without_content


def _check(reader: FlaskClient, pages: dict[str, str]) -> None:
    """Each page shows its marker text in English first (so the scan below means something)."""
    for url, msgid in pages.items():
        assert msgid in shown_text(reader.get(url).get_data(as_text=True)), (
            f"en: {msgid!r} on {url}"
        )


def _switch(reader: FlaskClient, action: str, form_url: str, lang: str) -> None:
    res = reader.post(
        action, data={"csrf_token": csrf_token(reader, form_url), "lang": lang, "next": form_url}
    )
    assert res.status_code == 302, res.status_code


def _translated(reader: FlaskClient, pages: dict[str, str], lang: str) -> None:
    translations = catalogue(lang)
    phrases = _english_phrases(lang)
    for url, msgid in pages.items():
        res = reader.get(url)
        assert res.status_code in (200, 404), f"{lang} {url}: {res.status_code}"
        page = res.get_data(as_text=True)
        assert f'<html lang="{lang}">' in page, url
        text = without_content(shown_text(page))
        assert translations[msgid] in text, f"{lang}: {translations[msgid]!r} not on {url}"
        leaked = [p for p in phrases if p in text]
        assert not leaked, f"{lang} {url}: untranslated interface text: {leaked[:5]}"


@pytest.mark.parametrize("lang", LANGS)
def test_guest_pages_fully_translated(owner: FlaskClient, app: Flask, lang: str) -> None:
    cid, _first, second = _chain(app)
    link = share_link(owner, cid)
    visitor = app.test_client()
    entry = {
        link: "Your consultant has shared the results of an assessment with you. Enter the password they gave you."
    }
    _check(visitor, entry)
    _switch(visitor, "/language", link, lang)
    _translated(visitor, entry, lang)

    guest = enter_as_guest(app, link)
    pages = {
        "/guest/": "About this access",
        f"/guest/assessments/{second}": "Overall health",
        "/guest/trend": "Trend across assessments",
    }
    _check(guest, pages)
    _switch(guest, "/guest/language", "/guest/", lang)
    _translated(guest, pages, lang)
    html = guest.get("/guest/").get_data(as_text=True)
    assert catalogue(lang)["Read-only access until %(date)s"].split("%(date)s")[0].strip() in html


@pytest.mark.parametrize("lang", LANGS)
def test_sharing_and_invitation_pages_fully_translated(
    owner: FlaskClient, app: Flask, lang: str
) -> None:
    cid, _first, _second = _chain(app)
    share_link(owner, cid)
    invitation = invitation_link(owner, "nora@acme-consulting.eu", "viewer")
    pages = {
        f"/clients/{cid}": "Guest access for the client",
        f"/clients/{cid}/share-links/new": "New share link",
        "/settings/members": "Pending invitations",
    }
    _check(owner, pages)
    _switch(owner, "/language", "/", lang)
    _translated(owner, pages, lang)
    created = created_page(owner, cid)
    assert catalogue(lang)["Share link created"] in created

    invitee = app.test_client()
    page = {invitation: "Join the workspace"}
    _check(invitee, page)
    _switch(invitee, "/language", invitation, lang)
    _translated(invitee, page, lang)
