"""Owners change members' roles on the members page; the workspace keeps an owner; every
change and every removal is in the audit trail (issue 17: "member and role changes")."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from assessment.db.models import AuditEntry, MemberRole, Membership, User
from assessment.db.tenancy import unscoped
from assessment.extensions import db
from assessment.services import accounts
from assessment.services.actor import Actor
from assessment.services.errors import Conflict, NotFound, PermissionDenied
from tests.web.conftest import OWNER, csrf_token, post_form
from tests.web.invitations import invite_member

CORA = ("Cora Consultant", "cora@acme-consulting.eu", "consultant pass 1")


def _session() -> Any:
    return db.session


def _user_id(app: Flask, email: str) -> int:
    with app.app_context(), unscoped(_session()):
        user_id = db.session.scalar(select(User.id).where(User.email == email))
        db.session.remove()
    assert user_id is not None
    return int(user_id)


def _role(app: Flask, user_id: int, workspace_id: int = 1) -> MemberRole:
    with app.app_context(), unscoped(_session()):
        role = db.session.scalar(
            select(Membership.role).where(
                Membership.user_id == user_id, Membership.workspace_id == workspace_id
            )
        )
        db.session.remove()
    assert role is not None
    return role


def _events(app: Flask, name: str) -> list[AuditEntry]:
    with app.app_context(), unscoped(_session()):
        rows = list(
            db.session.scalars(
                select(AuditEntry).where(AuditEntry.event == name).order_by(AuditEntry.id)
            )
        )
        db.session.expunge_all()
        db.session.remove()
        return rows


def _change(client: FlaskClient, user_id: int, role: str) -> Any:
    return post_form(
        client, f"/settings/members/{user_id}/role", {"role": role}, form_url="/settings/members"
    )


def _page(client: FlaskClient, url: str = "/settings/members") -> str:
    return html.unescape(client.get(url).get_data(as_text=True))


def test_owner_changes_a_role_and_it_is_recorded(owner: FlaskClient, app: Flask) -> None:
    cora = invite_member(owner, *CORA)
    cora_id = _user_id(app, CORA[1])
    page = _page(owner)
    # A confirmed form per member, the current role chosen.
    assert f'action="/settings/members/{cora_id}/role"' in page
    assert "Change the role of Cora Consultant?" in page
    assert re.search(
        rf'id="role-{cora_id}" name="role">.*?<option value="consultant" selected>', page
    )
    assert cora.get("/clients/new").status_code == 200

    res = _change(owner, cora_id, "viewer")
    assert res.status_code == 302 and res.headers["Location"].endswith("/settings/members")
    assert "Cora Consultant is now a viewer." in _page(owner)
    assert _role(app, cora_id) is MemberRole.VIEWER
    # Her next request works with the new role: no new client for a viewer.
    assert cora.get("/clients/new").status_code == 403
    (entry,) = _events(app, "member.role_changed")
    assert (entry.actor_label, entry.target, entry.ip) == (
        OWNER["email"],
        f"user:{cora_id}",
        "127.0.0.1",
    )
    assert entry.details == {"email": CORA[1], "old": "consultant", "new": "viewer"}

    # Made an owner, she manages members herself; the trail has both changes.
    _change(owner, cora_id, "owner")
    assert "Cora Consultant is now an owner." in _page(owner)
    assert cora.get("/settings/members").status_code == 200
    assert [(e.details["old"], e.details["new"]) for e in _events(app, "member.role_changed")] == [
        ("consultant", "viewer"),
        ("viewer", "owner"),
    ]
    # Choosing the role a member already has changes and records nothing.
    _change(owner, cora_id, "owner")
    assert len(_events(app, "member.role_changed")) == 2
    # The audit page filters by the event.
    page = _page(owner, "/settings/audit?event=member.role_changed")
    assert '<option selected value="member.role_changed">' in page
    assert "2 entries" in page


def test_the_last_owner_cannot_be_demoted(owner: FlaskClient, app: Flask) -> None:
    owner_id = _user_id(app, OWNER["email"])
    res = _change(owner, owner_id, "consultant")
    assert res.status_code == 302 and res.headers["Location"].endswith("/settings/members")
    assert "the workspace needs an owner: make another member an owner first" in _page(owner)
    assert _role(app, owner_id) is MemberRole.OWNER
    assert _events(app, "member.role_changed") == []

    # With a second owner, an owner may step down; the members page is then closed to them.
    invite_member(owner, *CORA, role="owner")
    res = _change(owner, owner_id, "consultant")
    assert res.status_code == 302 and res.headers["Location"].endswith("/")
    assert _role(app, owner_id) is MemberRole.CONSULTANT
    assert owner.get("/settings/members").status_code == 403
    (entry,) = _events(app, "member.role_changed")
    assert entry.details == {"email": OWNER["email"], "old": "owner", "new": "consultant"}


def test_only_owners_change_roles_and_the_form_is_checked(owner: FlaskClient, app: Flask) -> None:
    cora = invite_member(owner, *CORA)
    owner_id = _user_id(app, OWNER["email"])
    cora_id = _user_id(app, CORA[1])
    # A consultant is refused, with a valid CSRF token of her own.
    token = csrf_token(cora, "/clients/new")
    res = cora.post(
        f"/settings/members/{owner_id}/role", data={"csrf_token": token, "role": "viewer"}
    )
    assert res.status_code == 403
    res = cora.post(
        f"/settings/members/{cora_id}/role", data={"csrf_token": token, "role": "owner"}
    )
    assert res.status_code == 403
    # Without a CSRF token nothing happens, nor with a role that is not offered.
    res = owner.post(f"/settings/members/{cora_id}/role", data={"role": "viewer"})
    assert res.status_code == 400
    res = _change(owner, cora_id, "admin")
    assert res.status_code == 302
    assert "choose one of the roles offered" in _page(owner)
    # Someone who is not a member of this workspace is not found.
    assert _change(owner, 9999, "viewer").status_code == 404
    assert _change(owner, 9999, "admin").status_code == 404
    assert owner.get(f"/settings/members/{cora_id}/role").status_code == 405
    assert _role(app, owner_id) is MemberRole.OWNER
    assert _role(app, cora_id) is MemberRole.CONSULTANT
    assert _events(app, "member.role_changed") == []


def test_two_owners_cannot_demote_each_other(owner: FlaskClient, app: Flask) -> None:
    """The actor's role is checked again inside the transaction: an owner demoted a moment
    ago (whose request still carries the owner role) cannot demote the last owner."""
    invite_member(owner, *CORA, role="owner")
    owner_id = _user_id(app, OWNER["email"])
    cora_id = _user_id(app, CORA[1])
    olga = Actor(owner_id, 1, MemberRole.OWNER)
    cora = Actor(cora_id, 1, MemberRole.OWNER)
    with app.app_context():
        session = _session()
        change = accounts.change_member_role(session, olga, cora_id, MemberRole.VIEWER)
        assert (change.name, change.old, change.new) == (
            CORA[0],
            MemberRole.OWNER,
            MemberRole.VIEWER,
        )
        with pytest.raises(PermissionDenied):
            accounts.change_member_role(session, cora, owner_id, MemberRole.VIEWER)
        with pytest.raises(Conflict):
            accounts.change_member_role(session, olga, owner_id, MemberRole.VIEWER)
        with pytest.raises(NotFound):
            accounts.change_member_role(session, olga, 9999, MemberRole.VIEWER)
        session.remove()
    assert _role(app, owner_id) is MemberRole.OWNER
    assert len(_events(app, "member.role_changed")) == 1


def test_removing_a_member_is_recorded(owner: FlaskClient, app: Flask) -> None:
    invite_member(owner, "Vic Viewer", "vic@acme-consulting.eu", "viewer pass 12", "viewer")
    vic_id = _user_id(app, "vic@acme-consulting.eu")
    res = post_form(owner, f"/settings/members/{vic_id}/remove", {}, form_url="/settings/members")
    assert res.status_code == 302
    (entry,) = _events(app, "member.removed")
    assert (entry.actor_label, entry.target, entry.ip) == (
        OWNER["email"],
        f"user:{vic_id}",
        "127.0.0.1",
    )
    assert entry.details == {"email": "vic@acme-consulting.eu", "role": "viewer"}
