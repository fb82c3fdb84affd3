"""The report cache, measured render times and queue positions (issue 15 "Speed", issue 16
item 15), at the service level with a stand-in renderer (rendering is not what is tested
here; tests/web/test_report_jobs.py renders for real).

A repeat request of an unchanged assessment is answered with the finished job (no render);
an answer, a respondent, the branding, the language or the edition make a new render;
closing queues the report in the assessment's language; retention and erasure remove the
cached PDFs; every render records its duration, and the estimate is their median.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfWriter
from sqlalchemy import func, select

from assessment.db import write_transaction
from assessment.db.base import utcnow
from assessment.db.models import (
    Answer,
    Assessment,
    ReportJob,
    ReportTiming,
    Respondent,
    Workspace,
)
from assessment.db.tenancy import bind_workspace, unscoped
from assessment.extensions import db
from assessment.services import report_jobs, report_timing
from assessment.services.actor import Actor
from assessment.services.erasure import erase_respondent
from assessment.services.errors import Invalid
from assessment.services.retention import (
    RetentionSettings,
    apply_retention,
    save_retention_settings,
)
from tests.web.erasure_data import add_person, build, owner_actor


def tiny_pdf(pages: int = 2) -> bytes:
    """A valid PDF of blank pages."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class FakeRenderer:
    """Stands in for the bounded renderer: counts renders, returns a small PDF."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def render(self, results: Any, q: Any, meta: Any, *, translations: Any = None) -> bytes:
        self.calls.append(meta.language)
        return tiny_pdf()


@pytest.fixture
def renderer(monkeypatch: pytest.MonkeyPatch) -> FakeRenderer:
    fake = FakeRenderer()
    monkeypatch.setattr(report_jobs, "_renderer", lambda *a, **k: fake)
    return fake


@dataclass
class Setup:
    actor: Actor
    aid: int
    """An open assessment with two answered respondents (a follow-up: it has a trend)."""
    baseline: int
    people: list[int]


@pytest.fixture
def setup(owner: FlaskClient, app: Flask, renderer: FakeRenderer) -> Iterator[Setup]:
    with app.app_context():
        s = db.session
        built = build(s, 1)
        actor = owner_actor(s)
        with write_transaction(s):  # start without the fixture's fake finished jobs
            for job in s.scalars(select(ReportJob)):
                s.delete(job)
        yield Setup(actor, built.followup, built.first, built.people[built.followup])
        db.session.remove()


def _run(job: ReportJob) -> ReportJob:
    s = db.session
    report_jobs.execute_job(s, job.id, 60, 1500)
    bind_workspace(s, 1)
    s.expire_all()
    done = s.get(ReportJob, job.id)
    assert done is not None and done.status == "done", done and done.error
    return done


def _download(setup: Setup, lang: str = "en", edition: str = "full") -> report_jobs.Requested:
    """Request the report; render it when it is new (as the runner would)."""
    requested = report_jobs.request_report(db.session, setup.actor, setup.aid, lang, edition)
    if requested.new:
        _run(requested.job)
    return requested


def test_a_repeat_request_is_served_without_rendering(setup: Setup, renderer: FakeRenderer) -> None:
    first = _download(setup)
    assert first.new and not first.cached
    again = _download(setup)
    assert again.cached and not again.new and again.job.id == first.job.id
    assert renderer.calls == ["en"]
    job = db.session.get(ReportJob, first.job.id)
    assert job is not None and job.fingerprint and job.pdf and job.pages == 2


def test_an_answer_makes_a_new_render(setup: Setup, renderer: FakeRenderer) -> None:
    s = db.session
    first = _download(setup)
    answer = s.scalar(
        select(Answer).where(
            Answer.respondent_id == setup.people[0], Answer.question_id == "crm.single_source"
        )
    )
    assert answer is not None
    with write_transaction(s):
        answer.value_text = "disagree"
    second = _download(setup)
    assert second.new and second.job.id != first.job.id
    assert _download(setup).cached
    assert len(renderer.calls) == 2


def test_new_respondent_branding_language_and_edition_each_make_a_new_render(
    setup: Setup, renderer: FakeRenderer, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = db.session
    _download(setup)
    # Someone invited (no answers yet): the response rate on the report changes.
    with write_transaction(s):
        s.add(
            Respondent(assessment_id=setup.aid, code="R0099", role="sales_rep", token_hash="x" * 64)
        )
    assert _download(setup).new
    with unscoped(s), write_transaction(s):
        workspace = s.get(Workspace, 1)
        assert workspace is not None
        workspace.primary_color = "#aa3300"
    bind_workspace(s, 1)
    assert _download(setup).new
    assert _download(setup, "pl").new
    assert _download(setup, "pl").cached
    with pytest.raises(Invalid):
        report_jobs.request_report(s, setup.actor, setup.aid, "en", "poster")
    board = _download(setup, "en", "board")
    assert board.new and board.job.edition == "board"
    assert _download(setup, "en", "full").cached  # the full edition is still current
    assert renderer.calls == ["en", "en", "en", "pl", "en"]


def test_a_trend_source_changing_makes_a_new_render(setup: Setup) -> None:
    s = db.session
    _download(setup)
    add = add_person  # a late answer in the baseline changes the trend section
    with write_transaction(s):
        add(s, setup.baseline, "R0042")
    assert _download(setup).new


def test_erasure_and_retention_remove_cached_pdfs(setup: Setup, renderer: FakeRenderer) -> None:
    s = db.session
    first = _download(setup)
    erase_respondent(s, setup.actor, setup.aid, setup.people[1], confirmed=True)
    assert s.scalar(select(func.count()).select_from(ReportJob)) == 0
    second = _download(setup)
    assert second.new and len(renderer.calls) == 2  # (SQLite may give it the same id)
    del first
    second_id = second.job.id
    save_retention_settings(s, setup.actor, RetentionSettings(files_days=7))
    removed = apply_retention(s, utcnow() + dt.timedelta(days=8))
    assert [(i.kind, i.target_id) for i in removed] == [("reports", second_id)]
    bind_workspace(s, 1)
    third = _download(setup)
    assert third.new and len(renderer.calls) == 3


def test_in_flight_requests_are_reused_only_while_they_read_current_data(setup: Setup) -> None:
    s = db.session
    queued = report_jobs.request_report(s, setup.actor, setup.aid, "en")
    assert report_jobs.request_report(s, setup.actor, setup.aid, "en").job.id == queued.job.id
    with write_transaction(s):
        queued.job.status = "running"
        queued.job.fingerprint = "an older state of the answers"
    fresh = report_jobs.request_report(s, setup.actor, setup.aid, "en")
    assert fresh.new and fresh.job.id != queued.job.id


def test_closing_pre_renders_in_the_assessments_language(setup: Setup) -> None:
    s = db.session
    with write_transaction(s):
        assessment = s.get(Assessment, setup.aid)
        assert assessment is not None
        assessment.language = "ro"
    jobs = report_jobs.prerender(s, setup.aid)
    assert [(j.language, j.edition, j.requested_by_id) for j in jobs] == [
        ("ro", "full", None),
        ("ro", "board", None),
    ]
    assert report_jobs.prerender(s, setup.aid) == []  # already queued
    for job in jobs:
        _run(job)
    assert report_jobs.prerender(s, setup.aid) == []  # already rendered
    assert report_jobs.request_report(s, setup.actor, setup.aid, "ro").cached
    assert report_jobs.request_report(s, setup.actor, setup.aid, "ro", "board").cached
    empty = setup.baseline
    with write_transaction(s):
        for r in s.scalars(select(Respondent).where(Respondent.assessment_id == empty)):
            s.delete(r)
    assert report_jobs.prerender(s, empty) == []  # nobody answered: nothing to render


def test_renders_record_their_duration_and_the_estimate_is_the_median(setup: Setup) -> None:
    s = db.session
    assert (
        report_jobs.progress(
            s, report_jobs.request_report(s, setup.actor, setup.aid, "en").job
        ).estimate_s
        is None
    )
    job = s.scalar(select(ReportJob))
    assert job is not None and job.size_band == "2-9"
    _run(job)
    timings = list(s.scalars(select(ReportTiming)))
    assert [(t.edition, t.size_band) for t in timings] == [("full", "2-9")]
    assert 0 <= timings[0].seconds < 30
    now = utcnow()
    with write_transaction(s):
        for seconds in (4.0, 5.0, 30.0, 6.0):
            report_timing.record(s, "full", "2-9", seconds, now)
        report_timing.record(s, "full", "200+", 90.0, now)
    recent = [timings[0].seconds, 4.0, 5.0, 30.0, 6.0]
    assert report_timing.estimate_seconds(s, "full", "2-9") == sorted(recent)[2]
    assert report_timing.estimate_seconds(s, "full", "200+") == 90.0
    # A band without history borrows the edition's; an edition without any has none.
    assert report_timing.estimate_seconds(s, "full", "10-49") is not None
    assert report_timing.estimate_seconds(s, "board", "2-9") is None


def test_the_history_keeps_the_newest_renders(setup: Setup) -> None:
    s = db.session
    now = utcnow()
    with write_transaction(s):
        for i in range(report_timing.KEEP + 7):
            report_timing.record(s, "full", "1", float(i), now)
    kept = sorted(s.scalars(select(ReportTiming.seconds).where(ReportTiming.size_band == "1")))
    assert kept == [float(i) for i in range(7, report_timing.KEEP + 7)]
    recent = list(range(report_timing.KEEP + 7 - report_timing.RECENT, report_timing.KEEP + 7))
    assert report_timing.estimate_seconds(s, "full", "1") == float(sorted(recent)[len(recent) // 2])


@pytest.mark.parametrize(
    ("n", "band"), [(0, "1"), (1, "1"), (2, "2-9"), (10, "10-49"), (199, "50-199"), (200, "200+")]
)
def test_size_bands(n: int, band: str) -> None:
    assert report_timing.size_band(n) == band


def test_queue_position_counts_queued_jobs_before_this_one_in_every_workspace(
    setup: Setup,
) -> None:
    s = db.session
    from tests.web.erasure_data import rival_workspace

    rival = rival_workspace(s)
    now = utcnow()
    with unscoped(s), write_transaction(s):
        rival_assessment = s.scalar(select(Assessment.id).where(Assessment.workspace_id == rival))
        s.add(ReportJob(workspace_id=rival, assessment_id=rival_assessment, status="queued"))
        s.add(
            ReportJob(
                workspace_id=rival,
                assessment_id=rival_assessment,
                status="queued",
                created_at=now - dt.timedelta(hours=3),  # abandoned: not counted
            )
        )
        s.add(ReportJob(workspace_id=rival, assessment_id=rival_assessment, status="running"))
    bind_workspace(s, 1)
    mine = report_jobs.request_report(s, setup.actor, setup.aid, "en").job
    assert report_jobs.progress(s, mine).ahead == 1
    other = report_jobs.request_report(s, setup.actor, setup.aid, "pl").job
    assert report_jobs.progress(s, other).ahead == 2
    _run(mine)
    assert report_jobs.progress(s, other).ahead == 1
