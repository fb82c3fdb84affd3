"""Fixtures for service and view tests: ``app``, ``client``, ``db``, signed-in members.

The database is SQLite in a temporary folder, or the server named by
``TEST_DATABASE_URL`` (PostgreSQL in CI).  Every test starts from an empty database built
by the Alembic migrations.  CSRF protection stays on: helpers fetch each form and post its
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
from sqlalchemy import text

from assessment.app import create_app
from assessment.extensions import db as _db

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
TOKEN = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/tests/web/" in str(item.fspath):
            item.add_marker(pytest.mark.db)


def _reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """A fresh app on an empty, migrated database."""
    url = PG_URL or f"sqlite:///{tmp_path / 'test.sqlite'}"
    if PG_URL:
        _reset_postgres(PG_URL)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-" + "x" * 32,
            "SQLALCHEMY_DATABASE_URI": url,
            "RATELIMIT_ENABLED": False,
        },
        instance_path=str(tmp_path / "instance"),
    )
    from assessment.cli.web_cmd import prepare_database

    prepare_database(app)
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


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


@pytest.fixture
def owner(client: FlaskClient) -> FlaskClient:
    """A client signed in as the owner of a new workspace (created through the setup page)."""
    res = post_form(client, "/setup", {**OWNER, "confirm": OWNER["password"]})
    assert res.status_code == 302, res.get_data(as_text=True)
    return client


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
