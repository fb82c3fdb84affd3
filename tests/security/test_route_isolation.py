"""Every URL rule of the app, enumerated: workspace A never reaches workspace B's objects.

The test walks ``app.url_map``: for each rule that takes an id it substitutes the ids of
workspace B's objects and requests it, with every method the rule accepts, as an owner of
workspace A. Every answer must be 404 (the object does not exist for A), never 200, 403 or a
redirect that would confirm the id exists. A rule with a parameter this test does not know
fails the test, so a new route cannot slip past it.

A second test signs in a *viewer* of workspace A and sends every state-changing request of
the app to A's own objects: each is refused and no table changes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import inspect, select, text
from werkzeug.routing import Rule

from assessment.core.crm import compute_kpis
from assessment.db import write_transaction
from assessment.db.models import (
    Answer,
    ApiToken,
    Assessment,
    AssessmentStatus,
    Client,
    CrmEvidence,
    ElementComment,
    MemberInvitation,
    MemberRole,
    Membership,
    QuestionnaireVersion,
    ReportJob,
    Respondent,
    ShareLink,
    User,
    VersionMapping,
    Workspace,
)
from assessment.db.tenancy import bind_workspace, unscoped
from assessment.extensions import db as _db
from assessment.io.opportunities import read_opportunities
from assessment.services import accounts
from assessment.services.questionnaires import publish_shipped
from tests.web.conftest import OWNER, post_form

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
CRM_SAMPLE = Path(__file__).resolve().parents[1] / "data" / "crm" / "hubspot.csv"
SAMPLE_KPIS = compute_kpis(
    read_opportunities(CRM_SAMPLE).opportunities, as_of=dt.date(2026, 11, 1)
).to_dict()

# Endpoints that take no workspace object: respondent pages are bound to the respondent's
# own session (tested in tests/web/test_respond.py), ``static`` serves packaged files, a
# share link's password step and a member invitation take their own secret token (tested in
# tests/web/test_guest_access.py and tests/web/test_member_invitations.py).
NOT_WORKSPACE_OBJECTS = {
    "static",
    "respond.open_link",
    "respond.page",
    "guest.enter",
    "auth.invitation",
}


@dataclass
class Objects:
    """Ids of one workspace's objects, by URL parameter name."""

    ids: dict[str, int]
    api_token: str


def _make_workspace_objects(session: Any, workspace_id: int, label: str) -> Objects:
    """Create one of every kind of workspace object directly in the database."""
    shipped = publish_shipped(session)
    bind_workspace(session, workspace_id)
    raw_token = "shk_" + secrets.token_urlsafe(32)
    with write_transaction(session):
        custom = QuestionnaireVersion(
            workspace_id=workspace_id,
            qid=f"custom-{label}",
            version="1.0.0",
            title=f"Custom {label}",
            content_hash=hashlib.sha256(label.encode()).hexdigest(),
            document={},
            catalogues={},
        )
        client = Client(name=f"Client {label}", industry="Distribution", size_band="51-200")
        session.add_all([custom, client])
        session.flush()
        assessment = Assessment(
            client_id=client.id,
            questionnaire_version_id=shipped.id,
            title=f"Assessment {label}",
            status=AssessmentStatus.OPEN,
        )
        session.add(assessment)
        session.flush()
        respondent = Respondent(
            assessment_id=assessment.id,
            code=f"R{label}",
            role="sales_rep",
            token_hash=hashlib.sha256(label.encode()).hexdigest(),
        )
        session.add(respondent)
        session.flush()
        session.add(
            Answer(
                respondent_id=respondent.id,
                question_id="crm.adoption",
                kind="option",
                value_text="agree",
            )
        )
        session.add(ElementComment(respondent_id=respondent.id, element_id="crm", text="ok"))
        job = ReportJob(assessment_id=assessment.id, status="done", pdf=b"%PDF-1.7 fake", pages=1)
        evidence = CrmEvidence(
            assessment_id=assessment.id, filename="hubspot.csv", row_count=1, kpis=SAMPLE_KPIS
        )
        mapping = VersionMapping(from_version_id=shipped.id, to_version_id=custom.id, mapping={})
        token = ApiToken(
            name=f"token {label}",
            token_hash=hashlib.sha256(raw_token.encode()).hexdigest(),
            prefix=raw_token[:8],
        )
        now = dt.datetime.now(dt.UTC)
        link = ShareLink(
            client_id=client.id,
            label=f"guest {label}",
            token_hash=hashlib.sha256(f"link {label}".encode()).hexdigest(),
            password_hash="scrypt:1024:8:1$x$y",
            expires_at=now + dt.timedelta(days=30),
        )
        invitation = MemberInvitation(
            email=f"invitee-{label.lower()}@example.eu",
            role=MemberRole.CONSULTANT,
            token_hash=hashlib.sha256(f"invitation {label}".encode()).hexdigest(),
            expires_at=now + dt.timedelta(days=7),
        )
        session.add_all([job, evidence, mapping, token, link, invitation])
        session.flush()
        ids = {
            "client_id": client.id,
            "assessment_id": assessment.id,
            "respondent_id": respondent.id,
            "job_id": job.id,
            "evidence_id": evidence.id,
            "mapping_id": mapping.id,
            "token_id": token.id,
            "version_id": custom.id,
            "link_id": link.id,
            "invitation_id": invitation.id,
        }
    return Objects(ids=ids, api_token=raw_token)


def _second_workspace(session: Any) -> tuple[int, int]:
    """Workspace B with an owner and a second member; returns (workspace id, member id)."""
    with unscoped(session), write_transaction(session):
        ws = Workspace(name="Rival Partners")
        session.add(ws)
    accounts.add_member(
        session,
        ws.id,
        "Rita Rival",
        "rita@rival-partners.eu",
        "rival password 123",
        MemberRole.OWNER,
    )
    member = accounts.add_member(
        session,
        ws.id,
        "Max Member",
        "max@rival-partners.eu",
        "member password 123",
        MemberRole.CONSULTANT,
    )
    return ws.id, member.id


@pytest.fixture
def two_workspaces(owner: FlaskClient, app: Flask) -> Iterator[tuple[Objects, Objects]]:
    """Workspace A (signed in as ``owner``) and B, each with one object of every kind."""
    with app.app_context():
        session = _db.session
        a = _make_workspace_objects(session, 1, "A")
        b_ws, b_member = _second_workspace(session)
        b = _make_workspace_objects(session, b_ws, "B")
        b.ids["user_id"] = b_member
        with unscoped(session):
            a_user = session.scalar(select(User).where(User.email == OWNER["email"]))
            assert a_user is not None
            a.ids["user_id"] = a_user.id
        session.remove()
    yield a, b


def _url(rule: Rule, ids: dict[str, int]) -> str:
    """The rule's URL with the given ids; fails on a parameter this test does not know."""
    values: dict[str, Any] = {}
    for arg in rule.arguments - set(rule.defaults or {}):
        if arg not in ids:
            pytest.fail(
                f"route {rule.rule} ({rule.endpoint}) takes <{arg}>: add it to the ids in "
                "tests/security/test_route_isolation.py so its isolation is tested"
            )
        values[arg] = ids[arg]
    return rule.build(values, append_unknown=False)[1]  # type: ignore[index]


def _routes(app: Flask, with_ids: bool) -> list[Rule]:
    rules = [
        r
        for r in app.url_map.iter_rules()
        if r.endpoint not in NOT_WORKSPACE_OBJECTS
        and bool(r.arguments - set(r.defaults or {})) == with_ids
    ]
    assert rules, "no routes found"
    return sorted(rules, key=lambda r: r.rule)


def _csrf(client: FlaskClient) -> str:
    page = client.get("/").get_data(as_text=True)
    match = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page)
    assert match, "no CSRF token on the dashboard"
    return match.group(1)


def _request(client: FlaskClient, method: str, url: str, token: str, api_token: str | None) -> Any:
    headers = {"X-CSRFToken": token}
    if url.startswith("/api/") and api_token:
        headers["Authorization"] = f"Bearer {api_token}"
    data = {"csrf_token": token} if method != "GET" else None
    return client.open(url, method=method, data=data, headers=headers)


def test_every_id_route_is_404_for_another_workspace(
    owner: FlaskClient, app: Flask, two_workspaces: tuple[Objects, Objects]
) -> None:
    a, b = two_workspaces
    token = _csrf(owner)
    checked: list[str] = []
    leaks: list[str] = []
    for rule in _routes(app, with_ids=True):
        url = _url(rule, b.ids)
        for method in METHODS:
            if method not in (rule.methods or set()):
                continue
            res = _request(owner, method, url, token, a.api_token)
            checked.append(f"{method} {rule.rule}")
            if res.status_code != 404:
                leaks.append(f"{method} {url} ({rule.endpoint}) → {res.status_code}")
    assert not leaks, "workspace A reached workspace B's objects:\n" + "\n".join(leaks)
    # The same ids exist: workspace B's owner gets them (proves the 404s were not just bad ids).
    rival = app.test_client()
    res = post_form(
        rival, "/login", {"email": "rita@rival-partners.eu", "password": "rival password 123"}
    )
    assert res.status_code == 302
    for path in (f"/clients/{b.ids['client_id']}", f"/assessments/{b.ids['assessment_id']}"):
        assert rival.get(path).status_code == 200, path
    assert len(checked) >= 15, checked


def test_ids_in_form_fields_of_another_workspace_are_refused(
    owner: FlaskClient, app: Flask, two_workspaces: tuple[Objects, Objects]
) -> None:
    """Mass assignment: a client id of workspace B in a form of A creates nothing."""
    _, b = two_workspaces
    before = _table_fingerprint(app)
    page = owner.get(f"/assessments/new?client_id={b.ids['client_id']}")
    assert page.status_code in (200, 404)
    assert "Client B" not in page.get_data(as_text=True)
    res = post_form(
        owner,
        "/assessments/new",
        {
            "client_id": b.ids["client_id"],
            "questionnaire": b.ids["version_id"],
            "title": "Planted",
            "language": "en",
            "min_group_size": 3,
            "overrides": "",
        },
        form_url="/assessments/new",
    )
    assert res.status_code in (200, 404), res.status_code
    assert _table_fingerprint(app) == before


def _table_fingerprint(app: Flask) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (except the users' session data), ordered."""
    with app.app_context():
        engine = _db.engine
        names = [n for n in inspect(engine).get_table_names() if n != "alembic_version"]
        out: dict[str, list[tuple[Any, ...]]] = {}
        with engine.connect() as conn:
            for name in names:
                rows = conn.execute(text(f"SELECT * FROM {name} ORDER BY 1")).all()
                out[name] = [tuple(r) for r in rows]
        return out


VIEWER_ALLOWED = {
    # Their own account and session, the interface language, and respondent pages.
    "auth.login",
    "auth.logout",
    "auth.setup",
    "auth.password",
    "auth.language",
    # Their own second factor: enrolment/disabling and the code step of signing in.
    "auth.two_factor",
    "auth.mfa_verify",
    # Which of their own workspaces their session works in.
    "auth.switch_workspace",
    # Any member may have a PDF made of results they can read (a report job, not a change).
    "reports.create",
    # Downloading an anonymous export is reading (a POST only to carry the chosen options).
    "data.export",
}


def _is_viewer_exempt(rule: Rule) -> bool:
    return rule.endpoint in VIEWER_ALLOWED or rule.endpoint.startswith("respond.")


def test_viewer_changes_nothing_anywhere(
    owner: FlaskClient, app: Flask, two_workspaces: tuple[Objects, Objects]
) -> None:
    a, _ = two_workspaces
    with app.app_context():
        accounts.add_member(
            _db.session,
            1,
            "Vera Viewer",
            "vera@acme-consulting.eu",
            "viewer password 1",
            MemberRole.VIEWER,
        )
        _db.session.remove()
    viewer = app.test_client()
    res = post_form(
        viewer, "/login", {"email": "vera@acme-consulting.eu", "password": "viewer password 1"}
    )
    assert res.status_code == 302
    token = _csrf(viewer)
    before = _table_fingerprint(app)
    changed: list[str] = []
    tried = 0
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if _is_viewer_exempt(rule) or rule.endpoint in NOT_WORKSPACE_OBJECTS:
            continue
        url = _url(rule, a.ids)
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            if method not in (rule.methods or set()):
                continue
            tried += 1
            res = _request(viewer, method, url, token, None)
            if res.status_code not in (403, 404, 405):
                changed.append(f"{method} {url} ({rule.endpoint}) → {res.status_code}")
    assert not changed, "a viewer's change was not refused:\n" + "\n".join(changed)
    assert _table_fingerprint(app) == before
    assert tried >= 10


def test_generated_files_only_through_authorised_routes(
    owner: FlaskClient, app: Flask, two_workspaces: tuple[Objects, Objects]
) -> None:
    """PDFs live in the database and leave only through the workspace-scoped download."""
    a, _ = two_workspaces
    anonymous = app.test_client()
    url = f"/assessments/{a.ids['assessment_id']}/report/{a.ids['job_id']}/download"
    res = anonymous.get(url)
    assert res.status_code == 302 and "/login" in res.headers["Location"]
    assert owner.get(url).status_code == 200
    # Nothing under the instance folder or the database file is reachable as a static file.
    for probe in ("/static/../instance/secret_key", "/static/%2e%2e/instance/saleshealth.sqlite"):
        assert anonymous.get(probe).status_code == 404, probe


def test_membership_of_other_workspace_cannot_be_removed(
    owner: FlaskClient, app: Flask, two_workspaces: tuple[Objects, Objects]
) -> None:
    _, b = two_workspaces
    res = post_form(owner, f"/settings/members/{b.ids['user_id']}/remove", {}, form_url="/")
    assert res.status_code == 404
    with app.app_context(), unscoped(_db.session):
        assert (
            _db.session.scalar(select(Membership).where(Membership.user_id == b.ids["user_id"]))
            is not None
        )
