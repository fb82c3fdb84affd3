"""From results to a plan with owners and dates, and what moved by the next round (issue 18).

Clicks through the real app (``saleshealth serve`` + Debian Chromium): sign up → client →
assessment with a survey tool's answers → close → results → plan from the 30/60/90-day
roadmap → owners, dates, statuses and a note → calendar export → rhythm → the next round in
one click (respondents and the unfinished plan carried over) → its answers → close → "what we
committed, what was done, what moved" on the results page and in the PDF (text extraction).
Then the plan page and the follow-through at 1280 and 390 px in English and Russian: no
horizontal scrolling and no serious or critical axe-core violation.

Screenshots (``p01-…``) land in ``$SALESHEALTH_TEST_OUTPUT/screens``.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

from icalendar import Calendar
from playwright.sync_api import expect
from pypdf import PdfReader

from assessment.core.loader import find_questionnaire
from assessment.core.synthetic import synthetic_respondents
from tests.browser.pages import create_workspace, new_assessment, new_client
from tests.browser.test_evidence_journey import open_then_close, snap
from tests.reports.conftest import answers_csv

PASSWORD = "a long enough password"
EMAIL = "ilinca@carpathia-advisory.eu"


def _sign_up(page: Any, server: str) -> None:
    page.goto(server + "/")
    create_workspace(page, "Carpathia Revenue Partners", "Ilinca Radu", EMAIL, PASSWORD)
    page.wait_for_url(server + "/")


def _answers(folder: Path, name: str, seed: int, prefix: str) -> Path:
    """A long answers CSV of twelve synthetic respondents of the shipped questionnaire."""
    people = synthetic_respondents(find_questionnaire("sales-org-health"), n=12, seed=seed)
    text = answers_csv(people).replace("\nR0", f"\n{prefix}0")
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def import_long(page: Any, csv_file: Path) -> str:
    """Upload a long answers CSV on the assessment's import page; the summary shown."""
    page.get_by_role("link", name="Import answers").click()
    page.get_by_label("Answers file (CSV)").set_input_files(str(csv_file))
    page.get_by_label("Long: respondent, role, question, value[, comment] per row").check()
    page.get_by_role("button", name="Check and import").click()
    return str(page.locator(".flash-success").inner_text())


def _edit(page: Any, title_part: str) -> None:
    item = page.locator("li.plan-item", has_text=title_part).first
    item.get_by_role("link", name=re.compile("Update status, owner, date or notes")).click()
    page.get_by_label("What is to be done").wait_for()


def _check(page: Any, shots: Path, name: str, within: str | None = None) -> None:
    """Screenshot; no horizontal scrolling; no serious or critical axe-core violation (in
    ``within`` only: the results page's other cards are not this feature's)."""
    from axe_playwright_python.sync_playwright import Axe

    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    scroll, client = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll <= client, f"{name}: {scroll} px wide in a {client} px window"
    found = Axe().run(page, context=within).response["violations"]
    bad = [
        (v["id"], [n["html"][:120] for n in v["nodes"]])
        for v in found
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"{name}: {bad}"


def test_plan_journey(server: str, browser: Any, shots: Path, tmp_path: Path) -> None:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = ctx.new_page()
    _sign_up(page, server)

    # a client and a first round with answers from a survey tool, closed
    client_url = new_client(page, "Danube Industrial Supply")
    first_url = new_assessment(page, "Sales health check March")
    summary = import_long(page, _answers(tmp_path, "march.csv", 7, "M"))
    assert "Imported 12 respondents" in summary
    page.get_by_role("link", name="Back to the assessment").click()
    open_then_close(page)

    # results → the plan from the roadmap in one click
    page.get_by_role("link", name="Results").first.click()
    card = page.locator("section#plan")
    assert "Turn the recommendations into a plan" in card.inner_text()
    card.get_by_role("button", name="Make the plan from the 30/60/90-day roadmap").click()
    expect(page.locator(".flash-success")).to_contain_text(
        re.compile(r"\d+ roadmap items added to the plan")
    )
    assert page.get_by_role("heading", name="Action plan", exact=True).is_visible()
    items = page.locator("li.plan-item")
    count = items.count()
    assert 3 <= count <= 9
    assert page.get_by_role("heading", name="Days 1–30").is_visible()
    assert page.locator("li.plan-item", has_text="(proposed role)").count() == count
    snap(page, shots, "p01-plan-from-roadmap")
    titles = [t.strip() for t in page.locator("li.plan-item h3").all_inner_texts()]

    # owners, dates and statuses
    soon = dt.date.today() + dt.timedelta(days=3)
    _edit(page, titles[0])
    page.get_by_label("Member or person at the client").select_option(
        label="A person at the client (name below)"
    )
    page.get_by_label("Name of the person at the client").fill("Ewa Zielinska")
    page.get_by_label("Their e-mail (for reminders, optional)").fill("ewa@danube-supply.eu")
    page.get_by_label("Due date").fill(soon.isoformat())
    page.get_by_label("Status").select_option(label="In progress")
    snap(page, shots, "p02-item-form")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash-success")).to_contain_text("Plan item saved.")
    _edit(page, titles[0])
    page.get_by_label("Note").fill("Kick-off with the regional managers on Monday.")
    page.get_by_role("button", name="Add note").click()
    expect(page.locator(".flash-success")).to_contain_text("Note added.")
    page.get_by_role("link", name="Action plan").first.click()
    _edit(page, titles[1])
    page.get_by_label("Member or person at the client").select_option(label="Ilinca Radu")
    page.get_by_label("Status").select_option(label="Done")
    page.get_by_role("button", name="Save").click()
    _edit(page, titles[2])
    page.get_by_label("Status").select_option(label="Dropped")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("body")).to_contain_text("say why the item is dropped")  # at its field
    page.get_by_label("Why it is dropped").fill("Folded into the pipeline review.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash-success")).to_contain_text("Plan item saved.")
    page.get_by_role("link", name="owner", exact=True).click()
    assert page.get_by_role("heading", name=re.compile("Ewa Zielinska")).is_visible()
    first_item = page.locator("li.plan-item", has_text=titles[0]).first.inner_text()
    assert "Due this week" in first_item and "In progress" in first_item
    snap(page, shots, "p03-plan-by-owner")

    # the calendar: one all-day event per open item with a date
    with page.expect_download() as info:
        page.get_by_role("link", name="Due dates as a calendar (.ics)").click()
    ics = tmp_path / info.value.suggested_filename
    info.value.save_as(str(ics))
    assert ics.name == "plan-danube-industrial-supply.ics"
    events = list(Calendar.from_ical(ics.read_bytes()).walk("VEVENT"))
    assert len(events) == count - 2  # the done and the dropped item have no event
    assert any(e.decoded("DTSTART") == soon for e in events)

    # the rhythm, and the next round in one click
    page.get_by_label("Re-assess").select_option(label="Quarterly")
    page.get_by_label("E-mail owners before and after their due dates").check()
    page.get_by_role("button", name="Save").last.click()
    expect(page.locator(".flash-success")).to_contain_text("Rhythm saved.")
    assert "Next round due on" in page.locator("#rhythm").inner_text()
    page.get_by_label("Title", exact=True).fill("Sales health check June")
    page.get_by_role("button", name="Create the next round").click()
    expect(page.locator(".flash-success")).to_contain_text(
        "with 12 respondents and the unfinished plan carried over"
    )
    second_url = page.url
    assert second_url != first_url
    summary = import_long(page, _answers(tmp_path, "june.csv", 11, "J"))
    assert "Imported 12 respondents" in summary
    page.get_by_role("link", name="Back to the assessment").click()
    open_then_close(page)

    # what we committed, what was done, what moved
    page.get_by_role("link", name="Results").first.click()
    moved = page.locator("section#what-moved")
    text = moved.inner_text()
    assert "What we committed, what was done, what moved" in text
    assert "Since Sales health check March:" in text
    assert f"{count} items committed" in text and "1 done" in text and "1 dropped" in text
    assert "Folded into the pipeline review." in text
    assert "continues in the new plan" in text  # unfinished items went on into June's plan
    assert re.search(r"\d+ → \d+", text)
    snap(page, shots, "p04-what-moved")
    moved.screenshot(path=str(shots / "p04b-what-moved-card.png"))

    # ... and in the PDF
    page.get_by_role("button", name="Download PDF").click()
    page.wait_for_selector("text=Download PDF", timeout=180_000)
    with page.expect_download() as info:
        page.get_by_role("link", name="Download PDF").click()
    pdf = Path(info.value.path()).read_bytes()
    pdf_text = " ".join(
        " ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages
    )
    assert "What we committed, what was done, what moved" in pdf_text
    assert "After Sales health check March the organization committed to" in pdf_text
    assert "Folded into the pipeline review." in pdf_text
    assert "Action plan" in pdf_text  # June's plan: the items carried over
    (shots.parent / "plan-journey.pdf").write_bytes(pdf)

    # the plan page and the follow-through on a phone and in Russian
    plan_url = client_url + "/plan"
    results_url = second_url + "/results"
    for lang in ("en", "ru"):
        for width in (1280, 390):
            view = browser.new_context(viewport={"width": width, "height": 900})
            p = view.new_page()
            p.goto(server + "/login")
            p.get_by_label("E-mail").fill(EMAIL)
            p.get_by_label("Password").fill(PASSWORD)
            p.get_by_role("button", name="Sign in").click()
            p.wait_for_url(server + "/")
            if lang != "en":
                p.select_option("footer select[name=lang]", lang)
                with p.expect_navigation():
                    p.click("footer form button[type=submit]")
            p.goto(plan_url)
            if lang == "ru":
                assert "План действий" in p.inner_text("main")
            _check(p, shots, f"p05-plan-{lang}-{width}")
            p.goto(results_url + "#what-moved")
            if lang == "ru":
                assert "Что мы наметили, что сделано, что изменилось" in p.inner_text("main")
            p.locator("section#what-moved").screenshot(
                path=str(shots / f"p06-what-moved-{lang}-{width}.png")
            )
            _check(p, shots, f"p06-results-{lang}-{width}", "section#what-moved")
            p.goto(server + "/")
            _check(p, shots, f"p07-dashboard-{lang}-{width}", "section#plan-due")
            view.close()
    ctx.close()
