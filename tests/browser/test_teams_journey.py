"""Results by team in the real app: import answers with teams → the Teams heatmap with a
suppressed team (and the next smallest hidden with it) → one team against the organization
→ the team PDF; at 1280 and 390 px, in English and Russian.

Screenshots (``t01-…``) land in ``test-output/screens``; the team PDF's pages in
``test-output/screens/t05-team-pdf-*.png`` (pdftoppm).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from assessment.core.loader import find_questionnaire
from assessment.io.exports import ExportPerson, long_rows, to_csv
from tests.browser.pages import create_workspace, new_assessment, new_client
from tests.web.test_teams_page import team_people

PASSWORD = "a long enough password"
EMAIL = "marta@baltic-sales-advisory.eu"
PHONE = {"width": 390, "height": 844}


def _sign_up(page: Any, server: str) -> None:
    page.goto(server + "/")
    create_workspace(page, "Baltic Sales Advisory", "Marta Kowalczyk", EMAIL, PASSWORD)
    page.wait_for_url(server + "/")


def _no_sideways_scroll(page: Any) -> None:
    """Neither the page nor a table inside the Teams section scrolls sideways."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width
    wider = page.evaluate(
        "[...document.querySelectorAll('#teams .table-wrap')]"
        ".filter(w => w.scrollWidth > w.clientWidth + 1).length"
    )
    assert wider == 0


def _serious(page: Any) -> list[str]:
    """axe-core's serious and critical violations inside the Teams section (skipped when
    axe-playwright-python is not installed)."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:  # pragma: no cover
        return []
    found = Axe().run(page, context="#teams").response["violations"]
    return [f"{v['id']}: {v['help']}" for v in found if v["impact"] in ("serious", "critical")]


def _language(page: Any, lang: str) -> None:
    page.select_option("#ui-lang", lang)
    page.locator("footer form button").click()


def test_teams_journey(server: str, browser: Any, shots: Path, tmp_path: Path) -> None:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = ctx.new_page()
    _sign_up(page, server)
    new_client(page, "Nordwind Logistics")
    assessment_url = new_assessment(page, "Sales health check Q1")

    answers = tmp_path / "answers-with-teams.csv"
    q = find_questionnaire("sales-org-health")
    answers.write_bytes(
        to_csv(long_rows(q, [ExportPerson(p) for p in team_people()], identified=True))
    )
    page.get_by_role("link", name="Import answers").click()
    page.get_by_label("Answers file (CSV)").set_input_files(str(answers))
    page.get_by_label("Long: respondent, role, question, value[, comment] per row").check()
    page.get_by_role("button", name="Check and import").click()
    expect(page.locator(".flash-success")).to_contain_text("Imported 25 respondents")

    page.goto(assessment_url + "/results#teams")
    teams = page.locator("#teams")
    teams.wait_for()
    heat = teams.locator("table.team-heatmap")
    west = heat.locator("tr", has_text="West")
    east = heat.locator("tr", has_text="East")
    assert west.locator("td.heat-hidden").count() == 13  # 2 respondents: below the minimum
    assert east.locator("td.heat-hidden").count() == 13  # 5: hidden with West
    assert heat.locator("tr", has_text="North").locator("td.heat-hidden").count() == 0
    assert heat.locator("tr.team-pooled").count() == 1
    teams.screenshot(path=str(shots / "t01-teams-1280-en.png"))

    page.select_option("#team-select", "North")
    page.get_by_role("button", name="Show", exact=True).click()
    page.get_by_role("heading", name="North against the organization").wait_for()
    detail = teams.locator("table.team-detail")
    detail.get_by_role("columnheader", name="Gap").wait_for()  # 4 managers, 8 reps
    teams.screenshot(path=str(shots / "t02-team-north-1280-en.png"))
    assert not _serious(page)

    phone = browser.new_context(viewport=PHONE, storage_state=ctx.storage_state())
    small = phone.new_page()
    small.goto(assessment_url + "/results?team=North#teams")
    _no_sideways_scroll(small)
    small.locator("#teams").screenshot(path=str(shots / "t03-teams-390-en.png"))

    for p, width in ((page, 1280), (small, 390)):
        _language(p, "ru")
        p.goto(assessment_url + "/results?team=North#teams")
        section = p.locator("#teams")
        text = section.inner_text()
        assert "Вся организация" in text and "в сравнении с организацией" in text
        assert "Whole organization" not in text
        if width == 390:
            _no_sideways_scroll(p)
        section.screenshot(path=str(shots / f"t04-teams-{width}-ru.png"))
        assert not _serious(p), width
    _language(page, "en")
    phone.close()

    # the team PDF from the results page
    page.goto(assessment_url + "/results?team=North#teams")
    page.get_by_role("button", name="Download the team PDF").click()
    page.get_by_role("link", name="Download PDF").wait_for(timeout=120_000)
    with page.expect_download() as info:
        page.get_by_role("link", name="Download PDF").click()
    pdf = tmp_path / "team.pdf"
    info.value.save_as(str(pdf))
    assert re.search(r"North", info.value.suggested_filename)
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-r", "70", "-png", str(pdf), str(shots / "t05-team-pdf")], check=True
        )
    ctx.close()
