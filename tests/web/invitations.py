"""Test helper: add a member the way the product does, by invitation.

The owner invites an address (without SMTP the members page shows the invitation link), and
the invitee opens the link in their own browser and sets their name and password.
"""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from tests.web.conftest import post_form

INVITE_LINK = re.compile(r'value="http://localhost(/invitations/[A-Za-z0-9_\-]+)"')


def invitation_link(owner: FlaskClient, email: str, role: str = "consultant") -> str:
    """Invite ``email`` as ``role`` (no SMTP configured); the path of the invitation link."""
    res = post_form(owner, "/settings/members", {"email": email, "role": role})
    assert res.status_code == 200, res.status_code
    found = INVITE_LINK.search(res.get_data(as_text=True))
    assert found, res.get_data(as_text=True)[:2000]
    return found.group(1)


def accept(invitee: FlaskClient, link: str, name: str, password: str) -> None:
    """Set the invitee's name and password on the invitation page; they are signed in."""
    res = post_form(invitee, link, {"name": name, "password": password, "confirm": password})
    assert res.status_code == 302, res.get_data(as_text=True)[:2000]


def invite_member(
    owner: FlaskClient, name: str, email: str, password: str, role: str = "consultant"
) -> FlaskClient:
    """Invite a member and accept in a browser of their own; returns that signed-in browser."""
    invitee = owner.application.test_client()
    accept(invitee, invitation_link(owner, email, role), name, password)
    return invitee
