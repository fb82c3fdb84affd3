"""The read-only JSON API: tokens, authentication, workspace scope, pagination, errors, exports.

What a token can read: everything a *viewer* of its workspace can read through the API
(clients, assessments with completion counts, live results, anonymous exports), nothing of
another workspace, and never respondents' names or e-mail addresses. It cannot change
anything: every route is GET, and services see the token as a viewer.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select

from assessment.app import create_app
from assessment.db import write_transaction
from assessment.db.models import ApiToken, MemberRole, Workspace
from assessment.db.tenancy import bind_workspace, unscoped
from assessment.extensions import db as _db
from assessment.extensions import limiter
from assessment.services import accounts, api_tokens
from assessment.services.actor import Actor
from assessment.services.api_tokens import InvalidToken
from assessment.services.errors import PermissionDenied
from assessment.web.api.openapi import openapi_document
from assessment.web.api.schemas import ResultsOut
from tests.web.conftest import (
    add_people,
    csrf_token,
    new_assessment,
    new_client,
    open_assessment,
    post_form,
)

SECRET = re.compile(r'value="(shk_[A-Za-z0-9_\-]{43})"')
NAME = "Anna Nowak"
EMAIL = "anna.nowak@northwind-trade.eu"


ONCE = re.compile(r'name="once" type="hidden" value="([^"]+)"')


CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def token_form(owner: FlaskClient, name: str) -> Any:
    """Post the new-token form the way a browser does (CSRF token and one-time value)."""
    page = owner.get("/settings/api-tokens").get_data(as_text=True)
    once = ONCE.search(page)
    assert once, page
    value = once.group(1)
    csrf = CSRF.search(page)
    assert csrf, page
    data = {"name": name, "once": value, "csrf_token": csrf.group(1)}
    return owner.post("/settings/api-tokens", data=data)


def create_token(owner: FlaskClient, name: str = "BI dashboard") -> str:
    """Create a token through the settings page; returns the secret shown once on the page
    the form redirects to (post/redirect/get)."""
    res = token_form(owner, name)
    assert res.status_code == 302, res.get_data(as_text=True)
    assert re.fullmatch(r"/settings/api-tokens/\d+/created", res.headers["Location"])
    assert "shk_" not in res.get_data(as_text=True)
    shown = owner.get(res.headers["Location"])
    assert shown.status_code == 200 and shown.headers["Cache-Control"] == "no-store"
    match = SECRET.search(shown.get_data(as_text=True))
    assert match, shown.get_data(as_text=True)
    return match.group(1)


def bearer(token: str) -> dict[str, str]:
    """The Authorization header for a token."""
    return {"Authorization": f"Bearer {token}"}


def assert_error(res: Any, status: int, code: str) -> dict[str, Any]:
    """The response is the JSON error object with this status and code."""
    assert res.status_code == status, res.get_data(as_text=True)
    assert res.mimetype == "application/json", res.get_data(as_text=True)[:200]
    body = res.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return dict(body["error"])


def _second_workspace(app: Flask) -> tuple[int, Actor]:
    with app.app_context():
        session = _db.session
        with unscoped(session), write_transaction(session):
            ws = Workspace(name="Rival Partners")
            session.add(ws)
        user = accounts.add_member(
            session,
            ws.id,
            "Rita Rival",
            "rita@rival-partners.eu",
            "rival pw 12345",
            MemberRole.OWNER,
        )
        ids = ws.id, Actor(user.id, ws.id, MemberRole.OWNER)
        session.remove()
    return ids


def _answered_assessment(owner: FlaskClient) -> int:
    """An open assessment with one named respondent who saved two answers."""
    aid = new_assessment(owner, new_client(owner, "Northwind Trade"))
    (link,) = add_people(owner, aid, f"{NAME}, {EMAIL}, sales_rep")
    open_assessment(owner, aid)
    person = owner.application.test_client()
    person.get(link)
    token = csrf_token(person, "/respond/page/1")
    for payload in (
        {"question": "mgmt_rep.one_to_ones", "value": "monthly"},
        {"question": "mgmt_rep.one_to_ones", "value": "weekly"},
    ):
        res = person.post("/respond/answer", json=payload, headers={"X-CSRFToken": token})
        assert res.status_code == 200, res.get_data(as_text=True)
    return aid


# --- token lifecycle ----------------------------------------------------------------------


def test_token_is_shown_once_and_stored_only_as_hash(owner: FlaskClient, app: Flask) -> None:
    secret = create_token(owner, "CRM sync")
    assert secret.startswith("shk_") and len(secret) == 47
    page = owner.get("/settings/api-tokens").get_data(as_text=True)
    assert secret not in page, "the full token must never be shown again"
    assert "CRM sync" in page and secret[:12] in page
    with app.app_context(), unscoped(_db.session):
        (row,) = _db.session.scalars(select(ApiToken)).all()
        assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
        assert row.prefix == secret[:12]
        stored = [str(v) for v in (row.name, row.token_hash, row.prefix)]
        assert all(secret not in v for v in stored)
        assert row.last_used_at is None and row.revoked_at is None


def test_token_authenticates_then_revoked_token_fails_at_once(owner: FlaskClient) -> None:
    secret = create_token(owner)
    api = owner.application.test_client()
    assert api.get("/api/v1/clients", headers=bearer(secret)).status_code == 200
    page = owner.get("/settings/api-tokens").get_data(as_text=True)
    (token_id,) = re.findall(r"/settings/api-tokens/(\d+)/revoke", page)
    res = post_form(
        owner, f"/settings/api-tokens/{token_id}/revoke", {}, form_url="/settings/api-tokens"
    )
    assert res.status_code == 302
    err = assert_error(api.get("/api/v1/clients", headers=bearer(secret)), 401, "unauthorized")
    assert "revoked" in err["message"]
    page = owner.get("/settings/api-tokens").get_data(as_text=True)
    assert "Revoked" in page and f"/settings/api-tokens/{token_id}/revoke" not in page


def test_last_used_is_written_at_most_once_a_minute(owner: FlaskClient, app: Flask) -> None:
    secret = create_token(owner)
    api = owner.application.test_client()
    api.get("/api/v1/clients", headers=bearer(secret))
    with app.app_context(), unscoped(_db.session):
        first = _db.session.scalars(select(ApiToken.last_used_at)).one()
    assert first is not None
    api.get("/api/v1/clients", headers=bearer(secret))
    with app.app_context(), unscoped(_db.session):
        assert _db.session.scalars(select(ApiToken.last_used_at)).one() == first
        token = _db.session.scalars(select(ApiToken)).one()
        with write_transaction(_db.session):
            token.last_used_at = datetime.now(UTC) - timedelta(minutes=2)
    api.get("/api/v1/clients", headers=bearer(secret))
    with app.app_context(), unscoped(_db.session):
        later = _db.session.scalars(select(ApiToken.last_used_at)).one()
    assert later is not None and later > first


def test_only_owners_create_and_revoke(owner: FlaskClient, app: Flask) -> None:
    secret = create_token(owner)
    with app.app_context():
        accounts.add_member(
            _db.session,
            1,
            "Carl Consultant",
            "carl@acme-consulting.eu",
            "consultant pw 1",
            MemberRole.CONSULTANT,
        )
        _db.session.remove()
    carl = app.test_client()
    res = post_form(
        carl, "/login", {"email": "carl@acme-consulting.eu", "password": "consultant pw 1"}
    )
    assert res.status_code == 302
    page = carl.get("/settings/api-tokens")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "BI dashboard" in text and "/revoke" not in text and "Create token" not in text
    token = csrf_token(carl, "/settings/api-tokens")
    assert (
        carl.post("/settings/api-tokens", data={"csrf_token": token, "name": "x"}).status_code
        == 403
    )
    assert carl.post("/settings/api-tokens/1/revoke", data={"csrf_token": token}).status_code == 403
    with app.app_context():
        bind_workspace(_db.session, 1)
        with pytest.raises(PermissionDenied):
            api_tokens.create_token(_db.session, Actor(2, 1, MemberRole.CONSULTANT), "x")
        assert [t.name for t in api_tokens.list_tokens(_db.session)] == ["BI dashboard"]
    assert (
        owner.application.test_client().get("/api/v1/clients", headers=bearer(secret)).status_code
        == 200
    )


def test_token_name_is_required(owner: FlaskClient) -> None:
    res = token_form(owner, "   ")
    assert res.status_code == 400
    assert "shk_" not in res.get_data(as_text=True)


def test_sending_the_form_again_creates_no_second_token(owner: FlaskClient) -> None:
    """The same form sent twice (back button, double click): no second token."""
    page = owner.get("/settings/api-tokens").get_data(as_text=True)
    once, csrf = ONCE.search(page), CSRF.search(page)
    assert once and csrf
    data = {"name": "Quarterly board pack", "once": once.group(1)}
    data["csrf_token"] = csrf.group(1)
    first = owner.post("/settings/api-tokens", data=data)
    assert first.status_code == 302 and "/created" in first.headers["Location"]
    again = owner.post("/settings/api-tokens", data=data)  # back button, "Create" again
    assert again.status_code == 302
    listing = owner.get("/settings/api-tokens").get_data(as_text=True)
    assert "no second token was created" in listing
    assert listing.count("<td>Quarterly board pack</td>") == 1  # one row


def test_service_rejects_malformed_unknown_and_revoked(app: Flask, owner: FlaskClient) -> None:
    with app.app_context():
        session = _db.session
        bind_workspace(session, 1)
        owner_actor = Actor(1, 1, MemberRole.OWNER)
        issued = api_tokens.create_token(session, owner_actor, "job")
        bind_workspace(session, None)
        workspace_id, info = api_tokens.authenticate(session, issued.secret)
        assert (workspace_id, info.id) == (1, issued.info.id)
        for bad in (
            "",
            "Bearer",
            "shk_",
            issued.secret + "x",
            issued.secret.upper(),
            "shk_" + "é" * 43,
            "shk_" + "a" * 500,
        ):
            with pytest.raises(InvalidToken):
                api_tokens.authenticate(session, bad)
        bind_workspace(session, 1)
        api_tokens.revoke_token(session, owner_actor, issued.info.id)
        with pytest.raises(InvalidToken):
            api_tokens.authenticate(session, issued.secret)


# --- authentication -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": ""},
        {"Authorization": "Bearer"},
        {"Authorization": "Basic b3duZXI6cGFzc3dvcmQ="},
        {"Authorization": "Bearer shk_not-a-real-token"},
        {"Authorization": "Bearer " + "shk_" + "A" * 43},
    ],
)
def test_requests_without_a_valid_token_are_401(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    res = client.get("/api/v1/clients", headers=headers)
    assert_error(res, 401, "unauthorized")
    assert res.headers["WWW-Authenticate"].startswith("Bearer")


def test_session_cookie_alone_does_not_authorise(owner: FlaskClient) -> None:
    new_client(owner, "Cookie Corp")
    assert owner.get("/clients/").status_code == 200  # the browser session works for pages
    assert_error(owner.get("/api/v1/clients"), 401, "unauthorized")
    assert_error(owner.get("/api/v1/clients/1"), 401, "unauthorized")


def test_token_of_another_workspace_reads_its_own_not_the_browsers(
    owner: FlaskClient, app: Flask
) -> None:
    """A signed-in browser of workspace A sending B's token sees B only."""
    new_client(owner, "Alpha Client")
    b_ws, b_owner = _second_workspace(app)
    with app.app_context():
        bind_workspace(_db.session, b_ws)
        b_secret = api_tokens.create_token(_db.session, b_owner, "B job").secret
    body = owner.get("/api/v1/clients", headers=bearer(b_secret)).get_json()
    assert body["total"] == 0 and body["items"] == []


def test_public_endpoints_need_no_token(client: FlaskClient) -> None:
    doc = client.get("/api/v1/openapi.json")
    assert doc.status_code == 200 and doc.get_json()["openapi"] == "3.1.0"
    index = client.get("/api/v1/").get_json()
    assert index["openapi"].endswith("/api/v1/openapi.json")
    page = client.get("/api/docs")
    assert page.status_code == 200 and "/api/v1/openapi.json" in page.get_data(as_text=True)


# --- reading ------------------------------------------------------------------------------


def test_clients_and_assessments(owner: FlaskClient) -> None:
    cid = new_client(owner, "Northwind")
    other = new_client(owner, "Contoso")
    aid = new_assessment(owner, cid, "Q1 health check")
    new_assessment(owner, other, "Contoso baseline")
    open_assessment(owner, aid)
    api = owner.application.test_client()
    h = bearer(create_token(owner))
    clients = api.get("/api/v1/clients", headers=h).get_json()
    assert [c["name"] for c in clients["items"]] == ["Contoso", "Northwind"]
    assert clients["total"] == 2 and clients["next_offset"] is None
    one = api.get(f"/api/v1/clients/{cid}", headers=h).get_json()
    assert one["name"] == "Northwind" and one["size_band"] == "51-200"
    listed = api.get(f"/api/v1/assessments?client_id={cid}", headers=h).get_json()
    assert [a["id"] for a in listed["items"]] == [aid]
    assert listed["items"][0]["status"] == "open"
    assert listed["items"][0]["questionnaire"]["id"] == "sales-org-health"
    drafts = api.get("/api/v1/assessments?status=draft", headers=h).get_json()
    assert [a["title"] for a in drafts["items"]] == ["Contoso baseline"]
    detail = api.get(f"/api/v1/assessments/{aid}", headers=h).get_json()
    assert detail["progress"] == {
        "invited": 0,
        "started": 0,
        "submitted": 0,
        "completion": 0.0,
        "by_role": {},
    }
    assert "en" in detail["languages"]


def test_other_workspaces_ids_are_404(owner: FlaskClient, app: Flask) -> None:
    b_ws, b_owner = _second_workspace(app)
    from assessment.services.assessments import AssessmentSettings, create_assessment
    from assessment.services.clients import ClientData, create_client
    from assessment.services.questionnaires import publish_shipped

    with app.app_context():
        bind_workspace(_db.session, b_ws)
        b_client = create_client(_db.session, b_owner, ClientData(name="Secret Client")).id
        version = publish_shipped(_db.session)
        b_assessment = create_assessment(
            _db.session, b_owner, b_client, version.id, AssessmentSettings(title="Secret")
        ).id
        _db.session.remove()
    api = owner.application.test_client()
    h = bearer(create_token(owner))
    for path in (
        f"/api/v1/clients/{b_client}",
        f"/api/v1/assessments/{b_assessment}",
        f"/api/v1/assessments/{b_assessment}/results",
        f"/api/v1/assessments/{b_assessment}/exports/responses",
        f"/api/v1/assessments/{b_assessment}/exports/results",
        "/api/v1/clients/0",
        "/api/v1/clients/99999999999999999999",
    ):
        assert_error(api.get(path, headers=h), 404, "not_found")
    assert api.get("/api/v1/clients", headers=h).get_json()["total"] == 0
    listed = api.get(f"/api/v1/assessments?client_id={b_client}", headers=h).get_json()
    assert listed["items"] == [] and listed["total"] == 0


def test_pagination_bounds(owner: FlaskClient) -> None:
    for i in range(5):
        new_client(owner, f"Client {i}")
    api = owner.application.test_client()
    h = bearer(create_token(owner))
    first = api.get("/api/v1/clients?limit=2", headers=h).get_json()
    assert [c["name"] for c in first["items"]] == ["Client 0", "Client 1"]
    assert (first["total"], first["limit"], first["offset"], first["next_offset"]) == (5, 2, 0, 2)
    names = []
    offset: int | None = 0
    while offset is not None:
        page = api.get(f"/api/v1/clients?limit=2&offset={offset}", headers=h).get_json()
        names += [c["name"] for c in page["items"]]
        offset = page["next_offset"]
    assert names == [f"Client {i}" for i in range(5)]
    beyond = api.get("/api/v1/clients?offset=10", headers=h).get_json()
    assert beyond["items"] == [] and beyond["next_offset"] is None
    assert api.get("/api/v1/clients?limit=100", headers=h).status_code == 200
    for query, param in (
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=abc", "limit"),
        ("offset=-1", "offset"),
        ("offset=1000001", "offset"),
    ):
        err = assert_error(api.get(f"/api/v1/clients?{query}", headers=h), 400, "bad_request")
        assert [d["location"] for d in err["details"]] == [f"query.{param}"], query
    err = assert_error(
        api.get("/api/v1/assessments?status=finished", headers=h), 400, "bad_request"
    )
    assert err["details"][0]["location"] == "query.status"


def test_results_are_the_score_json_document(owner: FlaskClient, app: Flask) -> None:
    aid = _answered_assessment(owner)
    api = owner.application.test_client()
    h = bearer(create_token(owner))
    body = api.get(f"/api/v1/assessments/{aid}/results", headers=h).get_json()
    from assessment.services.assessments import compute_results, get_assessment

    with app.app_context():
        bind_workspace(_db.session, 1)
        expected = compute_results(_db.session, get_assessment(_db.session, aid), "en").to_dict()
    assert body == ResultsOut.model_validate(expected).model_dump(mode="json", exclude_unset=True)
    assert set(body) == set(expected) and body["respondents"] == 1
    assert "questions" not in body["elements"][0]
    explained = api.get(f"/api/v1/assessments/{aid}/results?explain=true", headers=h).get_json()
    assert "questions" in explained["elements"][0]
    polish = api.get(f"/api/v1/assessments/{aid}/results?lang=pl", headers=h).get_json()
    assert polish["elements"][0]["title"] != body["elements"][0]["title"]
    err = assert_error(
        api.get(f"/api/v1/assessments/{aid}/results?lang=xx", headers=h), 400, "bad_request"
    )
    assert err["details"][0]["location"] == "query.lang"
    progress = api.get(f"/api/v1/assessments/{aid}", headers=h).get_json()["progress"]
    assert progress["by_role"] == {"sales_rep": {"invited": 1, "started": 1, "submitted": 0}}


def test_exports_are_anonymous(owner: FlaskClient) -> None:
    aid = _answered_assessment(owner)
    api = owner.application.test_client()
    h = bearer(create_token(owner))
    for shape in ("long", "wide"):
        res = api.get(
            f"/api/v1/assessments/{aid}/exports/responses?shape={shape}&format=csv", headers=h
        )
        assert res.status_code == 200, res.get_data(as_text=True)
        assert res.mimetype == "text/csv"
        assert "attachment" in res.headers["Content-Disposition"]
        assert "identified" not in res.headers["Content-Disposition"]
        text = res.get_data(as_text=True)
        assert NAME not in text and EMAIL not in text and "Anna" not in text
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
        assert len(rows) >= 2 and "weekly" in text
    res = api.get(f"/api/v1/assessments/{aid}/exports/responses?shape=wide&format=xlsx", headers=h)
    assert res.status_code == 200
    cells = [
        str(c)
        for row in load_workbook(io.BytesIO(res.data)).active.iter_rows(values_only=True)
        for c in row
    ]
    assert "weekly" in cells and NAME not in cells and EMAIL not in cells
    res = api.get(f"/api/v1/assessments/{aid}/exports/results", headers=h)
    assert res.status_code == 200 and res.mimetype == "application/json"
    assert res.headers["Content-Disposition"].startswith("attachment")
    assert res.get_json()["respondents"] == 1
    # Asking for the identified export is not possible through the API.
    res = api.get(f"/api/v1/assessments/{aid}/exports/responses?identified=true", headers=h)
    assert res.status_code == 200 and EMAIL not in res.get_data(as_text=True)
    assert_error(
        api.get(f"/api/v1/assessments/{aid}/exports/responses?format=pdf", headers=h),
        400,
        "bad_request",
    )


def test_export_formats_follow_the_format_registry(owner: FlaskClient) -> None:
    """The `format` parameter takes the registry's responses formats, and only those."""
    from assessment.io.formats import TableFormat, register_format, unregister_format

    aid = _answered_assessment(owner)
    api = owner.application.test_client()
    h = bearer(create_token(owner))
    url = f"/api/v1/assessments/{aid}/exports/responses"
    for bad in ("pdf", "json", "CSV", ""):
        err = assert_error(api.get(f"{url}?format={bad}", headers=h), 400, "bad_request")
        assert err["details"] == [
            {"location": "query.format", "message": "Input should be 'csv' or 'xlsx'"}
        ]
    path = "/api/v1/assessments/{assessment_id}/exports/responses"
    operation = openapi_document()["paths"][path]["get"]
    (parameter,) = [p for p in operation["parameters"] if p["name"] == "format"]
    assert parameter["schema"]["enum"] == ["csv", "xlsx"]

    # A format registered once is offered and written without touching the API.
    tsv = TableFormat(
        "tsv",
        "Tab-separated",
        "text/tab-separated-values",
        "tsv",
        lambda rows, _sheet: "\n".join("\t".join(str(c) for c in r) for r in rows).encode(),
    )
    register_format(tsv)
    openapi_document.cache_clear()  # built once per process: rebuild it with tsv
    try:
        res = api.get(f"{url}?format=tsv", headers=h)
        document = openapi_document()
    finally:
        unregister_format("tsv")
        openapi_document.cache_clear()
    assert res.status_code == 200 and res.mimetype == "text/tab-separated-values"
    assert res.get_data(as_text=True).startswith("respondent\trole\tteam\tregion\tsegment\tq")
    assert res.headers["Content-Disposition"].endswith("-responses-long.tsv")
    operation = document["paths"][path]["get"]
    assert "text/tab-separated-values" in operation["responses"]["200"]["content"]
    (parameter,) = [p for p in operation["parameters"] if p["name"] == "format"]
    assert parameter["schema"]["enum"] == ["csv", "xlsx", "tsv"]


# --- errors -------------------------------------------------------------------------------


def test_errors_are_json_never_html(owner: FlaskClient) -> None:
    api = owner.application.test_client()
    h = bearer(create_token(owner))
    assert_error(api.get("/api/v1/nothing-here", headers=h), 404, "not_found")
    assert_error(api.get("/api/v2/clients", headers=h), 404, "not_found")
    assert_error(api.get("/api/v1/clients/abc", headers=h), 404, "not_found")
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        res = api.open("/api/v1/clients", method=method, headers=h, json={"name": "x"})
        assert_error(res, 405, "method_not_allowed")
        assert "GET" in res.headers["Allow"]
    # Without a token too, and with a browser's session cookie (no CSRF token): still JSON.
    assert_error(owner.post("/api/v1/clients", data={"name": "x"}), 405, "method_not_allowed")
    assert_error(owner.get("/api/v1/clients", headers={"Accept": "text/html"}), 401, "unauthorized")


def test_responses_are_not_cached(owner: FlaskClient) -> None:
    api = owner.application.test_client()
    res = api.get("/api/v1/clients", headers=bearer(create_token(owner)))
    assert res.headers["Cache-Control"] == "no-store"
    assert "Authorization" in res.headers["Vary"]


def test_openapi_lists_exactly_the_api_routes(app: Flask, client: FlaskClient) -> None:
    doc = client.get("/api/v1/openapi.json").get_json()
    routes = {
        re.sub(r"<(?:int:)?(\w+)>", r"{\1}", rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.v1.")
    }
    assert set(doc["paths"]) == routes
    assert doc["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": doc["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    for path, item in doc["paths"].items():
        op = item["get"]
        if op.get("security") == []:
            continue
        assert "401" in op["responses"], path
        assert "429" in op["responses"], path
        if "{" in path:
            assert "404" in op["responses"], path
    refs = re.findall(r'"\$ref": "#/components/schemas/(\w+)"', str(doc).replace("'", '"'))
    assert refs and all(r in doc["components"]["schemas"] for r in refs)
    assert doc == openapi_document()


# --- rate limit ---------------------------------------------------------------------------


REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/11")


def _limited_app(app: Flask, tmp_path: Path, storage: str, *, reset: bool = True) -> Flask:
    """A second app on the same database with the rate limit on (3 requests a minute)."""
    limited = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": app.config["SECRET_KEY"],
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": storage,
            "API_RATE_LIMIT": "3 per minute",
        },
        instance_path=str(tmp_path / "limited"),
    )
    if reset:
        limiter.reset()
    return limited


def _check_limit_per_token(limited: Flask, a: str, b: str) -> None:
    api = limited.test_client()
    for i in range(3):
        res = api.get("/api/v1/clients", headers=bearer(a))
        assert res.status_code == 200, res.get_data(as_text=True)
        assert res.headers["X-RateLimit-Limit"] == "3"
        assert res.headers["X-RateLimit-Remaining"] == str(2 - i)
    res = api.get("/api/v1/clients", headers=bearer(a))
    assert_error(res, 429, "rate_limited")
    assert int(res.headers["Retry-After"]) > 0
    # Another token has its own budget; requests without a valid token count per address.
    assert api.get("/api/v1/clients", headers=bearer(b)).status_code == 200
    for _i in range(3):
        assert_error(
            api.get("/api/v1/clients", headers=bearer("shk_" + "x" * 43)), 401, "unauthorized"
        )
    assert_error(api.get("/api/v1/clients"), 429, "rate_limited")


def test_rate_limit_is_per_token(owner: FlaskClient, app: Flask, tmp_path: Path) -> None:
    a, b = create_token(owner, "a"), create_token(owner, "b")
    limited = _limited_app(app, tmp_path, "memory://")
    try:
        _check_limit_per_token(limited, a, b)
    finally:
        limiter.reset()
        with limited.app_context():
            _db.session.remove()
            _db.engine.dispose()


@pytest.mark.redis
def test_rate_limit_shared_through_redis(owner: FlaskClient, app: Flask, tmp_path: Path) -> None:
    """With Redis storage the count is shared by every process (here: two apps)."""
    a, b = create_token(owner, "a"), create_token(owner, "b")
    limited = _limited_app(app, tmp_path, REDIS_URL)
    try:
        _check_limit_per_token(limited, a, b)
        other_process = _limited_app(app, tmp_path, REDIS_URL, reset=False)
        assert_error(
            other_process.test_client().get("/api/v1/clients", headers=bearer(a)),
            429,
            "rate_limited",
        )
    finally:
        limiter.reset()
        with limited.app_context():
            _db.session.remove()
            _db.engine.dispose()
