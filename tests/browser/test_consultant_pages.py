"""Consultant lists and the results page in a real browser, in English, Polish and Russian.

Clicks through ``saleshealth serve`` with Debian Chromium: first visit → three clients →
searched and sorted clients → a draft (adding people comes first) → sixty respondents →
imported answers → respondents searched, sorted and paged → every assessment listed and
sorted → results with the ten top recommendations, "Show all", the priority legend and a
one-line benchmark → the same pages in Polish and Russian (no English maturity level) → a
390 px phone.

Screenshots (``c01-…``) land in ``$SALESHEALTH_TEST_OUTPUT/screens`` (``test-output``).
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from assessment.core.loader import find_questionnaire_dir, load_questionnaire
from assessment.core.synthetic import synthetic_respondents
from assessment.io.exports import ExportPerson, long_rows, to_csv
from tests.browser.pages import create_workspace

PASSWORD = "a long enough password"
PHONE = {"width": 390, "height": 844}
ENGLISH_LEVELS = ("Ad hoc", "Developing", "Defined", "Managed", "Optimized")
ROLES = ("sales_rep", "sales_rep", "sales_manager", "sales_rep", "executive", "sales_ops")


def snap(page: Any, shots: Path, name: str, selector: str | None = None) -> None:
    """A full-page screenshot, or of one element."""
    path = str(shots / f"{name}.png")
    if selector:
        page.locator(selector).first.screenshot(path=path)
    else:
        page.screenshot(path=path, full_page=True)


def answers_csv(folder: Path) -> Path:
    """Twelve synthetic respondents (codes W001…) in the long CSV layout."""
    q = load_questionnaire(find_questionnaire_dir("sales-org-health"))
    people = [
        dataclasses.replace(person, id=f"W{n:03d}")
        for n, person in enumerate(synthetic_respondents(q, 12, seed=11), start=1)
    ]
    path = folder / "workshop.csv"
    path.write_bytes(to_csv(long_rows(q, [ExportPerson(p) for p in people])))
    return path


def new_client(page: Any, server: str, name: str, industry: str, motion: str) -> None:
    page.goto(server + "/clients/new")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Industry").fill(industry)
    page.get_by_label("Sales motion").select_option(motion)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/clients/\d+$"))


def codes(page: Any) -> list[str]:
    return [c.inner_text() for c in page.locator("#respondents tbody td code").all()]


def switch_language(page: Any, label: str) -> None:
    page.locator("#ui-lang").select_option(label=label)
    page.locator("footer button[type=submit]").click()
    page.wait_for_load_state()


def test_consultant_lists_and_results(
    server: str, browser: Any, shots: Path, tmp_path: Path
) -> None:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()

    # The very first visit lands on the setup form with no "Please log in" above it.
    page.goto(server + "/")
    assert "/setup" in page.url
    assert "Please log in" not in page.content()
    create_workspace(page, "Vistula Sales Partners", "Ola Lis", "ola@vistula-partners.eu", PASSWORD)
    page.wait_for_url(server + "/")

    # Clients: search and sort in the address, without JavaScript.
    new_client(page, server, "Northwind Distribution", "Wholesale distribution", "hybrid")
    new_client(page, server, "Baltic Timber", "Forestry", "field")
    new_client(page, server, "Carpathian Oil", "Energy", "inside")
    page.goto(server + "/clients/")
    page.get_by_role("link", name="Industry").click()
    page.wait_for_url(re.compile(r"sort=industry"))
    names = [a.inner_text() for a in page.locator("tbody td:first-child a").all()]
    assert names == ["Carpathian Oil", "Baltic Timber", "Northwind Distribution"]
    assert "Hybrid" in page.content() and ">hybrid<" not in page.content()
    page.get_by_label("Search clients").fill("timber")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"q=timber"))
    assert "sort=industry" in page.url
    assert [a.inner_text() for a in page.locator("tbody td:first-child a").all()] == [
        "Baltic Timber"
    ]
    snap(page, shots, "c01-clients-search")

    # A draft: adding people comes before the CRM and data cards.
    page.goto(server + "/clients/")
    page.get_by_role("link", name="Northwind Distribution").click()
    page.get_by_role("link", name="New assessment").click()
    page.get_by_label("Title").fill("Q1 health check")
    page.get_by_text("Element ids, default weights and targets").click()
    assert page.get_by_role("cell", name="win_loss", exact=True).is_visible()
    page.get_by_role("button", name="Save").click()
    add = page.get_by_role("heading", name="Add a respondent").bounding_box()
    crm = page.get_by_role("heading", name="CRM evidence").bounding_box()
    assert add and crm and add["y"] < crm["y"]
    snap(page, shots, "c02-draft-assessment")
    people = "\n".join(
        f"Person {n:02d}, , {ROLES[n % len(ROLES)]}, {'North' if n % 2 else 'South'}"
        for n in range(1, 61)
    )
    page.get_by_label("One per line: name, e-mail, role, team").fill(people)
    page.get_by_role("button", name="Add all").click()
    page.get_by_role("link", name="Done").click()
    page.get_by_role("button", name="Open for answers").click()
    page.get_by_role("button", name="Close and freeze answers").wait_for()
    assessment_url = page.url.split("?")[0]

    # Answers from a workshop, imported.
    page.get_by_role("link", name="Import answers").click()
    page.get_by_label("Answers file (CSV)").set_input_files(str(answers_csv(tmp_path)))
    page.get_by_role("button", name="Check and import").click()
    expect(page.locator(".flash-success")).to_contain_text("Imported 12 respondents")

    # Respondents: 72 in pages of 50, searched, sorted by role, the next page.
    page.goto(assessment_url)
    assert len(codes(page)) == 50
    assert "Page 1 of 2" in page.locator("#respondents").inner_text()
    page.get_by_label("Search respondents").fill("South")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("body")).to_contain_text("30 respondents match “South”")
    page.locator("#respondents").get_by_role("link", name="Role", exact=True).click()
    page.wait_for_url(re.compile(r"sort=role"))
    roles = [
        row.locator("td").nth(2).inner_text() for row in page.locator("#respondents tbody tr").all()
    ]
    assert roles == sorted(roles, key=str.casefold) and len(roles) == 30
    page.locator("#respondents").get_by_role("link", name=re.compile(r"^Submitted \(")).click()
    page.wait_for_url(re.compile(r"state=submitted"))
    assert "q=South" in page.url and "sort=role" in page.url and "state=submitted" in page.url
    assert "No respondent matches this search." in page.content()  # workshop teams differ
    page.goto(assessment_url + "#respondents")
    page.locator("#respondents").get_by_role("link", name="Next page").click()
    page.wait_for_url(re.compile(r"page=2"))
    assert len(codes(page)) == 22
    snap(page, shots, "c03-respondents-page-2")

    # Every assessment of the workspace, newest first, then by client.
    page.goto(server + "/clients/")
    page.get_by_role("link", name="Baltic Timber").click()
    page.get_by_role("link", name="New assessment").click()
    page.get_by_label("Title").fill("Baseline")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Assessments").click()
    page.wait_for_url(re.compile(r"/assessments/?$"))
    titles = [a.inner_text() for a in page.locator("tbody td:first-child > a").all()]
    assert titles == ["Baseline", "Q1 health check"]
    page.get_by_role("link", name="Client", exact=True).click()
    page.wait_for_url(re.compile(r"sort=client"))
    titles = [a.inner_text() for a in page.locator("tbody td:first-child > a").all()]
    assert titles == ["Baseline", "Q1 health check"]  # Baltic before Northwind
    snap(page, shots, "c04-assessments")

    # Results: ten recommendations, the rest behind "Show all"; priorities explained.
    page.goto(assessment_url.replace("/assessments/", "/assessments/") + "/results")
    recs = page.locator("#recommendations")
    assert recs.locator("ol.recs").first.locator(":scope > li").count() == 10
    more = recs.locator("details.more-recs")
    assert more.count() == 1
    assert not more.locator("ol.recs > li").first.is_visible()
    summary = more.locator("summary").inner_text()
    assert re.fullmatch(r"Show all \d+ recommendations \(\d+ more\)", summary), summary
    assert "Priority = element weight × points below" in recs.inner_text()
    assert recs.locator(".priority[title]").first.get_attribute("title").startswith("weight ")
    benchmark = page.locator("#benchmark")
    assert benchmark.inner_text().count("\n") == 0, "the empty benchmark is one line"
    assert "can be compared (0 so far)" in benchmark.inner_text()
    snap(page, shots, "c05-results-en")
    more.locator("summary").click()
    assert more.locator("ol.recs > li").first.is_visible()
    snap(page, shots, "c06-recommendations-all-en", "#recommendations")

    # Polish and Russian: the questionnaire's levels, roles and titles follow the interface.
    for label, lang, level_word in (("Polski", "pl", "Poziom"), ("Русский", "ru", "Уровень")):
        switch_language(page, label)
        text = page.locator("main").inner_text()
        assert level_word in text
        found = [name for name in ENGLISH_LEVELS if re.search(rf"\b{name}\b", text)]
        assert not found, f"{lang}: English level names on the results page: {found}"
        snap(page, shots, f"c07-results-{lang}")
        page.goto(assessment_url)
        text = page.locator("main").inner_text()
        assert "Sales representative" not in text and "Sales Organization Health" not in text
        snap(page, shots, f"c08-assessment-{lang}")
        page.goto(server + "/assessments/")
        snap(page, shots, f"c09-assessments-{lang}")
        page.goto(assessment_url + "/results")

    # A phone, in Russian (the longest labels).
    phone = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, storage_state=ctx.storage_state()
    )
    small = phone.new_page()
    for name, url in (
        ("c10-phone-results-ru", assessment_url + "/results"),
        ("c11-phone-assessments-ru", server + "/assessments/"),
        ("c12-phone-clients-ru", server + "/clients/?q=o"),
    ):
        small.goto(url)
        snap(small, shots, name)
    phone.close()
    ctx.close()
