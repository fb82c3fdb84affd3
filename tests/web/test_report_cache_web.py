"""The report cache and the progress page through the web, CSRF on (stand-in renderer).

A repeat request of an unchanged assessment goes straight to the download; the progress
page shows the queue position and the measured render time, in the user's language;
closing an assessment pre-renders its report.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from assessment.db import write_transaction
from assessment.db.base import utcnow
from assessment.db.models import Assessment, ReportJob
from assessment.db.tenancy import bind_workspace, unscoped
from assessment.extensions import db
from assessment.services import report_jobs, report_timing
from tests.web.conftest import post_form, wait_for_report
from tests.web.erasure_data import build
from tests.web.test_report_cache import FakeRenderer


@pytest.fixture
def renderer(monkeypatch: pytest.MonkeyPatch) -> FakeRenderer:
    fake = FakeRenderer()
    monkeypatch.setattr(report_jobs, "_renderer", lambda *a, **k: fake)
    return fake


@pytest.fixture
def aid(owner: FlaskClient, app: Flask, renderer: FakeRenderer) -> Iterator[int]:
    """An open assessment with answers, in workspace 1, with no report yet."""
    with app.app_context():
        s = db.session
        built = build(s, 1)
        with write_transaction(s):
            for job in s.scalars(select(ReportJob)):
                s.delete(job)
        db.session.remove()
    yield built.followup


def _jobs(app: Flask) -> int:
    with app.app_context(), unscoped(db.session) as s:
        n = int(s.scalar(select(func.count()).select_from(ReportJob)) or 0)
        db.session.remove()
    return n


def _request(owner: FlaskClient, aid: int, lang: str = "en") -> Any:
    return post_form(
        owner,
        f"/assessments/{aid}/report",
        {"language": lang},
        form_url=f"/assessments/{aid}/results",
    )


def test_a_repeat_download_goes_straight_to_the_file(
    owner: FlaskClient, app: Flask, aid: int, renderer: FakeRenderer
) -> None:
    assert owner.post(f"/assessments/{aid}/report", data={"language": "en"}).status_code == 400
    first = _request(owner, aid)
    assert first.status_code == 302 and "/download" not in first.headers["Location"]
    assert wait_for_report(owner, first.headers["Location"])["status"] == "done"
    token_page = owner.get(f"/assessments/{aid}/results")  # the form the user posts from
    assert token_page.status_code == 200
    started = time.perf_counter()
    again = _request(owner, aid)
    assert again.status_code == 302
    assert again.headers["Location"] == first.headers["Location"] + "/download"
    pdf = owner.get(again.headers["Location"])
    elapsed = time.perf_counter() - started
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert renderer.calls == ["en"] and _jobs(app) == 1
    assert elapsed < 2.0  # the bench (bench/bench_report_cache.py) measures it properly
    # Another language is another report.
    other = _request(owner, aid, "pl")
    assert "/download" not in other.headers["Location"]
    assert wait_for_report(owner, other.headers["Location"])["status"] == "done"
    assert renderer.calls == ["en", "pl"]


def _queued(app: Flask, aid: int, n: int) -> list[int]:
    """Jobs created directly (no runner picks them up)."""
    with app.app_context():
        s = db.session
        bind_workspace(s, 1)
        with write_transaction(s):
            jobs = [
                ReportJob(assessment_id=aid, status="queued", size_band="2-9") for _ in range(n)
            ]
            s.add_all(jobs)
        ids = [j.id for j in jobs]
        db.session.remove()
    return ids


def _timings(app: Flask, *seconds: float) -> None:
    with app.app_context():
        s = db.session
        with write_transaction(s):
            for value in seconds:
                report_timing.record(s, "full", "2-9", value, utcnow())
        db.session.remove()


def test_the_progress_page_shows_the_queue_position_and_the_measured_time(
    owner: FlaskClient, app: Flask, aid: int
) -> None:
    ids = _queued(app, aid, 3)
    url = f"/assessments/{aid}/report/{ids[2]}"
    page = owner.get(url).get_data(as_text=True)
    assert "2 reports are ahead of yours" in page
    assert "takes about" not in page  # nothing measured yet: no promise
    first = owner.get(f"/assessments/{aid}/report/{ids[0]}").get_data(as_text=True)
    assert "yours is next" in first
    _timings(app, 7.2, 7.9, 30.0)
    page = owner.get(url).get_data(as_text=True)
    assert "Once it starts, rendering takes about 8 seconds here." in page
    status = owner.get(url + "/status").get_json()
    assert (status["status"], status["ahead"], status["estimate_s"]) == ("queued", 2, 7.9)
    with app.app_context(), unscoped(db.session) as s:
        with write_transaction(s):
            job = s.get(ReportJob, ids[2])
            assert job is not None
            job.status = "running"
        db.session.remove()
    page = owner.get(url).get_data(as_text=True)
    assert "on this server this takes about 8 seconds" in page
    assert "ahead of yours" not in page
    post_form(owner, "/language", {"lang": "pl", "next": url}, form_url=url)
    assert "trwa to około 8 sekund" in owner.get(url).get_data(as_text=True)
    _timings(app, *([150.0] * 10))
    assert "trwa to około 2 minut" in owner.get(url).get_data(as_text=True)


def test_closing_pre_renders_the_report_in_the_assessments_language(
    owner: FlaskClient, app: Flask, aid: int, renderer: FakeRenderer
) -> None:
    app.config["REPORT_PRERENDER"] = True
    with app.app_context(), unscoped(db.session) as s:
        with write_transaction(s):
            assessment = s.get(Assessment, aid)
            assert assessment is not None
            assessment.language = "pl"
        db.session.remove()
    res = post_form(
        owner, f"/assessments/{aid}/status", {"status": "closed"}, form_url=f"/assessments/{aid}"
    )
    assert res.status_code == 302
    deadline = time.time() + 60
    while time.time() < deadline and renderer.calls != ["pl", "pl"]:
        time.sleep(0.1)
    assert renderer.calls == ["pl", "pl"]  # both editions, in the assessment's language
    with app.app_context(), unscoped(db.session) as s:
        jobs = list(s.scalars(select(ReportJob).order_by(ReportJob.id)))
        assert [(j.language, j.edition, j.requested_by_id) for j in jobs] == [
            ("pl", "full", None),
            ("pl", "board", None),
        ]
        while any(j.status != "done" for j in jobs) and time.time() < deadline:
            time.sleep(0.1)
            s.rollback()  # a new snapshot: the runner's thread writes meanwhile
        assert all(j.status == "done" for j in jobs)
        db.session.remove()
    res = _request(owner, aid, "pl")
    assert res.headers["Location"].endswith("/download")
    assert renderer.calls == ["pl", "pl"]


def test_closing_with_pre_rendering_off_queues_nothing(
    owner: FlaskClient, app: Flask, aid: int
) -> None:
    assert app.config["REPORT_PRERENDER"] is False  # test apps: off unless asked for
    post_form(
        owner, f"/assessments/{aid}/status", {"status": "closed"}, form_url=f"/assessments/{aid}"
    )
    assert _jobs(app) == 0
