"""A consultant's second visit: workshop answers, CRM evidence, exports, a follow-up, the trend, the API.

Clicks through the real app (``saleshealth serve`` + Debian Chromium):
sign up / sign in → client → assessment → import a survey tool's wide CSV with a column
mapping → CRM opportunity export with a quota → results with the CRM evidence card →
anonymous XLSX export → close → follow-up with new links → import the second round →
close → client trend → API token and ``/api/v1/assessments`` → custom questionnaire upload.

Screenshots (``e01-…``) land in ``test-output/screens``; some are used in docs/user-guide.md.
"""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path
from typing import Any

import openpyxl
from playwright.sync_api import expect

from tests.browser.pages import create_workspace, new_assessment

DATA = Path(__file__).parent / "data"
REPO_DATA = Path(__file__).resolve().parents[1] / "data"
PASSWORD = "a long enough password"
EMAIL = "ilinca@carpathia-advisory.eu"
NAMES = (
    "Ewa Zielinska",
    "Piotr Nowicki",
    "Ioana Popescu",
    "Tomasz Wrobel",
    "Andrei Munteanu",
    "Li Na",
)
FIRST_CODES = [f"S1-{i:03d}" for i in range(1, 7)]
SECOND_CODES = [f"S2-{i:03d}" for i in range(1, 7)]


def snap(page: Any, shots: Path, name: str) -> None:
    """A full-page screenshot at the page's 1280 px width."""
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)


def import_wide(page: Any, csv_file: Path, mapping: Path, shot: Path | None = None) -> str:
    """Upload a wide survey export with its mapping on the assessment's import page."""
    page.get_by_role("link", name="Import answers").click()
    page.get_by_label("Answers file (CSV)").set_input_files(str(csv_file))
    page.get_by_label("Wide: one row per respondent, one column per question").check()
    page.get_by_label(
        "Column-mapping file (YAML, wide files from other tools only)"
    ).set_input_files(str(mapping))
    if shot is not None:
        page.screenshot(path=str(shot), full_page=True)
    page.get_by_role("button", name="Check and import").click()
    summary = page.locator(".flash-success").inner_text()
    return str(summary)


def open_then_close(page: Any) -> None:
    """Draft → open → closed, with the buttons on the assessment page."""
    # The assessment page may still be loading: wait for one of its status buttons.
    page.get_by_role(
        "button", name=re.compile(r"^(Open for answers|Close and freeze answers)$")
    ).first.wait_for()
    if page.get_by_role("button", name="Open for answers").count():
        page.get_by_role("button", name="Open for answers").click()
    page.get_by_role("button", name="Close and freeze answers").click()
    page.get_by_role("button", name="Reopen").wait_for()


def test_evidence_journey(server: str, browser: Any, shots: Path, tmp_path: Path) -> None:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = ctx.new_page()

    # sign up (first run creates the workspace), sign out, sign in again
    page.goto(server + "/")
    assert "/setup" in page.url
    create_workspace(page, "Carpathia Revenue Partners", "Ilinca Radu", EMAIL, PASSWORD)
    page.wait_for_url(server + "/")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/login"))
    page.get_by_label("E-mail").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(server + "/")
    assert page.get_by_role("button", name="Sign out").is_visible()

    # client and assessment
    page.get_by_role("link", name="New client").first.click()
    page.get_by_label("Name").fill("Danube Industrial Supply")
    page.get_by_label("Industry").fill("Industrial distribution")
    page.get_by_label("Size (employees)").select_option("201-1000")
    page.get_by_label("Sales motion").select_option("field")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_role("heading", name="Danube Industrial Supply").is_visible()
    client_url = page.url
    new_assessment(page, "Sales health check March")
    assert "No respondents yet." in page.content()  # they come from the survey tool
    first_url = page.url
    first_id = int(first_url.rstrip("/").split("/")[-1])

    # 1. workshop answers from a survey tool's wide CSV with a column mapping
    summary = import_wide(
        page, DATA / "survey-q1.csv", DATA / "survey-mapping.yaml", shots / "e01a-import-form.png"
    )
    assert "Imported 6 respondents from survey-q1.csv." in summary
    assert "2 comments" in summary
    by_role = dict(
        line.rsplit("\t", 1)
        for line in page.locator("table.compact tbody").inner_text().splitlines()
    )
    assert by_role == {
        "Executive / sales director": "1",
        "Sales manager / team lead": "2",
        "Sales representative / account manager": "3",
    }, by_role
    codes = page.locator("p.small code").all_inner_texts()
    assert codes == FIRST_CODES
    assert "Submitted at" in page.locator("p.hint").first.inner_text()  # ignored column listed
    snap(page, shots, "e01-import-summary")
    page.get_by_role("link", name="Back to the assessment").click()
    assert page.locator(".stat-value").first.inner_text() == "6"  # invited = imported respondents
    assert page.locator("span.tag", has_text="imported").count() == 6

    # 2. CRM opportunity export with a quota
    page.get_by_role("link", name="Upload CRM data").click()
    page.get_by_label("Opportunity export (CSV or XLSX)").set_input_files(
        str(REPO_DATA / "crm" / "hubspot.csv")
    )
    # the export was taken on 1 July 2024: stale deals and the quota quarter count from then
    page.get_by_label("Figures as of (optional, default today)").fill("2024-07-01")
    page.locator("input[name=quota]").fill("10000")
    page.get_by_label("Stage probabilities in percent, one stage per line").fill("Proposal: 50")
    page.get_by_role("button", name="Compute and save").click()
    assert not page.locator(".flash-error").count(), page.locator(".flash-error").inner_text()
    current = page.locator("section.card", has=page.get_by_role("heading", name="Current figures"))
    text = current.inner_text()
    assert "From hubspot.csv (9 deals)" in text
    assert "deals (4 open, 2 won, 3 lost)" in text
    assert "40" in current.locator(".stat-value").nth(1).inner_text()  # win rate 2 of 5
    assert "40 days" in text  # median sales cycle
    money = current.locator("table.crm-money").inner_text()
    # EUR, win rate by value 50 %, average won 15,000, open 12,000, weighted 6,000 (Proposal at 50 %)
    for figure in ("EUR", "50", "15,000", "12,000", "6,000"):
        assert figure in money, (figure, money)
    assert re.search(r"\d\.\d+(\s|\xa0)?(×|x target)", money), money  # coverage of the quota
    lost = page.locator("section.card", has=page.get_by_role("heading", name="Top lost reasons"))
    assert re.search(r"Price\s+2", lost.inner_text())
    snap(page, shots, "e02-crm-kpis")

    # 3. results with the CRM evidence card
    page.get_by_role("link", name="Results").first.click()
    card = page.locator("section.crm-evidence")
    card_text = card.inner_text()
    assert "Evidence from CRM data" in card_text
    win_row = card.locator("tr", has_text="what share did it win").inner_text()
    assert "40.0" in win_row and "%" in win_row, win_row
    cover_row = card.locator("tr", has_text="how large is the qualified open pipeline").inner_text()
    crm_value, believed = re.findall(r"(\d+\.\d) x target", cover_row)[:2]
    assert float(crm_value) < 3.0 and believed == "3.0", cover_row  # leaders believe 3x
    assert "Overall health" in page.content()
    snap(page, shots, "e03-results-crm")
    card.scroll_into_view_if_needed()
    card.screenshot(path=str(shots / "e03b-crm-card.png"))

    # 4. anonymous wide XLSX export (a Playwright download, read back with openpyxl)
    page.goto(first_url)
    page.get_by_role("link", name="Export responses").first.click()
    page.get_by_label("Wide: one row per respondent, one column per question").check()
    page.get_by_label("Excel (XLSX)").check()
    assert page.get_by_label("Anonymous: respondent codes, role and team").is_checked()
    snap(page, shots, "e04-export")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx"), download.suggested_filename
    xlsx = tmp_path / download.suggested_filename
    download.save_as(str(xlsx))
    sheet = openpyxl.load_workbook(xlsx).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header, body = rows[0], rows[1:]
    assert header[:2] == ["respondent", "role"], header[:6]
    assert "name" not in header and "email" not in header
    assert sorted(r[0] for r in body) == FIRST_CODES
    cells = " ".join(str(c) for r in rows for c in r if c is not None)
    for name in NAMES:
        assert name not in cells, f"{name} appears in the anonymous export"
    # a respondent's comment that looks like a formula stays text, never a formula cell
    cell = sheet.cell(
        row=2 + [r[0] for r in body].index("S1-005"), column=1 + header.index("comment:mgmt_rep")
    )
    assert "HYPERLINK" in str(cell.value) and cell.data_type == "s", (cell.value, cell.data_type)
    assert cell.quotePrefix or str(cell.value).startswith("'=")

    # 5. close, then start a follow-up with new links
    page.goto(first_url)
    open_then_close(page)
    assert "CRM evidence" in page.locator("section.crm-evidence").inner_text()
    snap(page, shots, "e05a-assessment-closed")
    page.get_by_role("link", name="Start a follow-up").click()
    assert page.get_by_label("Title").input_value() == "Follow-up: Sales health check March"
    page.get_by_label("Title").fill("Sales health check September")
    page.get_by_role("button", name="Start the follow-up").click()
    expect(page.locator("body")).to_contain_text("Follow-up started: new personal links")
    links = [el.input_value() for el in page.locator("input.link-field").all()]
    assert len(links) == 6 and len(set(links)) == 6 and all("/r/" in x for x in links)
    snap(page, shots, "e05-followup-links")
    page.get_by_role("link", name="Done").click()
    second_url = page.url
    second_id = int(second_url.rstrip("/").split("/")[-1])
    assert second_id != first_id
    chain = page.locator("#follow-up").inner_text()
    assert "Follows up: Sales health check March" in chain

    # 6. the second round comes in from the survey tool too; then close it
    summary = import_wide(page, DATA / "survey-q3.csv", DATA / "survey-mapping.yaml")
    assert "Imported 6 respondents from survey-q3.csv." in summary
    assert page.locator("p.small code").all_inner_texts() == SECOND_CODES
    page.get_by_role("link", name="See results").click()
    change = page.locator("section#trend")
    assert "Change since Sales health check March" in change.inner_text()
    before, after = re.search(r"Overall: (\d+) → (\d+)", change.inner_text()).groups()  # type: ignore[union-attr]
    assert int(after) > int(before)
    bench = page.locator("#benchmark").inner_text()
    assert "can be compared (1 so far)" in bench
    snap(page, shots, "e06-followup-results")
    page.goto(second_url)
    open_then_close(page)
    assert page.locator(".status-closed").first.is_visible()

    # 7. the client's trend
    page.goto(client_url)
    page.get_by_role("link", name="Compare the assessments").click()
    expect(page.locator("body")).to_contain_text("2 assessments with answers")
    trend = page.locator("table.trend-table")
    heads = trend.locator("thead th").all_inner_texts()
    assert any("Sales health check March" in h for h in heads)
    assert any("Sales health check September" in h for h in heads)
    overall = trend.locator("tbody tr").first.inner_text()
    assert re.search(r"Overall\s+\d+\s+\d+\s+\+\d", overall), overall
    chart = page.locator("section.chart img.chart")
    assert chart.evaluate("img => img.complete && img.naturalWidth > 0")  # the chart rendered
    assert "Everything is comparable" in page.locator("#not-comparable").inner_text()
    snap(page, shots, "e07-trend")

    # 8. the owner creates an API token; another tool lists the assessments with it
    page.get_by_role("link", name="API", exact=True).click()
    page.get_by_label("Token name").fill("BI dashboard")
    page.get_by_role("button", name="Create token").click()
    secret = page.locator("#new-token").input_value()
    assert len(secret) >= 32
    assert page.locator("table tbody tr", has_text="BI dashboard").count() == 1
    snap(page, shots, "e08-api-token")
    request = urllib.request.Request(
        server + "/api/v1/assessments", headers={"Authorization": f"Bearer {secret}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
        listing = json.load(response)
    assert listing["total"] == 2
    by_id = {a["id"]: a for a in listing["items"]}
    assert set(by_id) == {first_id, second_id}
    assert by_id[second_id]["previous_id"] == first_id
    assert {a["status"] for a in listing["items"]} == {"closed"}
    anonymous = urllib.request.Request(server + "/api/v1/assessments")
    try:
        urllib.request.urlopen(anonymous, timeout=10)
        raise AssertionError("the API answered without a token")
    except urllib.error.HTTPError as exc:
        assert exc.code == 401
    page.get_by_role("link", name="API", exact=True).click()  # now shows when it was last used
    assert page.locator("table tbody tr").count() == 1
    assert "never" not in page.locator("table tbody tr", has_text="BI dashboard").inner_text()

    # 9. a custom questionnaire
    page.get_by_role("link", name="Questionnaires").click()
    page.get_by_role("link", name="Upload a questionnaire").click()
    page.get_by_label("Questionnaire file (YAML, UTF-8, up to 1 MB)").set_input_files(
        str(REPO_DATA / "custom" / "team-pulse.yaml")
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("body")).to_contain_text("The questionnaire is valid.")
    page.get_by_role("button", name="Publish this version").click()
    expect(page.locator(".flash-success")).to_contain_text("Published Team Pulse 1.0.0.")
    page.get_by_role("link", name="Questionnaires").first.click()
    row = page.locator("tbody tr", has_text="Team Pulse").inner_text()
    assert "team-pulse" in row and "1.0.0" in row and "This workspace" in row
    assert "0 assessments" in row
    standard = page.locator("tbody tr", has_text="sales-org-health").first.inner_text()
    assert "Standard" in standard and "2 assessments" in standard
    snap(page, shots, "e09-questionnaires")
