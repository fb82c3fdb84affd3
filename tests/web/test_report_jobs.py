"""PDF reports from the web: queued off the request path, progress, authorised download."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.web.conftest import (
    add_people,
    build_app,
    close_app,
    new_assessment,
    new_client,
    open_assessment,
    post_form,
    request_pdf,
    sign_up_owner,
    wait_for_report,
)
from tests.web.test_flow import answer_all

# Redis runs on every machine of this project (127.0.0.1:6379); database 15 is the tests'.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _answered_assessment(owner: FlaskClient) -> int:
    aid = new_assessment(owner, new_client(owner, "Northwind <b>Distribution</b>"))
    links = add_people(owner, aid, ", , sales_rep\n, , sales_rep\n, , sales_rep\n, , executive")
    open_assessment(owner, aid)
    for link in links:
        answer_all(owner.application.test_client(), link)
    return aid


@dataclass
class FinishedReport:
    """A Polish PDF requested through the web, its job page while pending, and its status."""

    app: Flask
    owner: FlaskClient
    url: str
    pending_page: str
    status: dict[str, Any]


@pytest.fixture(scope="module")
def finished_report(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FinishedReport]:
    """One report rendered off the request path, inspected by the two tests below.

    Rendering is the slow part, so they share it (and its database: on PostgreSQL the
    tests after them, with their own ``app``, empty that database, so these two come first).
    """
    app = build_app(tmp_path_factory.mktemp("report-jobs"))
    owner = sign_up_owner(app.test_client())
    aid = _answered_assessment(owner)
    url = request_pdf(owner, aid, "pl")
    pending_page = owner.get(url).get_data(as_text=True)
    status = wait_for_report(owner, url)
    yield FinishedReport(app, owner, url, pending_page, status)
    close_app(app)


def test_report_renders_off_the_request_path_and_downloads(
    finished_report: FinishedReport,
) -> None:
    page, owner, url = finished_report.pending_page, finished_report.owner, finished_report.url
    assert 'http-equiv="refresh"' in page or "Download PDF" in page or "Pobierz" in page
    status = finished_report.status
    assert status["status"] == "done", status
    assert int(status["pages"]) > 10
    pdf = owner.get(url + "/download")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert pdf.headers["Content-Disposition"].startswith("attachment;")
    assert pdf.headers["Content-Disposition"].endswith('-pl.pdf"')


def test_report_download_is_not_served_to_other_workspaces_or_anonymous(
    finished_report: FinishedReport,
) -> None:
    app, url = finished_report.app, finished_report.url
    anonymous = app.test_client()
    assert anonymous.get(url + "/download").status_code == 302  # to the login page
    from tests.web.test_tenancy import _second_workspace

    rival = _second_workspace(app)
    assert rival.get(url + "/download").status_code == 404
    assert rival.get(url).status_code == 404


def test_a_repeat_request_of_the_rendered_report_is_served_from_the_cache(
    finished_report: FinishedReport,
) -> None:
    """The fingerprint a real render stored matches the next request's: no second render."""
    owner, url = finished_report.owner, finished_report.url
    aid = url.split("/assessments/")[1].split("/")[0]
    res = post_form(
        owner,
        f"/assessments/{aid}/report",
        {"language": "pl"},
        form_url=f"/assessments/{aid}/results",
    )
    assert res.status_code == 302 and res.headers["Location"] == url + "/download"
    assert owner.get(res.headers["Location"]).data.startswith(b"%PDF")


def test_unknown_report_language_is_refused(owner: FlaskClient) -> None:
    aid = new_assessment(owner, new_client(owner))
    res = post_form(
        owner,
        f"/assessments/{aid}/report",
        {"language": "xx"},
        form_url=f"/assessments/{aid}/results",
    )
    assert res.status_code == 400


def test_failed_render_gives_a_clear_message(owner: FlaskClient, app: Flask) -> None:
    aid = _answered_assessment(owner)
    app.config["REPORT_TIMEOUT_S"] = 0.01  # no report can be rendered this fast
    url = request_pdf(owner, aid)
    status = wait_for_report(owner, url)
    assert status["status"] == "failed"
    page = owner.get(url)
    assert page.status_code == 200
    assert "could not be created" in page.get_data(as_text=True)


@pytest.mark.redis
def test_report_through_rq_and_a_worker(owner: FlaskClient, app: Flask) -> None:
    """With REDIS_URL set the job goes to RQ and a `saleshealth worker` process renders it."""
    import subprocess
    import sys
    from pathlib import Path

    from redis import Redis

    Redis.from_url(REDIS_URL).flushdb()
    app.config["REDIS_URL"] = REDIS_URL
    app.extensions.pop("saleshealth.report_runner", None)
    aid = _answered_assessment(owner)
    url = request_pdf(owner, aid, "zh")
    assert owner.get(url + "/status").get_json()["status"] == "queued"  # nothing renders in-process
    env = {
        **os.environ,
        "REDIS_URL": REDIS_URL,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "w" * 40,
    }
    exe = Path(sys.executable).with_name("saleshealth")
    proc = subprocess.run(
        [str(exe), "worker", "--burst"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    status = owner.get(url + "/status").get_json()
    assert status["status"] == "done", (status, proc.stderr[-2000:])
    assert owner.get(url + "/download").data.startswith(b"%PDF")
