"""Every page fits a 390 px phone and passes axe-core, in English and Russian (issue 16, items 9–10).

One server with the demo data (``saleshealth demo``, 30 answered respondents), a second round
imported from the demo's answers (closed), a client of our own with a draft waiting for four
people, a second member, an API token and an item in the action plan; a second server on a fresh
database for the sign-in pages (setup, sign-in, the two-factor code step). For each consultant
page, each sign-in page and each page a respondent sees, at 390 px and at 1280 px, in English
and Russian:

- the page does not scroll sideways (``scrollWidth <= clientWidth``) and, on the phone, no box
  inside it does either (tables become stacked rows);
- axe-core (bundled by ``axe-playwright-python``) finds no serious or critical violation,
  colour contrast included: every rule at 390 px, the rules that depend on the layout again
  at 1280 px;
- a full-page screenshot lands in ``$SALESHEALTH_TEST_OUTPUT/screens/a11y/``, and every
  measurement (with the time spent) in ``a11y-report-*.json`` beside it.

The respondent journey is completed with the keyboard alone (English) and with the mouse
(Russian). Confirmations before open, close, revoke and delete are checked with JavaScript (a
dialog; cancel does nothing) and without (the button only opens the question and the real
button), each followed by its success message.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import expect

from tests.browser.conftest import SALESHEALTH, serve, server_env
from tests.browser.pages import answer_by_mouse, create_workspace

PASSWORD = "a long enough password"
EMAIL = "olena@dnipro-advisory.eu"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
LANGS = ("en", "ru")
BAD_IMPACTS = ("serious", "critical")

# What scrolls sideways, measured in the page: the document, and every box that scrolls.
MEASURE = """() => {
  const d = document.documentElement;
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const boxes = [];
  for (const el of document.querySelectorAll('body *')) {
    const x = getComputedStyle(el).overflowX;
    // A figure may scroll on a phone when a keyboard can reach it and it has a name; a table never.
    const reachable = el.tabIndex >= 0 && el.hasAttribute('aria-label') && !el.querySelector('table');
    if ((x === 'auto' || x === 'scroll') && el.scrollWidth > el.clientWidth + 1 && el.tagName !== 'TEXTAREA' && !reachable) {
      boxes.push(name(el) + ' ' + el.scrollWidth + '>' + el.clientWidth);
    }
  }
  return {scroll: d.scrollWidth, client: d.clientWidth, boxes: boxes};
}"""

# The first width gets every axe-core rule; the second only the rules whose outcome depends on
# the layout (the others read the same DOM and would only repeat themselves).
AXE_ALL = "() => axe.run(document, {resultTypes: ['violations']})"
LAYOUT_RULES = [
    "color-contrast",
    "scrollable-region-focusable",
    "target-size",
    "link-in-text-block",
    "css-orientation-lock",
    "meta-viewport",
    "avoid-inline-spacing",
]
AXE_LAYOUT = (
    "() => axe.run(document, {resultTypes: ['violations'], runOnly: {type: 'rule', values: "
    + json.dumps(LAYOUT_RULES)
    + "}})"
)


@dataclass
class Site:
    """The server and what the fixture created on it."""

    base: str
    state: dict[str, Any]
    ids: dict[str, int] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)  # invitation and share link


@dataclass
class Findings:
    """Every measurement; problems are what the test fails on."""

    out: Path
    pages: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    def timed(self, what: str, started: float) -> None:
        self.seconds[what] = self.seconds.get(what, 0.0) + time.monotonic() - started

    def write(self, name: str) -> None:
        (self.out / f"a11y-report-{name}.json").write_text(
            json.dumps(
                {"problems": self.problems, "seconds": self.seconds, "pages": self.pages}, indent=1
            )
        )


@pytest.fixture(scope="module")
def out(shots: Path) -> Path:
    folder = shots / "a11y"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def cli(folder: Path, *args: str) -> str:
    """Run ``saleshealth`` on the test server's database."""
    done = subprocess.run(
        [str(SALESHEALTH), *args],
        env=server_env(folder),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def last_id(url: str) -> int:
    match = re.search(r"/(\d+)(?:/[a-z-]*)?/?(?:[?#].*)?$", url)
    assert match, url
    return int(match.group(1))


def new_assessment(page: Any, base: str, client_id: int, title: str) -> int:
    page.goto(f"{base}/assessments/new?client_id={client_id}")
    page.fill("input[name=title]", title)
    page.locator("main form [type=submit].primary").first.click()
    page.wait_for_url(re.compile(r"/assessments/\d+$"))
    return last_id(page.url)


def add_people(page: Any, base: str, assessment_id: int, lines: str) -> list[str]:
    """Add respondents with the bulk form; returns their personal links."""
    page.goto(f"{base}/assessments/{assessment_id}")
    form = page.locator("form[action$='/respondents/bulk']")
    form.locator("textarea[name=people]").fill(lines)
    form.locator("[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/links"))
    return [el.input_value() for el in page.locator("input.link-field").all()]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, browser: Any) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("a11y-server")
    with serve(folder) as base:
        ctx = browser.new_context(viewport=DESKTOP)
        page = ctx.new_page()
        page.goto(base + "/")
        create_workspace(page, "Dnipro Sales Advisory", "Olena Kravets", EMAIL, PASSWORD)
        page.wait_for_url(base + "/")
        cli(folder, "demo")  # client 1, assessment 1: open, 30 answered respondents
        ids = {"demo_client": 1, "demo": 1}

        # a second, closed round on the demo client, with the demo's answers: trend and anonymize
        ids["round2"] = new_assessment(page, base, 1, "Second round (synthetic data)")
        answers = folder / "answers.csv"
        cli(folder, "export", "--assessment", "1", "-o", str(answers))
        cli(folder, "import", "--assessment", str(ids["round2"]), "--file", str(answers))
        page.goto(f"{base}/assessments/{ids['round2']}")
        page.get_by_role("button", name="Open for answers").click()
        page.get_by_role("button", name="Close and freeze answers").click()
        page.get_by_role("button", name="Reopen").wait_for()

        # a client of our own with a draft assessment waiting for four people
        page.goto(base + "/clients/new")
        page.fill("input[name=name]", "Volga Logistics")
        page.fill("input[name=industry]", "Freight and logistics")
        page.locator("main form [type=submit].primary").first.click()
        page.wait_for_url(re.compile(r"/clients/\d+$"))
        ids["client"] = last_id(page.url)
        ids["draft"] = new_assessment(page, base, ids["client"], "Sales health check, spring")
        add_people(
            page,
            base,
            ids["draft"],
            "Anna Kowalska, anna.kowalska@volga-logistics.example, sales_manager, North-West region\n"
            "Bogdan Ionescu, , sales_rep, South\n"
            "Konstantin Konstantinopolsky, konstantin@volga-logistics.example, sales_rep, Central\n"
            ", , sales_rep, ",
        )
        page.goto(f"{base}/assessments/{ids['draft']}")
        ids["draft_person"] = last_id(
            page.locator("a[href*='/respondents/'][href$='/edit']").first.get_attribute("href")
            or ""
        )
        page.goto(f"{base}/assessments/1")
        ids["demo_person"] = last_id(
            (page.locator("a[href$='/erase']").first.get_attribute("href") or "").removesuffix(
                "/erase"
            )
        )
        page.goto(base + "/questionnaires/")
        ids["questionnaire"] = last_id(
            page.locator("main table a[href^='/questionnaires/']").first.get_attribute("href") or ""
        )

        # a second member (or an invitation) and an API token: their tables get rows with actions
        page.goto(base + "/settings/members")
        member = page.locator("main form").filter(has=page.locator("input[name=email]"))
        member.locator("input[name=email]").fill("dmitri@dnipro-advisory.eu")
        for name, value in (("name", "Dmitri Sokolov"), ("password", PASSWORD)):
            if member.locator(f"input[name={name}]").count():
                member.locator(f"input[name={name}]").fill(value)
        member.locator("[type=submit]").first.click()
        page.wait_for_load_state()
        links = {}
        if page.locator("#invite-url").count():
            links["invitation"] = page.locator("#invite-url").input_value()
        # a share link for the demo client's sales leader (guest access)
        page.goto(base + "/clients/1/share-links/new")
        page.fill("input[name=label]", "Head of sales, Northwind")
        page.fill("input[name=password]", PASSWORD)
        page.fill("input[name=confirm]", PASSWORD)
        page.locator("main form [type=submit].primary").first.click()
        page.wait_for_url(re.compile(r"/share-links/\d+/created$"))  # post/redirect/get
        links["share"] = page.locator("#share-url").input_value()
        # an item of our own in the demo client's action plan
        page.goto(f"{base}/assessments/{ids['round2']}/plan/new")
        page.fill("input[name=title]", "Weekly pipeline review with every sales representative")
        page.locator("main form [type=submit].primary").first.click()
        page.wait_for_url(re.compile(r"/clients/\d+/plan#item-\d+$"))
        ids["plan_item"] = int(page.url.rsplit("#item-", 1)[1])
        page.goto(base + "/settings/api-tokens")
        page.fill("form[action$='/settings/api-tokens'] input[name=name]", "Power BI nightly")
        page.locator("form[action$='/settings/api-tokens'] [type=submit]").first.click()
        page.wait_for_url(re.compile(r"/settings/api-tokens/\d+/created$"))  # post/redirect/get
        expect(page.locator("#new-token")).to_have_value(re.compile(r"^shk_"))

        state = ctx.storage_state()
        ctx.close()
        yield Site(base=base, state=state, ids=ids, links=links)


def consultant_pages(ids: dict[str, int]) -> list[tuple[str, str]]:
    """(name, path) of every consultant page."""
    demo, draft, round2, client = ids["demo"], ids["draft"], ids["round2"], ids["client"]
    return [
        ("dashboard", "/"),
        ("clients", "/clients/"),
        ("client-new", "/clients/new"),
        ("client", f"/clients/{ids['demo_client']}"),  # with its share-link card
        ("share-link-new", f"/clients/{ids['demo_client']}/share-links/new"),
        ("assessments", "/assessments/"),
        ("client-edit", f"/clients/{client}/edit"),
        ("trend", f"/clients/{ids['demo_client']}/trend"),
        ("assessment-new", f"/assessments/new?client_id={client}"),
        ("assessment-draft", f"/assessments/{draft}"),
        ("assessment-open", f"/assessments/{demo}"),
        ("assessment-settings", f"/assessments/{draft}/settings"),
        ("reminders", f"/assessments/{draft}/reminders"),
        ("profile", f"/assessments/{demo}/profile"),
        ("links", f"/assessments/{draft}/links"),
        ("respondent-edit", f"/assessments/{draft}/respondents/{ids['draft_person']}/edit"),
        ("facts", f"/assessments/{demo}/facts"),
        ("evidence", f"/assessments/{demo}/evidence"),
        ("results", f"/assessments/{round2}/results"),  # the demo's answers and the change card
        ("follow-up", f"/assessments/{demo}/follow-up"),
        ("plan-item-new", f"/assessments/{round2}/plan/new"),
        ("plan-item", f"/plan/items/{ids['plan_item']}"),
        ("data-export", f"/assessments/{demo}/data"),
        ("data-import", f"/assessments/{draft}/data/import"),
        ("erase-client", f"/clients/{client}/delete"),
        ("erase-assessment", f"/assessments/{draft}/delete"),
        ("anonymize", f"/assessments/{round2}/anonymize"),
        ("erase-respondent", f"/assessments/{demo}/respondents/{ids['demo_person']}/erase"),
        ("questionnaires", "/questionnaires/"),
        ("questionnaire", f"/questionnaires/{ids['questionnaire']}"),
        ("questionnaire-upload", "/questionnaires/upload"),
        ("questionnaire-clone", f"/questionnaires/{ids['questionnaire']}/clone"),
        ("questionnaire-write", "/questionnaires/write"),
        ("questionnaire-edit", f"/questionnaires/{ids['questionnaire']}/edit"),
        ("members", "/settings/members"),
        ("branding", "/settings/branding"),
        ("privacy", "/settings/privacy"),
        ("audit", "/settings/audit"),
        ("two-factor-rules", "/settings/two-factor"),
        ("api-tokens", "/settings/api-tokens"),
        ("api-docs", "/api/docs"),
        ("password", "/account/password"),
        ("two-factor", "/account/two-factor"),
        ("self-assessment", "/self-assessment"),
    ]


def check(page: Any, findings: Findings, name: str, lang: str, shoot: bool = True) -> None:
    """Measure the loaded page on a phone and a desktop: sideways scrolling, axe-core, a
    full-page screenshot (``shoot``)."""
    t = time.monotonic()
    if page.evaluate("() => typeof axe === 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    findings.timed("axe-load", t)
    for n, size in enumerate((PHONE, DESKTOP)):
        if page.viewport_size != size:
            page.set_viewport_size(size)
        w = size["width"]
        where = f"{name} [{lang}, {w} px] {page.url}"
        t = time.monotonic()
        m = page.evaluate(MEASURE)
        findings.timed("measure", t)
        t = time.monotonic()
        result = page.evaluate(AXE_ALL if n == 0 else AXE_LAYOUT)
        findings.timed("axe", t)
        axe_seconds = round(time.monotonic() - t, 2)
        bad = [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [" ".join(map(str, n["target"])) for n in v["nodes"]][:5],
                "summary": (v["nodes"][0].get("failureSummary") or "")[:300],
            }
            for v in result["violations"]
        ]
        findings.pages.append(
            {"page": where, "width": w, "axe_seconds": axe_seconds, **m, "violations": bad}
        )
        if m["scroll"] > m["client"]:
            findings.problems.append(
                f"{where}: scrolls sideways ({m['scroll']} > {m['client']} px)"
            )
        if m["boxes"]:  # a table cut off inside its card is as hidden on a desktop
            findings.problems.append(f"{where}: a box scrolls sideways: {m['boxes']}")
        for v in bad:
            if v["impact"] in BAD_IMPACTS:
                findings.problems.append(
                    f"{where}: axe {v['id']} ({v['impact']}) at {v['nodes']}: {v['summary']}"
                )
        if not shoot:
            continue
        t = time.monotonic()
        page.screenshot(
            path=str(findings.out / f"{lang}-{w}-{name}.jpeg"), full_page=True, quality=80
        )
        findings.timed("screenshot", t)


def test_consultant_pages_fit_a_phone_and_pass_axe(site: Site, browser: Any, out: Path) -> None:
    findings = Findings(out)
    started = time.monotonic()
    for lang in LANGS:
        ctx = browser.new_context(viewport=PHONE, storage_state=site.state, locale=lang)
        ctx.add_init_script(AXE_SCRIPT)  # parsed on each page, sent to the browser once
        page = ctx.new_page()
        for name, path in consultant_pages(site.ids):
            t = time.monotonic()
            response = page.goto(site.base + path)
            findings.timed("load", t)
            assert response is not None and response.ok, (path, response and response.status)
            assert page.locator("html").get_attribute("lang") == lang, (path, lang)
            check(page, findings, name, lang)
        ctx.close()
    findings.write("consultant")
    print(f"consultant pages checked in {time.monotonic() - started:.1f} s", findings.seconds)
    assert not findings.problems, "\n".join(findings.problems)


def tab_to(page: Any, done: Any, limit: int = 80) -> dict[str, Any]:
    """Press Tab until ``done(focused)`` says so; returns what has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if done(focused):
            return dict(focused)
    raise AssertionError(f"the keyboard never reached the control on {page.url}")


FOCUSED = """() => {
  const el = document.activeElement;
  return {tag: el.tagName.toLowerCase(), type: el.type || '', name: el.name || '', value: el.value || '',
          min: el.min || '', max: el.max || '', checked: !!el.checked, text: (el.innerText || '').trim()};
}"""


def answer_by_keyboard(page: Any) -> None:
    """Answer a question page with the keyboard alone and move on with Enter."""
    seen: set[str] = set()
    while True:
        focused = tab_to(
            page,
            lambda f: (
                (f["type"] in ("radio", "number") and f["name"] not in seen)
                or (f["tag"] == "button" and f["value"] == "next")
            ),
        )
        if focused["tag"] == "button":
            with page.expect_navigation():
                page.keyboard.press("Enter")
            return
        seen.add(focused["name"])
        if focused["type"] == "radio":
            page.keyboard.press("Space")  # the first option, then two to the right
            page.keyboard.press("ArrowRight")
            page.keyboard.press("ArrowRight")
        else:
            low, high = float(focused["min"] or 0), float(focused["max"] or 100)
            page.keyboard.type(f"{round((low + high) / 2)}")


def test_respondent_journey_by_keyboard_and_on_a_phone(site: Site, browser: Any, out: Path) -> None:
    findings = Findings(out)
    started = time.monotonic()
    ctx = browser.new_context(viewport=DESKTOP, storage_state=site.state)
    page = ctx.new_page()
    assessment = new_assessment(page, site.base, site.ids["client"], "Respondent journey")
    links = add_people(
        page,
        site.base,
        assessment,
        "Ewa Zielinska, , sales_rep, North\nSvetlana Orlova, , sales_manager, Central",
    )
    page.goto(f"{site.base}/assessments/{assessment}")
    page.get_by_role("button", name="Open for answers").click()
    page.get_by_role("button", name="Close and freeze answers").wait_for()
    ctx.close()

    for lang, link in zip(LANGS, links, strict=True):
        person = browser.new_context(viewport=PHONE, locale=lang)
        person.add_init_script(AXE_SCRIPT)
        r = person.new_page()
        r.goto(link)
        if lang != "en":
            r.select_option("select#lang", lang)
            with r.expect_navigation():
                r.locator("form.lang-form [type=submit]").click()
        assert r.locator("html").get_attribute("lang") == lang
        check(r, findings, "respondent-intro", lang)
        if lang == "en":  # the keyboard alone, from the skip link to the thank-you page
            tab_to(
                r, lambda f: f["tag"] == "button" and f["type"] == "submit" and f["text"] == "Start"
            )
            with r.expect_navigation():
                r.keyboard.press("Enter")
        else:
            with r.expect_navigation():
                r.locator("form[action$='/respond/start'] [type=submit]").click()
        number = 0
        while "/respond/page/" in r.url:
            number += 1
            check(r, findings, f"respondent-page-{number:02d}", lang, shoot=number <= 2)
            r.set_viewport_size(PHONE)
            (answer_by_keyboard if lang == "en" else answer_by_mouse)(r)
        assert r.url.endswith("/respond/review"), r.url
        assert number >= 10, number
        check(r, findings, "respondent-review", lang)
        r.set_viewport_size(PHONE)
        if lang == "en":
            tab_to(
                r,
                lambda f: f["tag"] == "button" and f["type"] == "submit" and "Submit" in f["text"],
            )
            with r.expect_navigation():
                r.keyboard.press("Enter")
        else:
            with r.expect_navigation():
                r.locator("#submit-form [type=submit]").click()
        assert r.url.endswith("/respond/thanks"), r.url
        check(r, findings, "respondent-thanks", lang)
        # a mistyped link: an error page in the visitor's language (issue 16, item 1)
        response = r.goto(site.base + "/r/this-link-does-not-exist")
        assert response is not None and response.status == 404
        if "text/html" in (response.headers.get("content-type") or ""):
            check(r, findings, "respondent-bad-link", lang)
        person.close()

    findings.write("respondent")
    print(f"respondent pages checked in {time.monotonic() - started:.1f} s", findings.seconds)
    assert not findings.problems, "\n".join(findings.problems)


def row_of(page: Any, code: str) -> Any:
    return page.locator("#respondents tbody tr").filter(has=page.locator(f"code:text-is('{code}')"))


def test_confirmation_before_open_close_revoke_delete(site: Site, browser: Any, out: Path) -> None:
    """With JavaScript a dialog asks (cancel does nothing); without it the button only opens the
    question and the real button. Each action ends with its success message."""
    plain = getattr(browser, "_browser", browser)  # no automatic "OK" to dialogs here
    ctx = plain.new_context(viewport=DESKTOP, storage_state=site.state)
    page = ctx.new_page()
    assessment = new_assessment(page, site.base, site.ids["client"], "Confirmations")
    add_people(
        page,
        site.base,
        assessment,
        ", , sales_rep, A\n, , sales_rep, B\n, , sales_rep, C\n, , sales_rep, D",
    )
    url = f"{site.base}/assessments/{assessment}"
    page.goto(url)
    codes = page.locator("#respondents tbody tr code").all_inner_texts()
    assert len(codes) == 4, codes
    questions: list[str] = []

    def answer(accept: bool) -> None:
        def handle(dialog: Any) -> None:
            questions.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()

        page.once("dialog", handle)

    # with JavaScript: one button, a dialog; "Cancel" leaves everything as it was
    assert page.locator("details.confirm").count() == 0  # confirm.js replaced the boxes
    answer(False)
    page.get_by_role("button", name="Open for answers").click()
    page.wait_for_timeout(300)
    assert questions[-1].startswith("Open this assessment for answers?"), questions
    assert page.url == url and page.locator(".flash").count() == 0
    answer(True)
    page.get_by_role("button", name="Open for answers").click()
    page.wait_for_load_state()
    expect(page.locator(".flash-success")).to_contain_text("The assessment is open")
    answer(False)
    row_of(page, codes[0]).get_by_role("button", name="Revoke").click()
    page.wait_for_timeout(300)
    assert questions[-1].startswith(f"Revoke the link of {codes[0]}?"), questions
    assert "revoked" not in page.locator("main").inner_text().lower()  # page not reloaded
    answer(True)
    row_of(page, codes[0]).get_by_role("button", name="Revoke").click()
    page.wait_for_load_state()
    expect(page.locator(".flash-success")).to_contain_text("Link revoked")
    answer(True)
    row_of(page, codes[1]).get_by_role("button", name="Delete").click()
    page.wait_for_load_state()
    assert f"Respondent {codes[1]} deleted." in page.locator(".flash-success").inner_text()
    assert row_of(page, codes[1]).count() == 0
    ctx.close()

    # without JavaScript: the first click only shows the question; nothing is sent
    ctx = plain.new_context(viewport=PHONE, storage_state=site.state, java_script_enabled=False)
    page = ctx.new_page()
    page.goto(url)
    forms = page.locator("form[data-confirm]")
    assert forms.count() >= 3
    # every such form sits in a closed box (no page.evaluate here: it waits for scripts)
    assert page.locator("details.confirm:not([open]) > form[data-confirm]").count() == forms.count()
    for i in range(forms.count()):
        assert not forms.nth(i).is_visible()

    def confirm_without_js(scope: Any, label: str, question: str, shot: str) -> str:
        box = scope.locator("details.confirm").filter(
            has=page.locator(f"summary:text-is('{label}')")
        )
        before = page.locator(".flash").all_inner_texts()
        box.locator("summary").click()
        assert page.url == url and page.locator(".flash").all_inner_texts() == before  # not sent
        assert question in box.locator(".confirm-question").inner_text()
        page.screenshot(path=str(out / f"en-390-confirm-{shot}.jpeg"), full_page=False, quality=80)
        with page.expect_navigation():
            box.get_by_role("button", name=label).click()
        return str(page.locator(".flash-success").inner_text())

    assert "Link revoked" in confirm_without_js(
        row_of(page, codes[2]), "Revoke", f"Revoke the link of {codes[2]}?", "revoke"
    )
    assert f"Respondent {codes[3]} deleted." in confirm_without_js(
        row_of(page, codes[3]), "Delete", f"Delete {codes[3]}?", "delete"
    )
    assert "The assessment is closed" in confirm_without_js(
        page.locator(".page-head"),
        "Close and freeze answers",
        "Close this assessment?",
        "close",
    )
    ctx.close()

    # the open boxes fit the phone and pass axe (measured with scripts, confirm.js kept away)
    findings = Findings(out)
    ctx = plain.new_context(viewport=PHONE, storage_state=site.state)
    ctx.add_init_script(AXE_SCRIPT)
    page = ctx.new_page()
    page.route("**/confirm.js*", lambda route: route.abort())
    page.goto(f"{site.base}/assessments/{site.ids['draft']}")
    for box in page.locator("details.confirm").all()[:3]:
        box.locator("summary").click()
    assert page.locator("details.confirm[open]").count() == 3
    check(page, findings, "confirm-boxes-no-js", "en")
    findings.write("confirm")
    ctx.close()
    assert not findings.problems, "\n".join(findings.problems)


def test_guest_and_public_pages(site: Site, browser: Any, out: Path) -> None:
    """The member invitation, a client guest's pages and a consultant's unknown page."""
    findings = Findings(out)
    for lang in LANGS:
        ctx = browser.new_context(viewport=PHONE, locale=lang)
        ctx.add_init_script(AXE_SCRIPT)
        page = ctx.new_page()
        if "invitation" in site.links:
            page.goto(site.links["invitation"])
            check(page, findings, "invitation", lang)
        page.goto(site.links["share"])
        check(page, findings, "guest-enter", lang)
        page.fill("input[name=password]", PASSWORD)
        page.locator("main form [type=submit].primary").first.click()
        page.wait_for_url(re.compile(r"/guest/"))
        assert page.locator("html").get_attribute("lang") == lang
        for name, path in (
            ("guest-overview", "/guest/"),
            ("guest-results", f"/guest/assessments/{site.ids['round2']}"),
            ("guest-trend", "/guest/trend"),
        ):
            response = page.goto(site.base + path)
            assert response is not None and response.ok, (path, response and response.status)
            check(page, findings, name, lang)
        ctx.close()
        ctx = browser.new_context(viewport=PHONE, storage_state=site.state, locale=lang)
        ctx.add_init_script(AXE_SCRIPT)
        page = ctx.new_page()
        response = page.goto(site.base + "/clients/999999")
        assert response is not None and response.status == 404
        check(page, findings, "not-found", lang)
        ctx.close()
    findings.write("guest")
    assert not findings.problems, "\n".join(findings.problems)


def test_sign_in_pages_fit_a_phone_and_pass_axe(
    tmp_path_factory: pytest.TempPathFactory, browser: Any, out: Path
) -> None:
    """/setup (on a fresh database), /login and /login/verify (the code step of an owner with
    two-factor sign-in), in English and Russian; the recovery codes and a new API token, each
    shown once, in English."""
    import pyotp

    findings = Findings(out)
    with serve(tmp_path_factory.mktemp("sign-in-server")) as base:
        for lang in LANGS:
            ctx = browser.new_context(viewport=PHONE, locale=lang)
            ctx.add_init_script(AXE_SCRIPT)
            page = ctx.new_page()
            page.goto(base + "/")
            page.wait_for_url(base + "/setup")
            assert page.locator("html").get_attribute("lang") == lang
            check(page, findings, "setup", lang)
            ctx.close()

        # the workspace, its owner with two-factor sign-in
        ctx = browser.new_context(viewport=DESKTOP)
        page = ctx.new_page()
        page.goto(base + "/setup")
        create_workspace(page, "Dnipro Sales Advisory", "Olena Kravets", EMAIL, PASSWORD)
        page.wait_for_url(base + "/")
        page.goto(base + "/account/two-factor")
        secret = page.locator("#mfa-secret").inner_text().strip()
        page.fill("input[name=code]", pyotp.TOTP(secret).now())
        page.locator("main form [type=submit].primary").click()
        page.wait_for_url(base + "/account/two-factor/recovery-codes")  # post/redirect/get
        expect(page.locator("main")).to_contain_text("recovery")
        expect(page.locator(".recovery-codes li")).to_have_count(10)
        # the pages that show a secret once (post/redirect/get) are measured on that one view
        check(page, findings, "recovery-codes", "en")
        page.goto(base + "/settings/api-tokens")
        page.fill("form[action$='/settings/api-tokens'] input[name=name]", "Power BI nightly")
        page.locator("form[action$='/settings/api-tokens'] [type=submit]").first.click()
        page.wait_for_url(re.compile(r"/settings/api-tokens/\d+/created$"))
        expect(page.locator("#new-token")).to_have_value(re.compile(r"^shk_"))
        check(page, findings, "api-token-created", "en")
        ctx.close()

        for lang in LANGS:
            ctx = browser.new_context(viewport=PHONE, locale=lang)
            ctx.add_init_script(AXE_SCRIPT)
            page = ctx.new_page()
            page.goto(base + "/clients/")
            page.wait_for_url(re.compile(r"/login(\?.*)?$"))
            assert page.locator("html").get_attribute("lang") == lang
            check(page, findings, "login", lang)
            page.set_viewport_size(PHONE)
            page.fill("input[name=email]", EMAIL)
            page.fill("input[name=password]", PASSWORD)
            page.locator("main form [type=submit].primary").click()
            page.wait_for_url(base + "/login/verify")
            expect(page.locator("input[name=code]")).to_be_visible()
            check(page, findings, "login-verify", lang)
            ctx.close()
    findings.write("sign-in")
    assert not findings.problems, "\n".join(findings.problems)
