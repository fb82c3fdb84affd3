"""Fixtures for service and view tests: ``app``, ``client``, ``db``, signed-in members.

The database is SQLite in a temporary folder, or the server named by
``TEST_DATABASE_URL`` (PostgreSQL in CI).  Every test starts from an empty database built
by the Alembic migrations (migrated once per session and copied or restored per test, see
:mod:`tests.databases`).  CSRF protection stays on: helpers fetch each form and post its
token like a browser.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jinja2.bccache import Bucket, BytecodeCache
from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment.app import create_app
from assessment.db.models import QuestionnaireVersion
from assessment.extensions import db as _db
from assessment.services.questionnaires import STANDARD_ID
from tests.databases import fresh_database, reset_postgres

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
TOKEN = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/tests/web/" in str(item.fspath):
            item.add_marker(pytest.mark.db)


def _reset_postgres(url: str) -> None:
    """An empty public schema (for tests that build their own database from scratch)."""
    reset_postgres(url)


class SharedBytecode(BytecodeCache):
    """Compiled Jinja templates shared by every test app of the session.

    Each test builds a new app and each app a new Jinja environment, which compiled every
    page it rendered again.  All test apps come from ``create_app`` with the same Jinja
    settings, so the code compiled for one is right for all; a template whose source changed
    misses (the bucket checks the source's checksum).
    """

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        data = self._store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = SharedBytecode()


def share_compiled_templates(app: Flask) -> Flask:
    """Let ``app`` reuse the templates other test apps of this session compiled."""
    app.jinja_env.bytecode_cache = TEMPLATES
    return app


def build_app(folder: Path) -> Flask:
    """A new app on an empty, migrated database (a copy of the one migrated per session)."""
    url = PG_URL or f"sqlite:///{folder / 'test.sqlite'}"
    fresh_database(url)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-" + "x" * 32,
            "SQLALCHEMY_DATABASE_URI": url,
            "RATELIMIT_ENABLED": False,
        },
        instance_path=str(folder / "instance"),
    )
    return share_compiled_templates(app)


def close_app(app: Flask) -> None:
    """Return the app's database connections (the next test's database replaces this one)."""
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """A fresh app on an empty, migrated database."""
    app = build_app(tmp_path)
    yield app
    close_app(app)


def shipped_version_id(session: Session) -> int:
    """Id of the shipped questionnaire's version, which every fresh test database holds.

    ``prepare_database`` published it; looking it up instead of calling ``publish_shipped``
    again spares reading and validating its YAML files (about a second) each time.
    """
    version_id = session.scalar(
        select(QuestionnaireVersion.id).where(
            QuestionnaireVersion.workspace_id.is_(None),
            QuestionnaireVersion.qid == STANDARD_ID,
        )
    )
    assert version_id is not None, "the test database has no shipped questionnaire"
    return version_id


@pytest.fixture
def db(app: Flask) -> Iterator[Any]:
    """The database session inside an app context."""
    with app.app_context():
        yield _db.session
        _db.session.remove()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A browser-like test client."""
    return app.test_client()


def csrf_token(client: FlaskClient, url: str) -> str:
    """Fetch a page and return the CSRF token of its first form."""
    page = client.get(url)
    match = TOKEN.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {url} (status {page.status_code})"
    return match.group(1)


def post_form(
    client: FlaskClient, url: str, data: dict[str, Any], form_url: str | None = None, **kw: Any
) -> Any:
    """Post a form with the CSRF token of the page it lives on."""
    token = csrf_token(client, form_url or url)
    return client.post(url, data={"csrf_token": token, **data}, **kw)


OWNER = {
    "workspace": "Acme Consulting",
    "name": "Olga Owner",
    "email": "owner@acme-consulting.eu",
    "password": "correct horse battery",
}


def sign_up_owner(client: FlaskClient) -> FlaskClient:
    """Create the first workspace through the setup page; ``client`` is then its owner."""
    res = post_form(client, "/setup", {**OWNER, "confirm": OWNER["password"]})
    assert res.status_code == 302, res.get_data(as_text=True)
    return client


@pytest.fixture
def owner(client: FlaskClient) -> FlaskClient:
    """A client signed in as the owner of a new workspace (created through the setup page)."""
    return sign_up_owner(client)


def new_client(client: FlaskClient, name: str = "Northwind") -> int:
    """Create a client through the form; returns its id."""
    res = post_form(
        client,
        "/clients/new",
        {"name": name, "industry": "Distribution", "size_band": "51-200", "sales_motion": "hybrid"},
    )
    assert res.status_code == 302, res.get_data(as_text=True)
    return int(res.headers["Location"].rstrip("/").split("/")[-1])


def new_assessment(
    client: FlaskClient, client_id: int, title: str = "Q1 health check", **extra: Any
) -> int:
    """Create an assessment through the form; returns its id."""
    page = client.get(f"/assessments/new?client_id={client_id}").get_data(as_text=True)
    version = re.search(r'<select[^>]*name="questionnaire"[^>]*>\s*<option[^>]*value="(\d+)"', page)
    assert version, page
    data = {
        "client_id": client_id,
        "questionnaire": version.group(1),
        "title": title,
        "language": "en",
        "min_group_size": 3,
        "overrides": "",
    }
    data.update(extra)
    res = post_form(
        client, "/assessments/new", data, form_url=f"/assessments/new?client_id={client_id}"
    )
    assert res.status_code == 302, res.get_data(as_text=True)
    return int(res.headers["Location"].rstrip("/").split("/")[-1])


LINK = re.compile(r'value="http://localhost(/r/[A-Za-z0-9_\-]+)"')


def add_people(client: FlaskClient, assessment_id: int, lines: str) -> list[str]:
    """Add respondents via the bulk form; returns their link paths in order."""
    res = post_form(
        client,
        f"/assessments/{assessment_id}/respondents/bulk",
        {"people": lines},
        form_url=f"/assessments/{assessment_id}",
        follow_redirects=True,  # post/redirect/get: the links are shown on a GET page
    )
    assert res.status_code == 200, res.get_data(as_text=True)
    return LINK.findall(res.get_data(as_text=True))


def open_assessment(client: FlaskClient, assessment_id: int) -> None:
    """Open an assessment for answers."""
    res = post_form(
        client,
        f"/assessments/{assessment_id}/status",
        {"status": "open"},
        form_url=f"/assessments/{assessment_id}",
    )
    assert res.status_code == 302


def request_pdf(client: FlaskClient, assessment_id: int, lang: str = "en") -> str:
    """Ask for the PDF report through the web form; return the job's page URL."""
    res = post_form(
        client,
        f"/assessments/{assessment_id}/report",
        {"language": lang},
        form_url=f"/assessments/{assessment_id}/results",
    )
    assert res.status_code == 302, res.status_code
    url: str = res.headers["Location"]
    assert re.search(r"/assessments/\d+/report/\d+$", url), url
    return url


def wait_for_report(client: FlaskClient, url: str, timeout: float = 180) -> dict[str, Any]:
    """Poll the job's status until it is done or failed; fail the test after ``timeout``."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        status: dict[str, Any] = client.get(url + "/status").get_json()
        if status["status"] in ("done", "failed"):
            return status
        time.sleep(0.3)
    raise AssertionError("report did not finish")


def download_pdf(client: FlaskClient, assessment_id: int, lang: str = "en") -> bytes:
    """Ask for the PDF report through the web, wait for the job, and download it."""
    url = request_pdf(client, assessment_id, lang)
    status = wait_for_report(client, url)
    assert status["status"] == "done", status
    pdf: bytes = client.get(url + "/download").get_data()
    return pdf
