"""Correcting mistakes with respondents, as a consultant clicks it (issue 16, items 2, 3, 5), in
Chromium against ``saleshealth serve``:

5. a bulk list with a bad e-mail (``jan@acme``) and an unknown role keeps what was typed and
   names each bad line by its number; nothing is added until it is corrected;
2. reloading the "new links" page adds nobody; a respondent's name, e-mail, role and team are
   edited; one who has not answered is deleted; a revoked person no longer counts, so
   completion reads 1 of 3 (33 %) instead of 1 of 4; reloading the page that shows a new share
   link creates no second link and no longer shows the address (post/redirect/get);
3. a respondent's current link is copied twice, is the same both times and still works; the
   table shows the page reached and the last activity (a dash until the person answers, then a
   date), and the not started / in progress / submitted filters list the right people;
   "Their data" downloads the person's record.

Screenshots land in ``$SALESHEALTH_TEST_OUTPUT/screens/lifecycle`` (``l…`` names).
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.pages import answer_by_mouse, create_workspace, new_assessment, new_client

PASSWORD = "a long enough password"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

TYPED = (
    "Ann Lee, , sales_rep, North\n"
    "Jan Kowal, jan@acme, sales_rep\n"
    "Bob Ray, , ceo\n"
    "Ewa Nowak, , sales_rep, South\n"
    "Ion Popa, , sales_rep"
)
CORRECTED = (
    "Ann Lee, , sales_rep, North\n"
    "Jan Kowal, jan@acme.example, sales_rep\n"
    "Bob Ray, , sales_rep\n"
    "Ewa Nowak, , sales_rep, South\n"
    "Ion Popa, , sales_rep"
)


@pytest.fixture(scope="module")
def out(shots: Path) -> Path:
    folder = shots / "lifecycle"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def row(page: Any, name: str) -> Any:
    """The respondents table's row of ``name``."""
    return page.locator("#respondents tbody tr").filter(has_text=name)


def stat(page: Any, label: str) -> str:
    """A figure of the response progress card (invited, started, submitted, completion)."""
    box = page.locator(".stats .stat").filter(has=page.locator(f".stat-label:text-is('{label}')"))
    return str(box.locator(".stat-value").inner_text()).strip()


def names_listed(page: Any) -> list[str]:
    cells = page.locator("#respondents tbody tr td[data-label='Name']").all_inner_texts()
    return sorted(cell.splitlines()[0].strip() for cell in cells)


def show_state(page: Any, label: str) -> None:
    """Click a filter above the respondents table and wait for its page."""
    page.locator("nav.filters a").filter(has_text=label).click()
    expect(page.locator("nav.filters a[aria-current=page]")).to_contain_text(label)


def test_correcting_mistakes_with_respondents(server: str, browser: Any, out: Path) -> None:
    ctx = browser.new_context(viewport=DESKTOP)
    page = ctx.new_page()
    page.goto(server + "/")
    create_workspace(
        page, "Baltic Sales Partners", "Marta Zielińska", "marta@baltic-sales.example", PASSWORD
    )
    page.wait_for_url(server + "/")
    client_url = new_client(page, "Hansa Freight")
    assessment_url = new_assessment(page, "Sales health check, autumn")

    # --- item 5: a list with two bad lines keeps the text and names the lines ------------
    people = page.get_by_label("One per line: name, e-mail, role, team")
    people.fill(TYPED)
    page.get_by_role("button", name="Add all").click()
    errors = page.locator(".add-respondents .field.has-error p.error")
    expect(errors.first).to_contain_text("Nothing was added")
    listed = errors.all_inner_texts()
    assert any("line 2" in e and "'jan@acme' is not an e-mail address" in e for e in listed), listed
    assert any("line 3" in e and "unknown role 'ceo'" in e for e in listed), listed
    assert not any("line 1" in e or "line 4" in e or "line 5" in e for e in listed), listed
    kept = page.get_by_label("One per line: name, e-mail, role, team")
    assert kept.input_value().replace("\r\n", "\n") == TYPED  # what was typed is kept
    assert kept.get_attribute("aria-describedby")  # the errors are tied to the field
    page.screenshot(path=str(out / "l01-bulk-list-errors.png"), full_page=True)
    page.goto(assessment_url)
    expect(page.locator("#respondents")).to_contain_text("No respondents yet.")

    kept = page.get_by_label("One per line: name, e-mail, role, team")
    kept.fill(CORRECTED)
    page.get_by_role("button", name="Add all").click()
    page.wait_for_url(re.compile(r"/links\?"))
    links = [el.input_value() for el in page.locator("input.link-field").all()]
    assert len(links) == 5 and len(set(links)) == 5

    # --- item 2: reloading the new-links page adds nobody and changes no link -------------
    page.reload()
    page.wait_for_url(re.compile(r"/links\?"))
    assert [el.input_value() for el in page.locator("input.link-field").all()] == links
    page.screenshot(path=str(out / "l02-links-after-reload.png"), full_page=True)
    page.get_by_role("link", name="Done").click()
    page.wait_for_url(assessment_url)
    expect(page.locator("nav.filters")).to_contain_text("All (5)")
    assert stat(page, "invited") == "5"

    # edit a respondent: name, e-mail, role and team
    row(page, "Bob Ray").get_by_role("link", name="Edit").click()
    page.wait_for_url(re.compile(r"/respondents/\d+/edit$"))
    page.get_by_label("Name (optional)").fill("Robert Ray")
    page.get_by_label("E-mail (optional)").fill("robert.ray@hansa-freight.example")
    page.get_by_label("Role").select_option("sales_manager")
    page.get_by_label("Team (optional)").fill("Central")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(assessment_url)
    expect(page.locator(".flash-success")).to_contain_text("saved")
    edited = row(page, "Robert Ray")
    expect(edited).to_contain_text("robert.ray@hansa-freight.example")
    expect(edited.locator("td[data-label='Role']")).to_have_text("Sales manager / team lead")
    expect(edited.locator("td[data-label='Team']")).to_contain_text("Central")
    assert row(page, "Bob Ray").count() == 0
    page.screenshot(path=str(out / "l03-respondent-edited.png"), full_page=True)

    page.get_by_role("button", name="Open for answers").click()
    page.get_by_role("button", name="Close and freeze answers").wait_for()

    # delete one who has not answered (the dialog is accepted as a person would)
    ewa = row(page, "Ewa Nowak")
    code = ewa.locator("code").inner_text().strip()
    ewa.get_by_role("button", name="Delete").click()
    expect(page.locator(".flash-success")).to_contain_text(f"Respondent {code} deleted.")
    assert row(page, "Ewa Nowak").count() == 0
    expect(page.locator("nav.filters")).to_contain_text("All (4)")

    # --- item 3: copy Ann's link twice: the same link both times, and it still works -----
    copied = []
    for _ in range(2):
        row(page, "Ann Lee").get_by_role("link", name="Copy link").click()
        page.wait_for_url(re.compile(r"/links\?.*kind=one"))
        fields = page.locator("input.link-field")
        expect(fields).to_have_count(1)
        copied.append(fields.input_value())
        page.get_by_role("link", name="Done").click()
        page.wait_for_url(assessment_url)
    assert copied[0] == copied[1] == links[0]
    assert row(page, "Ann Lee").locator("td[data-label='Last activity']").inner_text() == "–"
    expect(row(page, "Ann Lee").locator("td[data-label='Status']")).to_contain_text("Not started")

    # Ann opens the link copied first, on her phone, and answers two pages
    ann_ctx = browser.new_context(viewport=PHONE)
    ann = ann_ctx.new_page()
    ann.goto(copied[0])
    expect(ann.locator("form[action$='/respond/start']")).to_be_visible()  # not an error page
    with ann.expect_navigation():
        ann.locator("form[action$='/respond/start'] [type=submit]").click()
    answer_by_mouse(ann)
    answer_by_mouse(ann)
    assert "/respond/page/" in ann.url, ann.url

    page.reload()
    ann_row = row(page, "Ann Lee")
    expect(ann_row.locator("td[data-label='Status']")).to_contain_text("In progress")
    expect(ann_row.locator("td[data-label='Status']")).to_contain_text(re.compile(r"page 2 of \d+"))
    activity = ann_row.locator("td[data-label='Last activity']").inner_text().strip()
    assert activity != "–" and str(date.today().year) in activity, activity

    # the filters
    show_state(page, "In progress")
    assert names_listed(page) == ["Ann Lee"]
    page.screenshot(path=str(out / "l04-in-progress-page-and-activity.png"), full_page=True)
    show_state(page, "Not started")
    assert names_listed(page) == ["Ion Popa", "Jan Kowal", "Robert Ray"]
    show_state(page, "Submitted")
    expect(page.locator("#respondents")).to_contain_text("No respondents in this state.")

    # Ann finishes: the rest of the pages, the review, submit
    while "/respond/page/" in ann.url:
        answer_by_mouse(ann)
    assert ann.url.endswith("/respond/review"), ann.url
    with ann.expect_navigation():
        ann.locator("#submit-form [type=submit]").click()
    assert ann.url.endswith("/respond/thanks"), ann.url
    ann_ctx.close()

    page.reload()
    assert names_listed(page) == ["Ann Lee"]  # still filtered on "Submitted"
    show_state(page, "All")
    assert stat(page, "invited") == "4" and stat(page, "submitted") == "1"
    assert stat(page, "completion") == "25%"

    # "Their data": the person's record as a download (a data-access request)
    with page.expect_download() as download_info:
        row(page, "Ann Lee").get_by_role("link", name="Their data").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".json")
    record = json.loads(Path(download.path()).read_text())
    assert record["person"]["name"] == "Ann Lee" and record["person"]["submitted_at"]
    assert len(record["answers"]) >= 10

    # --- item 2: a revoked person no longer counts: 1 of 3 submitted --------------------
    row(page, "Ion Popa").get_by_role("button", name="Revoke").click()
    expect(page.locator(".flash-success")).to_contain_text("Link revoked")
    expect(row(page, "Ion Popa")).to_contain_text("link revoked")
    assert stat(page, "invited") == "3" and stat(page, "submitted") == "1"
    assert stat(page, "completion") == "33%"
    page.screenshot(path=str(out / "l05-completion-of-live-respondents.png"), full_page=True)

    # --- item 2: reloading the page that shows a new share link creates no second one ---
    page.goto(client_url)
    page.get_by_role("link", name="New share link").click()
    page.wait_for_url(re.compile(r"/share-links/new$"))
    page.get_by_label("Who is it for? (shown only to your team)").fill("Head of sales")
    page.get_by_label("Password for the guest (at least 10 characters)").fill(PASSWORD)
    page.get_by_label("Repeat password").fill(PASSWORD)
    page.get_by_role("button", name="Create the link").click()
    page.wait_for_url(re.compile(r"/share-links/\d+/created$"))
    share = page.locator("#share-url").input_value()
    assert "/s/" in share and "/s/" not in page.url
    page.reload()  # a GET now: the address is gone, nothing is sent again
    page.wait_for_url(re.compile(r"/clients/\d+#sharing$"))
    expect(page.locator(".flash-info")).to_contain_text("shown only once")
    assert share not in page.content()
    expect(page.locator("#sharing tbody tr")).to_have_count(1)
    page.screenshot(path=str(out / "l06-share-link-after-reload.png"), full_page=True)
    guest = browser.new_context(viewport=PHONE)
    response = guest.new_page().goto(share)
    assert response is not None and response.ok  # the link that was shown works
    guest.close()
    ctx.close()
