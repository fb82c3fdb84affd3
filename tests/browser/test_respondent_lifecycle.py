"""What respondents ran into (issue 16, items 1, 6, 7, 8), in Chromium against ``saleshealth serve``.

1. A mistyped or replaced personal link, a session that ended, a POST-only address and a
   consultant's unknown page are styled HTML pages in the visitor's language.
6. A refused number ("abc", 99 in 0–40) or an over-long text gets a message next to the
   field in the respondent's language, and the page status asks for a correction instead of
   blaming the connection; the same without JavaScript.
7. Rating scales on a 390 px phone are one column in the scale's order; on a desktop one row
   with "don't know" set apart at its end; radios of one size; labels inside their boxes —
   measured on every page in en, pl, ru, zh and ro.
8. A self-assessment speaks to one person and is closed once submitted.

Screenshots land in ``$SALESHEALTH_TEST_OUTPUT/screens/respondent`` (``r…`` names).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from assessment.catalogues import translations_for
from assessment.messages import Message
from tests.browser.pages import create_workspace, new_assessment, new_client

PASSWORD = "a long enough password"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
LANGS = ["en", "pl", "ru", "zh", "ro"]
HOURS = "mgmt_rep.coaching_hours"  # managers and reps, page 1: 0–40 hours a month
TEXT = "mgmt_rep.comments"


def tr(lang: str, english: str) -> str:
    """``english`` in ``lang`` (the app's own catalogue)."""
    return str(translations_for(lang).gettext(english))


def render(lang: str, message: Message) -> str:
    return message.render(translations_for(lang), lang)


@pytest.fixture(scope="module")
def out(shots: Path) -> Path:
    folder = shots / "respondent"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def setup(server: str, browser: Any) -> dict[str, Any]:
    """A workspace, an open assessment with a sales manager and sales reps; their links."""
    ctx = browser.new_context(viewport=DESKTOP)
    page = ctx.new_page()
    page.goto(server + "/")
    create_workspace(
        page, "Vistula Sales Advisory", "Agata Wiśniewska", "agata@vistula-advisory.eu", PASSWORD
    )
    page.wait_for_url(server + "/")
    new_client(page, "Odra Logistics")
    new_assessment(page, "Sales health check")
    page.get_by_label("One per line: name, e-mail, role, team").fill(
        "Ewa Nowak, , sales_manager\nIon Popa, , sales_rep\nLena Chen, , sales_rep"
    )
    page.get_by_role("button", name="Add all").click()
    page.wait_for_url(re.compile(r"/links"))
    links = [el.input_value() for el in page.locator("input.link-field").all()]
    assert len(links) == 3
    page.get_by_role("link", name="Done").click()
    page.get_by_role("button", name="Open for answers").click()
    return {"consultant": ctx, "page": page, "manager": links[0], "reps": links[1:]}


def respondent(browser: Any, link: str, viewport: dict[str, int], lang: str, **kw: Any) -> Any:
    """A respondent's page with the questionnaire language chosen on the intro page."""
    ctx = browser.new_context(viewport=viewport, extra_http_headers={"Accept-Language": "en"}, **kw)
    page = ctx.new_page()
    page.goto(link)
    choose_language(page, lang)
    return page


def choose_language(page: Any, lang: str) -> None:
    page.locator("select#lang").select_option(lang)
    page.locator("form.lang-form button").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == lang


def heading(page: Any) -> str:
    return str(page.locator("h1#error-title").inner_text()).strip()


# --- item 1 ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "pl", "zh"])
def test_error_pages_are_html_in_the_visitors_language(
    server: str, browser: Any, out: Path, lang: str
) -> None:
    ctx = browser.new_context(viewport=PHONE, extra_http_headers={"Accept-Language": lang})
    page = ctx.new_page()
    for path, status, title in (
        ("/r/mistyped-or-replaced", 404, "This link is not valid"),
        ("/respond/", 403, "Please open your personal link again"),
        ("/respond/start", 405, "This action is not available here"),
    ):
        response = page.goto(server + path)
        assert response.status == status
        assert response.headers["content-type"].startswith("text/html")
        assert heading(page) == tr(lang, title)
        if lang != "en":
            assert heading(page) != title
        assert page.locator("nav a").count() == 0  # the respondent layout, no members' menu
        page.screenshot(path=str(out / f"r01-error-{status}-{lang}.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    ctx.close()


def test_consultant_error_pages_use_the_interface_language(
    setup: dict[str, Any], server: str, out: Path
) -> None:
    page = setup["page"]
    page.locator("select#ui-lang").select_option("ru")
    page.get_by_role("button", name="Change").click()
    try:
        response = page.goto(server + "/clients/999999")
        assert response.status == 404 and response.headers["content-type"].startswith("text/html")
        assert heading(page) == tr("ru", "Not found") != "Not found"
        assert page.get_by_role("link", name=tr("ru", "Go to the dashboard")).count() == 1
        page.screenshot(path=str(out / "r02-consultant-404-ru.png"), full_page=True)
    finally:
        page.goto(server + "/")
        page.locator("select#ui-lang").select_option("en")
        page.locator("footer button").click()


# --- item 6 ---------------------------------------------------------------------------


def _field_message(page: Any, qid: str) -> Any:
    return page.locator(f'fieldset[data-question="{qid}"] p.error')


def test_refused_values_are_explained_next_to_the_field(
    setup: dict[str, Any], browser: Any, out: Path
) -> None:
    lang = "pl"
    page = respondent(browser, setup["manager"], DESKTOP, lang)
    page.locator("form[action$='/respond/start'] button").click()
    page.wait_for_url(re.compile(r"/respond/page/1$"))
    status = page.locator(".autosave-status")
    failed = str(status.get_attribute("data-failed"))
    invalid = tr(
        lang, "Some answers need a correction: see the messages in red. Everything else is saved."
    )
    box = page.locator(f'fieldset[data-question="{HOURS}"]')
    field = box.locator("input.number")
    unit = str(box.locator(".unit").inner_text()).strip()
    assert unit and unit != "hours/month"  # the unit is translated too
    assert tr(lang, "Range: %(range)s") % {"range": "0–40"} in box.inner_text()

    field.fill("abc")
    message = _field_message(page, HOURS)
    message.wait_for(state="visible")
    expected = render(lang, Message("respond.not_a_number", example=2.5, value="abc"))
    assert message.inner_text() == expected
    assert field.get_attribute("aria-invalid") == "true"
    page.wait_for_function("document.querySelector('.autosave-status').textContent.length > 0")
    page.wait_for_timeout(300)
    assert status.inner_text() == invalid != failed
    assert "\u2713" not in box.locator(".save-state").inner_text()

    field.fill("99")
    span = Message("respond.range_unit", min=0.0, max=40.0, unit=unit)
    expected = render(lang, Message("respond.out_of_range", range=span, value="99"))
    page.wait_for_function(
        "([el, text]) => el.textContent === text", arg=[message.element_handle(), expected]
    )
    assert "0–40" in message.inner_text() and ".." not in message.inner_text()
    box.scroll_into_view_if_needed()
    page.screenshot(path=str(out / "r03-refused-number-pl.png"), full_page=True)

    field.fill("12,5")
    message.wait_for(state="hidden")
    box.locator(".save-state", has_text="\u2713").wait_for()
    assert field.get_attribute("aria-invalid") is None

    text = page.locator(f'fieldset[data-question="{TEXT}"] textarea')
    text.fill("x" * 5001)
    too_long = _field_message(page, TEXT)
    too_long.wait_for(state="visible")
    assert too_long.inner_text() == render(
        lang, Message("respond.text_too_long", num=5001, max=5000)
    )
    assert len(text.input_value()) == 5001  # nothing cut off
    page.wait_for_timeout(300)
    assert status.inner_text() == invalid
    text.fill("Więcej wspólnych wizyt u klientów.")
    too_long.wait_for(state="hidden")
    page.wait_for_function(
        "([el, text]) => el.textContent === text",
        arg=[status.element_handle(), str(status.get_attribute("data-saved"))],
    )
    page.context.close()


def test_refused_values_without_javascript(setup: dict[str, Any], browser: Any, out: Path) -> None:
    lang = "ro"
    page = respondent(browser, setup["manager"], PHONE, lang, java_script_enabled=False)
    page.goto(page.url.replace("/respond/", "/respond/page/1"))
    page.locator(f'fieldset[data-question="{HOURS}"] input.number').fill("abc")
    page.locator("button[name=go][value=next]").click()
    message = _field_message(page, HOURS)
    expected = render(lang, Message("respond.not_a_number", example=2.5, value="abc"))
    assert message.inner_text() == expected
    assert page.locator(f'fieldset[data-question="{HOURS}"] input.number').input_value() == "abc"
    page.screenshot(path=str(out / "r04-refused-number-nojs-ro-390.png"), full_page=True)
    page.context.close()


# --- item 7 ---------------------------------------------------------------------------

MEASURE = """() => {
  const problems = []; const radios = new Set(); let scales = 0;
  for (const opts of document.querySelectorAll('.options')) {
    const labels = [...opts.querySelectorAll('label.option')];
    let prev = null;
    for (const label of labels) {
      const box = label.getBoundingClientRect();
      const text = label.querySelector('span');
      const r = text.getBoundingClientRect();
      if (text.scrollWidth > text.clientWidth + 1 || r.left < box.left - 0.5 || r.right > box.right + 0.5)
        problems.push('outside its box: ' + text.textContent);
      const input = label.querySelector('input').getBoundingClientRect();
      radios.add(Math.round(input.width) + 'x' + Math.round(input.height));
      if (prev) {
        const sameRow = Math.abs(box.top - prev.top) < 2;
        if (!(sameRow ? box.left > prev.left : box.top > prev.top)) problems.push('order: ' + text.textContent);
      }
      prev = box;
    }
    if (!opts.classList.contains('options-likert')) continue;
    scales += 1;
    const scale = labels.filter(l => !l.classList.contains('special'));
    const tops = new Set(scale.map(l => Math.round(l.getBoundingClientRect().top)));
    const lefts = new Set(scale.map(l => Math.round(l.getBoundingClientRect().left)));
    const special = labels.filter(l => l.classList.contains('special'));
    if (special.length) {
      const s = scale[0].getBoundingClientRect(), d = special[0].getBoundingClientRect();
      const si = scale[0].querySelector('input').getBoundingClientRect();
      const di = special[0].querySelector('input').getBoundingClientRect();
      const row = Math.abs(s.top - d.top) < 1 && Math.abs(s.height - d.height) < 1 && Math.abs(si.top - di.top) < 1;
      const column = Math.abs(s.left - d.left) < 1 && Math.abs(s.width - d.width) < 1 && Math.abs(si.left - di.left) < 1;
      if (!row && !column) problems.push("don't know not aligned: " + scale[0].textContent.trim());
    }
    problems.push(...[tops.size === 1 ? 'row' : lefts.size === 1 ? 'column' : 'grid'].map(k => '#' + k));
  }
  return {problems, radios: [...radios], scales,
          overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth};
}"""


def _layout(page: Any) -> tuple[list[str], set[str]]:
    """Problems found on the page, and the layouts of its rating scales ('row', 'column')."""
    found = page.evaluate(MEASURE)
    assert found["overflow"] <= 0, f"the page scrolls sideways by {found['overflow']} px"
    assert len(found["radios"]) <= 1, f"radios of several sizes: {found['radios']}"
    layouts = {p[1:] for p in found["problems"] if p.startswith("#")}
    return [p for p in found["problems"] if not p.startswith("#")], layouts


@pytest.mark.parametrize("lang", LANGS)
def test_answer_options_keep_order_size_and_alignment(
    setup: dict[str, Any], browser: Any, out: Path, lang: str
) -> None:
    for name, viewport, layout in (("390", PHONE, "column"), ("1280", DESKTOP, "row")):
        page = respondent(browser, setup["reps"][0], viewport, lang)
        for number in range(1, 20):
            response = page.goto(page.url.split("/respond/")[0] + f"/respond/page/{number}")
            if response.status == 404:
                break
            problems, layouts = _layout(page)
            assert not problems, (lang, name, number, problems)
            assert layouts <= {layout}, (lang, name, number, layouts)
            if number == 2:
                page.screenshot(path=str(out / f"r05-options-{lang}-{name}.png"), full_page=True)
        page.context.close()


# --- item 8 ---------------------------------------------------------------------------


def test_self_assessment_speaks_to_one_person_and_closes(
    setup: dict[str, Any], server: str, out: Path
) -> None:
    page = setup["page"]
    page.goto(server + "/")
    page.get_by_role("link", name="Assess my own organization").click()
    page.get_by_label("Your organization").fill("Vistula Sales Advisory")
    # The full questionnaire (the quick check is offered first; its title differs).
    page.get_by_role("radio", name=re.compile("^Sales Organization Health Check")).check()
    page.get_by_role("button", name="Start my self-assessment").click()
    intro = page.locator("main").inner_text()
    assert "This self-assessment records your own view" in intro and "Your own view" in intro
    assert "groups of at least" not in intro and "your managers" not in intro
    assert "Your individual answers are confidential" not in page.locator("footer").inner_text()
    page.screenshot(path=str(out / "r06-self-intro.png"), full_page=True)
    page.get_by_role("button", name="Start").click()
    page.locator("label.option:not(.special)").first.click()
    page.wait_for_timeout(500)
    page.get_by_role("button", name="Save and continue").click()
    page.goto(server + "/respond/review")
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.locator("body")).to_contain_text("self-assessment with you as the only respondent")
    page.goto(server + "/")
    row = page.locator("tr", has=page.locator(".tag", has_text="Self-assessment"))
    title = row.locator("td a").first.inner_text()
    assert title.startswith("Own view of Agata Wiśniewska") and "Self-assessment" not in title
    assert row.locator(".status").inner_text() == "Closed"
    page.screenshot(path=str(out / "r07-self-dashboard.png"), full_page=True)


def test_a_scale_is_answered_with_the_keyboard_in_its_order(
    setup: dict[str, Any], browser: Any
) -> None:
    """Arrow keys walk the radios in the order they are shown (one column on a phone)."""
    page = respondent(browser, setup["reps"][1], PHONE, "pl")
    page.goto(page.url.replace("/respond/", "/respond/page/1"))
    box = page.locator("fieldset.question[data-question]").first
    radios = box.locator("label.option:not(.special) input")
    radios.first.focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    assert radios.nth(1).is_checked()
    box.locator(".save-state", has_text="\u2713").wait_for()
    page.context.close()


def test_respondent_pages_have_no_serious_accessibility_violations(
    setup: dict[str, Any], browser: Any, server: str
) -> None:
    """axe-core on the intro, a page showing a refused value, and an error page (en, pl)."""
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")
    axe = axe_module.Axe()

    def serious(page: Any) -> list[str]:
        found = axe.run(page).response["violations"]
        return [v["id"] for v in found if v["impact"] in ("serious", "critical")]

    for lang, viewport in (("en", DESKTOP), ("pl", PHONE)):
        page = respondent(browser, setup["manager"], viewport, lang)
        assert not serious(page), (lang, "intro")
        page.goto(page.url.replace("/respond/", "/respond/page/1"))
        page.locator("input.number").first.fill("abc")
        page.locator("p.error:not([hidden])").first.wait_for()
        assert not serious(page), (lang, "page with a refused value")
        page.goto(server + "/r/not-a-link")
        assert not serious(page), (lang, "error page")
        page.context.close()
