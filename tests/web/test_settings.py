"""Owner settings: members and report branding (logo type-checked, size-limited, sanitized)."""

from __future__ import annotations

import io

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from assessment.db.models import Workspace
from assessment.db.tenancy import unscoped
from tests.web.conftest import csrf_token, post_form
from tests.web.invitations import invite_member

EVIL_SVG = b"""<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="120" height="40" onload="alert(1)">
<script>alert(2)</script><image xlink:href="file:///etc/passwd" width="10" height="10"/>
<rect width="120" height="40" fill="#1f4e79"/></svg>"""


def _workspace(app: Flask) -> Workspace:
    from assessment.extensions import db

    with app.app_context(), unscoped(db.session):
        ws = db.session.scalar(select(Workspace))
        assert ws is not None
        db.session.expunge(ws)
        return ws


def test_owner_adds_a_consultant_who_can_sign_in(owner: FlaskClient, app: Flask) -> None:
    invite_member(owner, "Cora Consultant", "cora@acme-consulting.eu", "consultant pass 1")
    assert "cora@acme-consulting.eu" in owner.get("/settings/members").get_data(as_text=True)
    cora = app.test_client()
    assert (
        post_form(
            cora, "/login", {"email": "cora@acme-consulting.eu", "password": "consultant pass 1"}
        ).status_code
        == 302
    )
    assert cora.get("/settings/members").status_code == 403
    assert cora.get("/settings/branding").status_code == 403
    assert cora.get("/clients/new").status_code == 200


def test_inviting_a_member_of_this_workspace_is_refused(owner: FlaskClient) -> None:
    res = post_form(
        owner, "/settings/members", {"email": "owner@acme-consulting.eu", "role": "viewer"}
    )
    assert res.status_code == 200
    assert "already a member of this workspace" in res.get_data(as_text=True)


def test_removed_member_is_signed_out(owner: FlaskClient, app: Flask) -> None:
    invite_member(owner, "Vic", "vic@acme-consulting.eu", "viewer pass 12", "viewer")
    vic = app.test_client()
    post_form(vic, "/login", {"email": "vic@acme-consulting.eu", "password": "viewer pass 12"})
    assert vic.get("/").status_code == 200
    page = owner.get("/settings/members").get_data(as_text=True)
    import re

    uid = re.findall(r"/settings/members/(\d+)/remove", page)[0]
    assert (
        post_form(
            owner, f"/settings/members/{uid}/remove", {}, form_url="/settings/members"
        ).status_code
        == 302
    )
    assert vic.get("/").status_code == 302


def test_branding_saves_and_sanitizes_svg_logo(owner: FlaskClient, app: Flask) -> None:
    token = csrf_token(owner, "/settings/branding")
    res = owner.post(
        "/settings/branding",
        data={
            "csrf_token": token,
            "firm_name": "Acme <b>Partners</b>",
            "primary_color": "#aa3300",
            "footer_text": "Confidential",
            "logo": (io.BytesIO(EVIL_SVG), "logo.svg"),
        },
        content_type="multipart/form-data",
    )
    assert res.status_code == 302, res.get_data(as_text=True)
    ws = _workspace(app)
    assert ws.firm_name == "Acme <b>Partners</b>" and ws.primary_color == "#aa3300"
    assert ws.logo_mime == "image/svg+xml" and ws.logo is not None
    assert b"<script" not in ws.logo and b"onload" not in ws.logo and b"file:" not in ws.logo


def test_branding_rejects_bad_logo_and_colour_and_keeps_what_was_saved(
    owner: FlaskClient, app: Flask
) -> None:
    token = csrf_token(owner, "/settings/branding")
    res = owner.post(
        "/settings/branding",
        data={
            "csrf_token": token,
            "firm_name": "Acme",
            "primary_color": "#123456",
            "footer_text": "",
            "logo": (io.BytesIO(b"GIF89a not a png"), "logo.png"),
        },
        content_type="multipart/form-data",
    )
    assert res.status_code == 200
    assert "logo.png: the logo is not a PNG or SVG file" in res.get_data(as_text=True)
    assert _workspace(app).primary_color == "#1f4e79"  # nothing saved
    res = post_form(
        owner,
        "/settings/branding",
        {"firm_name": "Acme", "primary_color": "red", "footer_text": ""},
    )
    assert res.status_code == 200 and "#1f4e79" in res.get_data(as_text=True)
    big = b"\x89PNG\r\n\x1a\n" + b"\0" * (700 * 1024)
    token = csrf_token(owner, "/settings/branding")
    res = owner.post(
        "/settings/branding",
        data={
            "csrf_token": token,
            "firm_name": "Acme",
            "primary_color": "#123456",
            "footer_text": "",
            "logo": (io.BytesIO(big), "big.png"),
        },
        content_type="multipart/form-data",
    )
    assert res.status_code == 200 and "the limit is 512 KB" in res.get_data(as_text=True)
    assert _workspace(app).logo is None
