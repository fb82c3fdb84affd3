"""Workspace isolation: another workspace's ids answer 404; viewers cannot change anything."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from assessment.db.models import Client, MemberRole
from assessment.db.tenancy import TenancyError, bind_workspace
from assessment.services import accounts
from tests.web.conftest import add_people, new_assessment, new_client, post_form


def _second_workspace(app: Flask) -> FlaskClient:
    from assessment.db import write_transaction
    from assessment.db.models import Membership, Workspace
    from assessment.db.tenancy import unscoped
    from assessment.extensions import db

    with app.app_context():
        s = db.session
        with unscoped(s), write_transaction(s):
            ws = Workspace(name="Rival Partners")
            s.add(ws)
        user = accounts.add_member(
            s, ws.id, "Rita Rival", "rita@rival-partners.eu", "rival password 123", MemberRole.OWNER
        )
        with unscoped(s):
            assert s.scalar(select(Membership).where(Membership.user_id == user.id)) is not None
        db.session.remove()
    c = app.test_client()
    res = post_form(
        c, "/login", {"email": "rita@rival-partners.eu", "password": "rival password 123"}
    )
    assert res.status_code == 302
    return c


def test_other_workspace_ids_are_404(owner: FlaskClient, app: Flask) -> None:
    cid = new_client(owner, "Secret Client")
    aid = new_assessment(owner, cid)
    add_people(owner, aid, "Ann, , sales_rep")
    rival = _second_workspace(app)
    for url in (
        f"/clients/{cid}",
        f"/clients/{cid}/edit",
        f"/assessments/{aid}",
        f"/assessments/{aid}/results",
        f"/assessments/{aid}/settings",
    ):
        assert rival.get(url).status_code == 404, url
    for url in (
        f"/assessments/{aid}/status",
        f"/assessments/{aid}/links",
        f"/assessments/{aid}/respondents/1/revoke",
    ):
        res = post_form(rival, url, {"status": "open"}, form_url="/")
        assert res.status_code == 404, url
    assert "Secret Client" not in rival.get("/").get_data(as_text=True)
    assert "Secret Client" not in rival.get("/clients/").get_data(as_text=True)


def test_unbound_session_cannot_read_workspace_data(owner: FlaskClient, app: Flask) -> None:
    new_client(owner, "Hidden")
    from assessment.extensions import db

    with app.app_context():
        bind_workspace(db.session, None)
        with pytest.raises(TenancyError):
            db.session.scalars(select(Client)).all()


def test_bound_session_sees_only_its_workspace(owner: FlaskClient, app: Flask) -> None:
    new_client(owner, "Mine")
    _second_workspace(app)
    from assessment.extensions import db

    with app.app_context():
        bind_workspace(db.session, 2)
        assert db.session.scalars(select(Client)).all() == []
        bind_workspace(db.session, 1)
        assert [c.name for c in db.session.scalars(select(Client))] == ["Mine"]


def test_viewer_is_read_only(owner: FlaskClient, app: Flask) -> None:
    cid = new_client(owner)
    aid = new_assessment(owner, cid)
    from assessment.extensions import db

    with app.app_context():
        accounts.add_member(
            db.session,
            1,
            "Vera Viewer",
            "vera@acme-consulting.eu",
            "viewer password 1",
            MemberRole.VIEWER,
        )
        db.session.remove()
    viewer = app.test_client()
    assert (
        post_form(
            viewer, "/login", {"email": "vera@acme-consulting.eu", "password": "viewer password 1"}
        ).status_code
        == 302
    )
    assert viewer.get(f"/assessments/{aid}/results").status_code == 200
    assert viewer.get("/clients/new").status_code == 403
    assert (
        post_form(
            viewer, f"/assessments/{aid}/status", {"status": "open"}, form_url="/"
        ).status_code
        == 403
    )
    assert post_form(viewer, f"/assessments/{aid}/links", {}, form_url="/").status_code == 403
    page = viewer.get(f"/assessments/{aid}").get_data(as_text=True)
    assert "Add a respondent" not in page
