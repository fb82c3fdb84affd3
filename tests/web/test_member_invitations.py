"""Members join by invitation and set their own password (issue 16, item 14); the owner's
answer never tells whether an address has an account elsewhere (hostile run, finding 4)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from assessment.db import write_transaction
from assessment.db.models import (
    AuditEntry,
    MemberInvitation,
    MemberRole,
    Membership,
    User,
    Workspace,
)
from assessment.db.tenancy import bind_workspace, unscoped
from assessment.extensions import db
from assessment.services import accounts, member_invites, mfa
from assessment.services.actor import Actor
from assessment.services.errors import Invalid
from tests.web.conftest import OWNER, post_form
from tests.web.invitations import INVITE_LINK, accept, invitation_link
from tests.web.test_invites_and_self import _Collect, smtp_server  # noqa: F401  (fixture)

RIVAL = {"email": "rita@rival-partners.eu", "password": "rival password 123"}


def _rival_workspace(app: Flask) -> int:
    """A second workspace whose owner has an account with RIVAL's address."""
    with app.app_context():
        s = db.session
        with unscoped(s), write_transaction(s):
            ws = Workspace(name="Rival Partners")
            s.add(ws)
        accounts.add_member(
            s, ws.id, "Rita Rival", RIVAL["email"], RIVAL["password"], MemberRole.OWNER
        )
        workspace_id = ws.id
        s.remove()
    return workspace_id


def _events(app: Flask, name: str) -> list[AuditEntry]:
    with app.app_context(), unscoped(db.session):
        rows = list(
            db.session.scalars(
                select(AuditEntry).where(AuditEntry.event == name).order_by(AuditEntry.id)
            )
        )
        db.session.expunge_all()
        return rows


def _invite(owner: FlaskClient, email: str) -> Any:
    """Post the members form as the old one was filled in (name and password included:
    the old form required them, the new one ignores them)."""
    return post_form(
        owner,
        "/settings/members",
        {"name": "Some One", "email": email, "password": "initial password 1", "role": "viewer"},
    )


def _invited_card(html: str, email: str) -> str:
    """The answer to the invitation (the card above the members list), address and token
    replaced; the rest of the page lists the pending invitations so far."""
    card = html.split('<section class="card" aria-labelledby="invited-title">', 1)[1]
    card = card.split("</section>", 1)[0].replace(email, "EMAIL")
    return re.sub(r"/invitations/[A-Za-z0-9_\-]+", "/invitations/TOKEN", card)


def test_owner_gets_the_same_answer_for_an_address_registered_elsewhere(
    owner: FlaskClient, app: Flask
) -> None:
    """Finding 4: before, the address of another workspace's member got "a user with this
    e-mail already exists" (200) and an unknown one "Member added." (302)."""
    _rival_workspace(app)
    taken = _invite(owner, RIVAL["email"])
    fresh = _invite(owner, "nobody-yet@example.eu")
    assert (taken.status_code, fresh.status_code) == (200, 200)
    taken_html = taken.get_data(as_text=True)
    assert "already exists" not in taken_html
    assert _invited_card(taken_html, RIVAL["email"]) == _invited_card(
        fresh.get_data(as_text=True), "nobody-yet@example.eu"
    )
    assert INVITE_LINK.search(taken_html)
    # Nothing about the rival account was touched, and nobody joined yet.
    with app.app_context(), unscoped(db.session):
        rita = db.session.scalar(select(User).where(User.email == RIVAL["email"]))
        assert rita is not None and len(rita.memberships) == 1


def test_with_smtp_the_answer_is_the_same_too(
    owner: FlaskClient,
    app: Flask,
    smtp_server: tuple[int, _Collect],  # noqa: F811
) -> None:
    port, handler = smtp_server
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, MAIL_FROM="team@acme-consulting.eu")
    _rival_workspace(app)
    answers = []
    for email in (RIVAL["email"], "nobody-yet@example.eu"):
        res = _invite(owner, email)
        assert res.status_code == 302 and res.headers["Location"].endswith("/settings/members")
        page = owner.get("/settings/members").get_data(as_text=True)
        flash = re.search(r'<div class="flash flash-success"[^>]*>([^<]*)</div>', page)
        assert flash, page
        answers.append(flash.group(1).replace(email, "EMAIL"))
    assert answers == ["Invitation sent to EMAIL."] * 2
    assert [m.rcpt_tos for m in handler.messages] == [[RIVAL["email"]], ["nobody-yet@example.eu"]]
    mail = message_from_bytes(handler.messages[1].content, policy=policy.default)
    assert mail["Subject"] == "Invitation to Acme Consulting on saleshealth"
    body = mail.get_content()
    assert "Olga Owner invites you to the workspace Acme Consulting" in body
    link = re.search(r"http://localhost(/invitations/[A-Za-z0-9_\-]+)", body)
    assert link, body
    invitee = app.test_client()
    accept(invitee, link.group(1), "Nora New", "her own password 1")
    assert invitee.get("/clients/").status_code == 200


def test_invitee_sets_their_own_password_once(owner: FlaskClient, app: Flask) -> None:
    link = invitation_link(owner, "cora@acme-consulting.eu", "consultant")
    assert "cora@acme-consulting.eu" in owner.get("/settings/members").get_data(as_text=True)
    invitee = app.test_client()
    page = invitee.get(link).get_data(as_text=True)
    assert "Join Acme Consulting" in page and 'name="password"' in page
    short = post_form(invitee, link, {"name": "Cora", "password": "short", "confirm": "short"})
    assert short.status_code == 200
    accept(invitee, link, "Cora Consultant", "cora's own password")
    assert invitee.get("/clients/new").status_code == 200  # signed in, as a consultant
    assert app.test_client().get(link).status_code == 404  # used: not valid any more
    again = app.test_client()
    res = post_form(
        again, "/login", {"email": "cora@acme-consulting.eu", "password": "cora's own password"}
    )
    assert res.status_code == 302
    invited = _events(app, "member.invited")
    joined = _events(app, "member.joined")
    assert invited[0].details == {"email": "cora@acme-consulting.eu", "role": "consultant"}
    assert invited[0].actor_label == OWNER["email"]
    assert (
        joined[0].actor_label == "cora@acme-consulting.eu"
        and joined[0].details["role"] == "consultant"
    )
    with app.app_context(), unscoped(db.session):
        row = db.session.scalar(select(MemberInvitation))
        assert row is not None and row.accepted_at is not None
        token = link.rsplit("/", 1)[1]
        assert len(token) >= 43 and token not in row.token_hash


def test_existing_user_signs_in_and_joins(owner: FlaskClient, app: Flask) -> None:
    rival_ws = _rival_workspace(app)
    link = invitation_link(owner, RIVAL["email"], "viewer")
    rita = app.test_client()
    page = rita.get(link).get_data(as_text=True)
    assert "already has a saleshealth account" in page and 'name="password"' not in page
    login = re.search(r'href="(/login\?next=[^"]+)"', page)
    assert login, page
    res = post_form(rita, login.group(1).replace("&amp;", "&"), RIVAL)
    assert res.status_code == 302 and res.headers["Location"] == link
    res = post_form(rita, link, {})
    assert res.status_code == 302
    home = rita.get("/").get_data(as_text=True)
    assert "Acme Consulting" in home and "Rival Partners" in home  # the workspace switch
    assert rita.get("/settings/members").status_code == 403  # a viewer in Acme
    # Switching to her own workspace, where she is the owner.
    token = re.search(r'name="csrf_token" value="([^"]+)"', home)
    assert token
    res = rita.post(
        "/account/workspace", data={"csrf_token": token.group(1), "workspace": rival_ws}
    )
    assert res.status_code == 302
    assert rita.get("/settings/members").status_code == 200
    res = rita.post("/account/workspace", data={"csrf_token": token.group(1), "workspace": 999})
    assert res.status_code == 404
    # Removed from Acme, she keeps her account and her own workspace.
    members = owner.get("/settings/members").get_data(as_text=True)
    with app.app_context(), unscoped(db.session):
        rita_id = db.session.scalar(select(User.id).where(User.email == RIVAL["email"]))
    res = post_form(owner, f"/settings/members/{rita_id}/remove", {}, form_url="/settings/members")
    assert res.status_code == 302 and members
    again = app.test_client()
    assert post_form(again, "/login", RIVAL).status_code == 302
    assert "Rival Partners" in again.get("/").get_data(as_text=True)


def test_invitation_for_someone_else_is_not_accepted_by_the_signed_in_user(
    owner: FlaskClient, app: Flask
) -> None:
    _rival_workspace(app)
    link = invitation_link(owner, RIVAL["email"], "viewer")
    page = owner.get(link).get_data(as_text=True)  # the owner, signed in as someone else
    assert "sign out first" in page and "Join the workspace" not in page
    res = post_form(owner, link, {}, form_url="/")
    assert res.status_code == 200
    with app.app_context(), unscoped(db.session):
        assert db.session.scalar(select(MemberInvitation.accepted_at)) is None


def test_withdrawn_and_expired_invitations_do_not_open(owner: FlaskClient, app: Flask) -> None:
    link = invitation_link(owner, "late@acme-consulting.eu", "viewer")
    page = owner.get("/settings/members").get_data(as_text=True)
    revoke = re.search(r"/settings/invitations/(\d+)/revoke", page)
    assert revoke
    assert post_form(owner, revoke.group(0), {}, form_url="/settings/members").status_code == 302
    gone = app.test_client().get(link)
    assert gone.status_code == 404 and "This invitation is not valid" in gone.get_data(as_text=True)
    assert len(_events(app, "member.invitation_revoked")) == 1
    with app.app_context():
        s = db.session
        with unscoped(s):
            user_id = s.scalar(select(User.id).where(User.email == OWNER["email"]))
        bind_workspace(s, 1)
        me = Actor(user_id, 1, MemberRole.OWNER)
        old = member_invites.invite(
            s,
            me,
            "old@acme-consulting.eu",
            MemberRole.VIEWER,
            now=datetime.now(UTC) - timedelta(days=8),
        )
        with pytest.raises(Invalid):
            member_invites.invite(s, me, OWNER["email"], MemberRole.VIEWER)
        s.remove()
    assert app.test_client().get(f"/invitations/{old.token}").status_code == 404
    # Inviting the same address again replaces the pending invitation.
    first = invitation_link(owner, "twice@acme-consulting.eu")
    second = invitation_link(owner, "twice@acme-consulting.eu")
    assert app.test_client().get(first).status_code == 404
    assert app.test_client().get(second).status_code == 200


def test_owner_cannot_reset_the_second_factor_of_a_shared_account(
    owner: FlaskClient, app: Flask
) -> None:
    _rival_workspace(app)
    link = invitation_link(owner, RIVAL["email"], "viewer")
    rita = app.test_client()
    post_form(rita, "/login", RIVAL)
    assert post_form(rita, link, {}).status_code == 302
    with app.app_context():
        s = db.session
        with unscoped(s):
            rita_id = s.scalar(select(User.id).where(User.email == RIVAL["email"]))
            owner_id = s.scalar(select(User.id).where(User.email == OWNER["email"]))
            assert rita_id is not None and owner_id is not None
            assert (
                len(list(s.scalars(select(Membership).where(Membership.user_id == rita_id)))) == 2
            )
        bind_workspace(s, 1)
        with pytest.raises(Invalid) as err:
            mfa.reset_member(s, Actor(owner_id, 1, MemberRole.OWNER), rita_id)
        assert err.value.code == "mfa.reset_shared"
        s.remove()
