"""What a person clicks through: setup → client → assessment → three respondents → results →
self-assessment; and a sales leader's quick check → instant results → a full team assessment.

Screenshots of each step land in ``test-output/screens`` and are used in docs/user-guide.md.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.pages import create_workspace

PASSWORD = "a long enough password"
EMAIL = "marta@baltic-advisory.eu"
PHONE = {"width": 390, "height": 844}
FULL = "Sales Organization Health Check"
QUICK = "Sales Organization Quick Check"


def signed_in(page: Any, server: str) -> None:
    """Sign in as the workspace owner, setting the workspace up when this runs first."""
    page.goto(server + "/")
    if "/setup" in page.url:
        create_workspace(page, "Baltic Sales Advisory", "Marta Nowak", EMAIL, PASSWORD)
    elif "/login" in page.url:
        page.get_by_label("E-mail").fill(EMAIL)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(server + "/")


def questionnaire_choice(page: Any, title: str) -> Any:
    """The radio button of a questionnaire on the self-assessment form, by its title."""
    return page.get_by_role("radio", name=re.compile("^" + re.escape(title)))


def answer_page(page: Any, pick: int) -> None:
    """Answer every question on the current page: option ``pick`` (clamped), mid-range numbers."""
    for box in page.locator("fieldset.question[data-question]").all():
        radios = box.locator("label.option:not(.special) input[type=radio]")
        n = radios.count()
        if n:
            box.locator("label.option:not(.special)").nth(min(pick, n - 1)).click()
            continue
        number = box.locator("input.number")
        if number.count():
            lo = float(number.get_attribute("data-min") or 0)
            hi = float(number.get_attribute("data-max") or 100)
            number.fill(f"{(lo + hi) / 2:g}")
            number.blur()


def answer_all(
    page: Any, pick: int, stop_after: int | None = None, shot: Path | None = None
) -> None:
    number = 0
    while "/respond/page/" in page.url:
        number += 1
        answer_page(page, pick)
        if shot is not None and number == 2:
            page.wait_for_timeout(700)  # let autosave finish so the "saved" state shows
            page.screenshot(path=str(shot), full_page=True)
        if stop_after is not None and number >= stop_after:
            page.wait_for_timeout(900)
            return
        page.get_by_role("button", name=re.compile("Save and")).click()
        page.wait_for_load_state()


def test_consultant_journey(server: str, browser: Any, shots: Path) -> None:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.goto(server + "/")
    assert "/setup" in page.url
    page.get_by_label("Workspace or firm name").fill("Baltic Sales Advisory")
    page.get_by_label("Your name").fill("Marta Nowak")
    page.get_by_label("E-mail").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat password").fill(PASSWORD)
    page.screenshot(path=str(shots / "01-setup.png"), full_page=True)
    page.get_by_role("button", name="Create workspace").click()
    page.wait_for_url(server + "/")

    page.get_by_role("link", name="New client").first.click()
    page.get_by_label("Name").fill("Northwind Distribution")
    page.get_by_label("Industry").fill("Wholesale distribution")
    page.get_by_label("Size (employees)").select_option("201-1000")
    page.get_by_label("Sales motion").select_option("hybrid")
    page.get_by_label("Regions").fill("Poland, Romania")
    page.screenshot(path=str(shots / "02-client.png"), full_page=True)
    page.get_by_role("button", name="Save").click()

    page.get_by_role("link", name="New assessment").click()
    page.get_by_label("Title").fill("Sales health check Q1")
    page.screenshot(path=str(shots / "03-assessment.png"), full_page=True)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/assessments/\d+"))

    page.get_by_label("One per line: name, e-mail, role, team").fill(
        "Anna Kowalska, , sales_manager, North\nBogdan Ionescu, , sales_rep, South\nChen Wei, , sales_rep, North"
    )
    page.get_by_role("button", name="Add all").click()
    page.wait_for_url(re.compile(r"/links"))
    links = [el.input_value() for el in page.locator("input.link-field").all()]
    assert len(links) == 3 and all("/r/" in link for link in links)
    page.screenshot(path=str(shots / "04-links.png"), full_page=True)
    page.get_by_role("link", name="Done").click()
    page.get_by_role("button", name="Open for answers").click()
    page.screenshot(path=str(shots / "05-assessment-open.png"), full_page=True)

    # respondent 1 on a desktop
    r1 = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    r1.goto(links[0])
    assert "/r/" not in r1.url  # the token left the address bar
    r1.screenshot(path=str(shots / "06-respondent-intro.png"), full_page=True)
    r1.get_by_role("button", name="Start").click()
    answer_all(r1, 3, shot=shots / "07-respondent-page.png")
    r1.screenshot(path=str(shots / "08-review.png"), full_page=True)
    r1.get_by_role("button", name="Submit my answers").click()
    expect(r1.locator("body")).to_contain_text("Thank you")
    r1.screenshot(path=str(shots / "09-thanks.png"), full_page=True)

    # respondent 2 on a phone
    phone = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    r2 = phone.new_page()
    r2.goto(links[1])
    r2.get_by_role("button", name="Start").click()
    answer_all(r2, 1, shot=shots / "10-phone-page.png")
    r2.get_by_role("button", name="Submit my answers").click()
    expect(r2.locator("body")).to_contain_text("Thank you")
    width = r2.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"page scrolls sideways on a phone ({width}px)"

    # respondent 3 closes the tab midway, then resumes with the same link in a new browser
    c3 = browser.new_context(viewport={"width": 1280, "height": 900})
    r3 = c3.new_page()
    r3.goto(links[2])
    r3.get_by_role("button", name="Start").click()
    answer_all(r3, 2, stop_after=4)
    c3.close()
    r3b = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    r3b.goto(links[2])
    assert "Continue where you left off" in r3b.content()
    r3b.get_by_role("button", name="Continue where you left off").click()
    r3b.wait_for_url(re.compile(r"/respond/page/[45]$"))
    r3b.screenshot(path=str(shots / "11-resumed.png"), full_page=True)
    answer_all(r3b, 2)
    r3b.get_by_role("button", name="Submit my answers").click()
    expect(r3b.locator("body")).to_contain_text("Thank you")

    # the consultant sees the results
    page.goto(server + "/")
    assert "3 / 3" in page.content()  # completion on the dashboard
    page.get_by_role("link", name="Sales health check Q1").click()
    page.get_by_role("link", name="Results", exact=True).click()
    page.wait_for_url(re.compile(r"/results$"))
    content = page.content()
    assert "Overall health" in content and "CRM implementation and adoption" in content
    page.screenshot(path=str(shots / "12-results.png"), full_page=True)
    page.goto(server + "/")
    page.screenshot(path=str(shots / "13-dashboard.png"), full_page=True)

    # a sales leader assesses their own organization with the full questionnaire, chosen
    # explicitly (the form pre-selects the quick check, tested below)
    page.get_by_role("link", name="Assess my own organization").click()
    page.get_by_label("Your organization").fill("Baltic Sales Advisory")
    questionnaire_choice(page, FULL).check()
    page.get_by_role("button", name="Start my self-assessment").click()
    expect(page.locator("body")).to_contain_text(FULL)  # the introduction names it
    page.get_by_role("button", name="Start").click()
    answer_all(page, 2)
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.locator("body")).to_contain_text("self-assessment with you as the only respondent")
    assert "Grow into a full team assessment" not in page.content()  # already the full one
    page.screenshot(path=str(shots / "15-self-results.png"), full_page=True)


def test_leader_quick_check(server: str, browser: Any, shots: Path) -> None:
    """Choose the quick check → answer → instant results with recommendations → grow into a
    full team assessment."""
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    signed_in(page, server)
    page.get_by_role("link", name="Assess my own organization").click()
    quick = questionnaire_choice(page, QUICK)
    assert quick.is_checked()  # offered first and pre-selected
    assert "about ten minutes; grows into a full team assessment" in page.content()
    page.get_by_label("Your organization").fill("Northwind Distribution")
    quick.check()
    page.screenshot(path=str(shots / "14-self-start.png"), full_page=True)
    page.get_by_role("button", name="Start my self-assessment").click()
    expect(page.locator("body")).to_contain_text(QUICK)
    page.get_by_role("button", name="Start").click()
    page.wait_for_url(re.compile(r"/respond/page/"))
    pages = 0
    while "/respond/page/" in page.url:
        pages += 1
        answer_page(page, 1)  # the second option: a weak answer, so recommendations show
        page.get_by_role("button", name=re.compile("Save and")).click()
        page.wait_for_load_state()
    assert pages == 12  # one page per element
    page.get_by_role("button", name="Submit my answers").click()

    # instant results, with recommendations and the offer to grow
    page.wait_for_url(re.compile(r"/assessments/\d+/results$"))
    results = page.content()
    assert "Overall health" in results
    recommendations = page.locator("h2", has_text="Recommendations, highest priority first")
    assert recommendations.count() == 1
    grow = page.locator("section#grow")
    assert grow.get_by_role("heading", name="Grow into a full team assessment").count() == 1
    assert f"{FULL} asks your managers and sales team too" in grow.inner_text()
    page.screenshot(path=str(shots / "16-quick-results.png"), full_page=True)
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    small = phone.new_page()
    signed_in(small, server)
    small.goto(page.url)
    width = small.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"results scroll sideways on a phone ({width}px)"
    small.locator("section#grow").screenshot(path=str(shots / "16-quick-grow-phone.png"))
    phone.close()

    grow.get_by_label("Title").fill("Northwind team assessment")
    grow.get_by_role("button", name="Grow into a full team assessment").click()
    page.wait_for_url(re.compile(r"/assessments/\d+$"))
    content = page.content()
    assert "Team assessment created with you as its first respondent" in content
    assert "Northwind team assessment" in content and "Marta Nowak" in content
    page.screenshot(path=str(shots / "17-quick-grown.png"), full_page=True)
