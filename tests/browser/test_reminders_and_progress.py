"""The reminder schedule page and the report progress page in Chromium (issue 16, items 4
and 15): no horizontal scrolling at 390 px, no serious or critical axe-core violation, in
English and Russian; the progress page follows its job without a timed meta refresh (axe's
``meta-refresh``) and shows the download once the job is done.

The app runs in this process (a WSGI server thread) so the test can set up the jobs and
measured times it shows.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from assessment.db import write_transaction
from assessment.db.base import utcnow
from assessment.db.models import MemberRole, ReportJob
from assessment.db.tenancy import bind_workspace, unscoped
from assessment.extensions import db
from assessment.services import accounts, report_timing
from assessment.services.actor import Actor
from assessment.services.assessments import AssessmentSettings, create_assessment, set_status
from assessment.services.clients import ClientData, create_client
from assessment.services.link_cipher import LinkCipher
from assessment.services.questionnaires import publish_shipped
from assessment.services.respondents import RespondentData, add_respondents
from tests.web.conftest import build_app, close_app

EMAIL, PASSWORD = "olga@acme-consulting.eu", "correct horse battery"


@dataclass
class Site:
    app: Flask
    base: str
    assessment_id: int
    job_ids: list[int]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    from werkzeug.serving import make_server

    app = build_app(tmp_path_factory.mktemp("reminders-progress"))
    app.config.update(SMTP_HOST="127.0.0.1", PUBLIC_URL="https://survey.acme-consulting.eu")
    with app.app_context():
        s = db.session
        user = accounts.create_workspace_with_owner(s, "Acme Consulting", "Olga", EMAIL, PASSWORD)
        bind_workspace(s, 1)
        actor = Actor(user.id, 1, MemberRole.OWNER)
        client = create_client(s, actor, ClientData(name="Northwind Distribution"))
        a = create_assessment(
            s, actor, client.id, publish_shipped(s).id, AssessmentSettings(title="Q1 health check")
        )
        people = [
            RespondentData(role="sales_rep", name=name, email=f"{name.split()[0].lower()}@nw.eu")
            for name in ("Anna Kowalska", "Piotr Nowak", "Jan Wiśniewski")
        ]
        add_respondents(s, actor, a.id, people, LinkCipher(app.config["SECRET_KEY"]))
        set_status(s, actor, a.id, "open")
        with write_transaction(s):
            jobs = [
                ReportJob(assessment_id=a.id, status="queued", size_band="2-9") for _ in range(3)
            ]
            s.add_all(jobs)
            for seconds in (7.1, 8.3, 7.7):
                report_timing.record(s, "full", "2-9", seconds, utcnow())
        ids = [job.id for job in jobs]
        aid = a.id
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield Site(app, f"http://127.0.0.1:{server.server_port}", aid, ids)
    server.shutdown()
    close_app(app)


def _signed_in(browser: Any, site: Site, width: int, lang: str) -> tuple[Any, Any]:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(site.base + "/login")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit], form input[type=submit]")
    page.wait_for_load_state()
    if lang != "en":
        page.select_option("footer select[name=lang]", lang)
        with page.expect_navigation():
            page.click("footer form button[type=submit]")
    return context, page


def _check(page: Any, shots: Path, name: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    scroll, client = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll <= client, f"{name}: {scroll} px wide in a {client} px window"
    found = Axe().run(page).response["violations"]
    bad = [(v["id"], len(v["nodes"])) for v in found if v["impact"] in ("serious", "critical")]
    assert not bad, f"{name}: {bad}"


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("width", [1280, 390])
def test_pages_fit_and_pass_axe(
    site: Site, browser: Any, shots: Path, lang: str, width: int
) -> None:
    context, page = _signed_in(browser, site, width, lang)
    page.goto(f"{site.base}/assessments/{site.assessment_id}/reminders")
    assert page.locator("input[name=after_days]").input_value() == "5"
    _check(page, shots, f"reminders-{lang}-{width}")
    page.goto(f"{site.base}/assessments/{site.assessment_id}/report/{site.job_ids[2]}")
    text = page.inner_text("main")
    assert ("2 reports are ahead of yours" in text) if lang == "en" else ("2 отчёта" in text)
    assert ("about 8 seconds" in text) if lang == "en" else ("около 8 секунд" in text)
    _check(page, shots, f"report-progress-{lang}-{width}")
    context.close()


def test_the_progress_page_follows_its_job_to_the_download(
    site: Site, browser: Any, shots: Path
) -> None:
    context, page = _signed_in(browser, site, 1280, "en")
    job_id = site.job_ids[0]
    page.goto(f"{site.base}/assessments/{site.assessment_id}/report/{job_id}")
    assert "yours is next" in page.inner_text("main")
    assert page.locator("meta[http-equiv=refresh]").count() == 0  # only inside <noscript>
    with site.app.app_context(), unscoped(db.session) as s:
        with write_transaction(s):
            job = s.get(ReportJob, job_id)
            assert job is not None
            job.status, job.pdf, job.pages = "done", b"%PDF-1.7 stand-in", 12
        db.session.remove()
    started = time.time()
    page.wait_for_selector("text=Download PDF", timeout=15_000)
    assert time.time() - started < 10
    assert "Your report is ready (12 pages)." in page.inner_text("main")
    page.screenshot(path=str(shots / "report-ready.png"))
    context.close()
