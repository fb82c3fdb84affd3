"""Steps on pages that several browser journeys take the same way."""

from __future__ import annotations

import re
from typing import Any


def answer_by_mouse(page: Any) -> None:
    """Click the second option of every choice question and fill numbers; then continue."""
    for box in page.locator("fieldset.question[data-question]").all():
        options = box.locator("label.option:not(.special)")
        if options.count():
            options.nth(min(1, options.count() - 1)).click()
            continue
        number = box.locator("input[type=number]")
        if number.count():
            low = float(number.get_attribute("min") or 0)
            high = float(number.get_attribute("max") or 100)
            number.fill(f"{round((low + high) / 2)}")
    with page.expect_navigation():
        page.locator("button[name=go][value=next]").click()


def create_workspace(page: Any, firm: str, name: str, email: str, password: str) -> None:
    """Fill in the first-visit setup form (the page is on ``/setup``) and send it."""
    page.get_by_label("Workspace or firm name").fill(firm)
    page.get_by_label("Your name").fill(name)
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Repeat password").fill(password)
    page.get_by_role("button", name="Create workspace").click()


def new_client(page: Any, name: str) -> str:
    """From a page with a *New client* link, create a client; return its page's URL."""
    page.get_by_role("link", name="New client").first.click()
    page.get_by_label("Name").fill(name)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/clients/\d+$"))
    return str(page.url)


def new_assessment(page: Any, title: str) -> str:
    """From a client's page, create an assessment; return its page's URL."""
    page.get_by_role("link", name="New assessment").click()
    page.get_by_label("Title").fill(title)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/assessments/\d+$"))
    return str(page.url)
