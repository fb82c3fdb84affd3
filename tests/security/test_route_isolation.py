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
    PlanItem,
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
            # A real document (the shipped one's content under the workspace's own id), so
            # pages that list the workspace's questionnaires can build its model.
            content_hash=shipped.content_hash,
            document=shipped.document,
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
        item = PlanItem(
            client_id=client.id, assessment_id=assessment.id, title=f"Plan item {label}"
        )
        session.add_all([job, evidence, mapping, token, link, invitation, item])
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
            "item_id": item.id,
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
    # ... and download the deck of them (built at once; the POST only carries the language).
    "reports.deck",
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


# -- client guests ------------------------------------------------------------------------
#
# A guest (someone who opened a client's share link and gave its password) reads that one
# client's closed results, trend and reports.  The sweep below sends every rule of the app,
# with every method it accepts, from two guest sessions (a client of workspace A and one of
# workspace B): with the ids of every other client's objects (the same workspace and the
# other one) each answer is 404; with the guest's own ids, every route outside the guest
# pages is 404 too (member pages, exports of identified data, every state-changing route),
# except the few writes a guest makes for itself.  Nothing in the database changes.

GUEST_WRITES = {
    # The password step, asking for a PDF or the deck of one's own client, one's language,
    # leaving.
    "guest.enter",
    "guest.report",
    "guest.deck",
    "guest.language",
    "guest.leave",
}
# Routes that show or export identified data (names, e-mails, links, a person's answers).
IDENTIFIED = {
    "assessments.show",
    "assessments.show_links",
    "data.export_page",
    "data.export",
    "erasure.respondent_data",
    "api.v1.export_responses",
    "settings.members",
    "settings.audit",
    "settings.audit_export",
}
# Parameters that are no workspace object: a respondent's page number, a secret token.
PLAIN = {"number": 1, "token": "not-a-token"}


@dataclass
class GuestSide:
    """One guest session and the ids it may and may not reach."""

    name: str
    client: FlaskClient
    own: dict[str, int]
    others: list[dict[str, int]]


def _guest_link(session: Any, workspace_id: int, client_id: int) -> tuple[str, int]:
    """A share link for a client (made by the workspace's first owner); (token, link id)."""
    from assessment.services import share_links
    from assessment.services.actor import Actor

    with unscoped(session):
        owner_id = session.scalar(
            select(Membership.user_id)
            .where(Membership.workspace_id == workspace_id)
            .order_by(Membership.id)
        )
    bind_workspace(session, workspace_id)
    issued = share_links.create_link(
        session,
        Actor(owner_id, workspace_id, MemberRole.OWNER),
        client_id,
        "guest",
        "guest password 1",
    )
    return issued.token, issued.info.id


def _guest_job(session: Any, workspace_id: int, assessment_id: int, link_id: int) -> int:
    bind_workspace(session, workspace_id)
    with write_transaction(session):
        job = ReportJob(
            assessment_id=assessment_id,
            status="done",
            pdf=b"%PDF-1.7 guest",
            pages=1,
            guest_link_id=link_id,
        )
        session.add(job)
    return job.id


def _enter(app: Flask, token: str) -> FlaskClient:
    guest = app.test_client()
    res = post_form(guest, f"/s/{token}", {"password": "guest password 1"})
    assert res.status_code == 302, res.status_code
    return guest


@pytest.fixture
def guests(
    owner: FlaskClient, app: Flask, two_workspaces: tuple[Objects, Objects]
) -> tuple[GuestSide, GuestSide]:
    """Closed, answered assessments of three clients (two in A, one in B) besides the
    objects of every kind; a guest of Contoso (A) and a guest of Rival Client (B)."""
    from tests.web.test_followups_trends import _chain, closed_assessment

    a, b = two_workspaces
    with app.app_context(), unscoped(_db.session):
        b_ws = _db.session.scalar(
            select(Client.workspace_id).where(Client.id == b.ids["client_id"])
        )
        _db.session.remove()
    contoso, _first, second = _chain(app)
    fabrikam_a = closed_assessment(app, "Fabrikam", 0.5)
    rival_a = closed_assessment(app, "Rival Client", 0.5, workspace_id=b_ws)
    sides = {}
    with app.app_context():
        s = _db.session
        with unscoped(s):
            client_of = dict(
                s.execute(
                    select(Assessment.id, Assessment.client_id).where(
                        Assessment.id.in_([second, fabrikam_a, rival_a])
                    )
                ).all()
            )
        bind_workspace(s, 1)
        with write_transaction(s):  # identified respondents the guest must never see
            for i, r in enumerate(
                s.scalars(select(Respondent).where(Respondent.assessment_id == second))
            ):
                r.name, r.email = f"Rachel Respondent {i}", f"rachel{i}@contoso.example"
        for key, ws, aid in (("A", 1, second), ("F", 1, fabrikam_a), ("B", b_ws, rival_a)):
            token, link_id = _guest_link(s, ws, client_of[aid])
            job = _guest_job(s, ws, aid, link_id)
            base = {"A": a.ids, "F": a.ids, "B": b.ids}[key]
            ids = {
                **base,
                **PLAIN,
                "client_id": client_of[aid],
                "assessment_id": aid,
                "job_id": job,
                "link_id": link_id,
            }
            sides[key] = (token, ids)
        s.remove()
    plain_a, plain_b = {**a.ids, **PLAIN}, {**b.ids, **PLAIN}
    guest_a = GuestSide(
        "Contoso (A)",
        _enter(app, sides["A"][0]),
        sides["A"][1],
        [sides["F"][1], plain_a, sides["B"][1], plain_b],
    )
    guest_b = GuestSide(
        "Rival Client (B)",
        _enter(app, sides["B"][0]),
        sides["B"][1],
        [plain_b, sides["A"][1], sides["F"][1], plain_a],
    )
    assert contoso == guest_a.own["client_id"]
    return guest_a, guest_b


def _guest_csrf(guest: FlaskClient) -> str:
    page = guest.get("/guest/").get_data(as_text=True)
    match = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page)
    assert match, "no CSRF token on the guest's page"
    return match.group(1)


LEAK_MARKERS = ("Rachel Respondent", "@contoso.example", "Fabrikam", "Client A", "Client B")


def test_a_guest_reaches_its_own_client_and_nothing_else(
    owner: FlaskClient, app: Flask, guests: tuple[GuestSide, GuestSide]
) -> None:
    rules = sorted(
        (r for r in app.url_map.iter_rules() if r.endpoint != "static"), key=lambda r: r.rule
    )
    pages: dict[str, str] = {}
    for side in guests:  # warm up: the pages a guest may read (results summaries get stored)
        for rule in rules:
            readable = rule.endpoint.startswith("guest.") and rule.endpoint != "guest.enter"
            if readable and "GET" in (rule.methods or set()):
                res = side.client.get(_url(rule, side.own))
                assert res.status_code == 200, (side.name, rule.rule, res.status_code)
                pages[f"{side.name} {rule.rule}"] = res.get_data(as_text=True)
    before = _table_fingerprint(app)
    checked: dict[str, int] = {}
    refused_identified: set[str] = set()
    leaks: list[str] = []
    for side in guests:
        token = _guest_csrf(side.client)
        count = 0
        for rule in rules:
            methods = [m for m in METHODS if m in (rule.methods or set())]
            takes_ids = bool(rule.arguments - set(rule.defaults or {}) - set(PLAIN))
            for method in methods:
                # Every other client's objects, in this workspace and the other one.
                for ids in side.others if takes_ids else []:
                    res = _request(side.client, method, _url(rule, ids), token, None)
                    count += 1
                    if res.status_code != 404:
                        leaks.append(f"{side.name}: {method} {_url(rule, ids)} → {res.status_code}")
                # The guest's own ids: only its pages and its own writes answer.
                own = rule.endpoint.startswith("guest.") and (
                    method == "GET" or rule.endpoint in GUEST_WRITES
                )
                if own:
                    continue
                res = _request(side.client, method, _url(rule, side.own), token, None)
                count += 1
                if res.status_code != 404:
                    leaks.append(
                        f"{side.name}: {method} {_url(rule, side.own)} → {res.status_code}"
                    )
                elif rule.endpoint in IDENTIFIED:
                    refused_identified.add(rule.endpoint)
        checked[side.name] = count
    assert not leaks, "a guest reached what is not theirs:\n" + "\n".join(leaks)
    assert _table_fingerprint(app) == before
    assert refused_identified == IDENTIFIED
    # What the guest pages show: the guest's client, never a name or another client.
    for where, html in pages.items():
        for marker in LEAK_MARKERS:
            assert marker not in html, f"{where} shows {marker!r}"
    assert "Contoso again" in pages["Contoso (A) /guest/"]
    assert "Rival Client check" in pages["Rival Client (B) /guest/"]
    total = sum(checked.values())
    print(
        f"\nguest isolation: {len(rules)} rules, {len(guests)} guests, "
        + ", ".join(f"{name}: {n}" for name, n in checked.items())
        + f" requests; {total} in all, every one 404"
    )
    assert all(n >= 300 for n in checked.values()), checked


def test_a_guest_session_is_closed_to_member_sign_in(
    owner: FlaskClient, app: Flask, guests: tuple[GuestSide, GuestSide]
) -> None:
    """A guest cannot sign in as a member in the same session, nor use the API with it."""
    guest, _ = guests
    token = _guest_csrf(guest.client)
    assert guest.client.get("/login").status_code == 404
    sign_in = {"csrf_token": token, "email": OWNER["email"], "password": OWNER["password"]}
    assert guest.client.post("/login", data=sign_in).status_code == 404
    assert (
        guest.client.get(
            "/api/v1/clients", headers={"Authorization": "Bearer shk_nothing"}
        ).status_code
        == 404
    )
    # Leaving ends the guest session; then the member pages answer as to anybody.
    assert guest.client.post("/guest/leave", data={"csrf_token": token}).status_code == 200
    assert guest.client.get("/guest/").status_code == 404
    assert guest.client.get("/login").status_code == 200
