"""Hostile text in every user-editable field is inert in every page, export and PDF.

Payloads of six kinds (script tags, event handlers, ``javascript:`` URLs, CSS, WeasyPrint
fetches and template syntax) go into the workspace, member, branding, client, assessment,
respondent, comment and free-text answer fields through the real forms. Then every page a
member or respondent can open is parsed: no element may carry an event handler, a
``javascript:``/``file:``/metadata-IP URL, an inline script or a foreign stylesheet, and the
payload text must be visible as text (so it was escaped, not dropped). The PDF made from the
same data prints the payloads literally and carries no attachment.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape

from tests.web.conftest import add_people, csrf_token, download_pdf, open_assessment, post_form
from tests.web.invitations import invite_member
from tests.web.test_flow import answer_all

PAYLOADS: dict[str, list[str]] = {
    "script tag": ["<script>alert('x1')</script>", "</textarea><script>alert('x2')</script>"],
    "event handler": ["\"><img src=x onerror=alert('x3')>", "<svg onload=alert('x4')>"],
    "javascript URL": ["<a href=\"javascript:alert('x5')\">x5</a>", "javascript:alert('x6')"],
    "CSS": [
        "<style>body{background:url(http://169.254.169.254/x7)}</style>",
        "</style><style>*{color:red}</style>x8",
        'x9\\";}body{display:none}/*',
    ],
    "WeasyPrint fetch": [
        '<link rel="attachment" href="file:///etc/passwd">x10',
        '<img src="http://169.254.169.254/latest/meta-data/">x11',
        "url(file:///etc/passwd) x12",
    ],
    "template syntax": ["{{ config.SECRET_KEY }} x13", "{% raw %}x14{% endraw %}", "${7*7} x15"],
    "spreadsheet formula": [
        '=HYPERLINK("http://169.254.169.254/","x16")',
        "@SUM(1+1)*cmd|' /C calc'!A0 x17",
        "+1+1 x18",
        "-2+3 x19",
    ],
}
TEXT_QUESTION = "mgmt_rep.comments"
ALL = [p for group in PAYLOADS.values() for p in group]
BAD_URL = re.compile(r"^\s*(javascript|vbscript|file|data:text)|169\.254\.169\.254", re.I)


def payload(i: int, limit: int = 200) -> str:
    """The i-th payload (cycling), cut to a field's length limit."""
    return ALL[i % len(ALL)][:limit]


class _Scanner(HTMLParser):
    """Collects every problem an HTML page could have if a payload became markup."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> event handler")
            risky = name in ("href", "src", "action", "formaction", "xlink:href", "style")
            if risky and value and (BAD_URL.search(value) or (name == "style" and "url(" in value)):
                self.problems.append(f"<{tag} {name}={value!r}>")
        attributes = dict(attrs)
        if tag == "script" and not (attributes.get("src") or "").startswith("/static/"):
            self.problems.append("inline or foreign <script>")
        if tag == "link" and not (attributes.get("href") or "").startswith("/static/"):
            self.problems.append(f"<link href={attributes.get('href')!r}>")
        if tag in ("style", "iframe", "object", "embed", "base", "meta") and tag != "meta":
            self.problems.append(f"<{tag}> element")
        if tag == "meta" and attributes.get("http-equiv", "").lower() == "refresh":
            content = attributes.get("content") or ""
            if BAD_URL.search(content) or "://" in content:
                self.problems.append(f"meta refresh to {content!r}")
        self._in = tag

    def handle_data(self, data: str) -> None:
        if self._in == "script" and data.strip():
            self.problems.append("script with inline code")


def scan(html: str, where: str) -> list[str]:
    """Problems found in one page, each prefixed with where it was seen."""
    scanner = _Scanner()
    scanner.feed(html)
    return [f"{where}: {p}" for p in scanner.problems]


@pytest.fixture
def hostile_owner(client: FlaskClient) -> Iterator[FlaskClient]:
    """A workspace set up with hostile names everywhere through the real forms."""
    res = post_form(
        client,
        "/setup",
        {
            "workspace": payload(0, 200),
            "name": payload(2, 200),
            "email": "owner@acme-consulting.eu",
            "password": "correct horse battery",
            "confirm": "correct horse battery",
        },
    )
    assert res.status_code == 302, res.get_data(as_text=True)
    res = post_form(
        client,
        "/settings/branding",
        {"firm_name": payload(6, 120), "primary_color": "#1f4e79", "footer_text": payload(8, 200)},
    )
    assert res.status_code in (200, 302), res.status_code
    invite_member(client, payload(4, 200), "vera@acme-consulting.eu", "viewer password 1", "viewer")
    yield client


def _hostile_assessment(owner: FlaskClient) -> int:
    res = post_form(
        owner,
        "/clients/new",
        {
            "name": payload(1, 200),
            "industry": payload(3, 100),
            "size_band": "51-200",
            "sales_motion": "hybrid",
            "regions": payload(5, 300),
            "notes": "\n".join(ALL),
        },
    )
    assert res.status_code == 302, res.get_data(as_text=True)
    cid = int(res.headers["Location"].rstrip("/").split("/")[-1])
    page = owner.get(f"/assessments/new?client_id={cid}").get_data(as_text=True)
    version = re.search(r'<select[^>]*name="questionnaire"[^>]*>\s*<option[^>]*value="(\d+)"', page)
    assert version
    res = post_form(
        owner,
        "/assessments/new",
        {
            "client_id": cid,
            "questionnaire": version.group(1),
            "title": payload(7, 200),
            "language": "en",
            "min_group_size": 3,
            "overrides": "",
        },
        form_url=f"/assessments/new?client_id={cid}",
    )
    assert res.status_code == 302, res.get_data(as_text=True)
    return int(res.headers["Location"].rstrip("/").split("/")[-1])


def _add_one(owner: FlaskClient, aid: int, name: str, team: str) -> str:
    """Add one respondent through the single-person form; returns the link path."""
    res = post_form(
        owner,
        f"/assessments/{aid}/respondents",
        {"role": "sales_rep", "name": name, "email": "", "team": team},
        form_url=f"/assessments/{aid}",
        follow_redirects=True,
    )
    assert res.status_code == 200, res.get_data(as_text=True)[:500]
    found = re.findall(r'value="http://localhost(/r/[A-Za-z0-9_\-]+)"', res.get_data(as_text=True))
    assert len(found) == 1
    return found[0]


def _get_pages(client: FlaskClient, urls: list[str]) -> dict[str, str]:
    pages = {}
    for url in urls:
        res = client.get(url)
        assert res.status_code == 200, (url, res.status_code)
        pages[url] = res.get_data(as_text=True)
    return pages


def test_payloads_are_inert_in_every_page(hostile_owner: FlaskClient, app: Flask) -> None:
    owner = hostile_owner
    aid = _hostile_assessment(owner)
    links = [
        _add_one(owner, aid, name=payload(n, 200), team=payload(t, 100))
        for n, t in ((0, 3), (15, 18), (16, 4), (17, 5))
    ]
    open_assessment(owner, aid)
    answer_all(app.test_client(), links[0], comment="\n".join(ALL))
    for i, link in enumerate(links[1:3]):
        answer_all(app.test_client(), link, comment=payload(i + 1))
    # The fourth respondent types hostile free text and a comment through autosave.
    typing = app.test_client()
    assert typing.get(links[3]).status_code == 302
    token = csrf_token(typing, "/respond/page/1")
    for body in (
        {"question": TEXT_QUESTION, "value": "\n".join(ALL)},
        {"comment": "crm", "value": "\n".join(reversed(ALL))},
    ):
        res = typing.post("/respond/answer", json=body, headers={"X-CSRFToken": token})
        assert res.status_code == 200, res.get_data(as_text=True)
    cid_match = re.search(
        r"/clients/(\d+)", owner.get(f"/assessments/{aid}").get_data(as_text=True)
    )
    assert cid_match
    urls = [
        "/",
        "/clients/",
        f"/clients/{cid_match.group(1)}",
        f"/clients/{cid_match.group(1)}/edit",
        f"/assessments/{aid}",
        f"/assessments/{aid}/settings",
        f"/assessments/{aid}/results",
        "/settings/members",
        "/settings/branding",
        "/account/password",
    ]
    pages = _get_pages(owner, urls)
    problems = [p for url, html in pages.items() for p in scan(html, url)]
    # Respondent pages (intro shows the client and assessment names).
    respondent_pages = _get_pages(
        typing, ["/respond/", "/respond/page/1", "/respond/page/2", "/respond/review"]
    )
    problems += [p for url, html in respondent_pages.items() for p in scan(html, url)]
    assert not problems, "\n".join(problems)
    # The payloads are shown as text, not dropped: check their visible characters.
    everything = "\n".join(list(pages.values()) + list(respondent_pages.values()))
    text = _visible_text(everything)
    missing = [p for p in ALL if p[:40] not in text]
    assert not missing, missing
    assert "test-secret-key" not in everything
    _assert_exports_inert(owner, aid)


def _assert_exports_inert(owner: FlaskClient, aid: int) -> None:
    """Every export format: nothing a spreadsheet would run as a formula.

    CSV has no cell types, so text that could start a formula carries a leading apostrophe;
    XLSX cells are typed strings with the quote-prefix flag and the sheet has no formulas.
    """
    import csv
    import io
    import zipfile

    from openpyxl import load_workbook

    from assessment.io.safe_cells import starts_formula

    for shape in ("long", "wide"):
        for fmt in ("csv", "xlsx"):
            res = post_form(
                owner,
                f"/assessments/{aid}/data/export",
                {"shape": shape, "fmt": fmt, "identity": "identified", "confirm": "y"},
                form_url=f"/assessments/{aid}/data",
            )
            assert res.status_code == 200, (shape, fmt, res.status_code)
            body = res.get_data()
            if fmt == "csv":
                rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
                cells = [c for r in rows for c in r]
                assert any("<script>" in c for c in cells), (shape, fmt)
                bad = [c for c in cells if starts_formula(c) and not _is_number(c)]
                assert not bad, (shape, fmt, bad[:5])
                assert any(c.startswith("'=HYPERLINK") for c in cells), (shape, fmt)
            else:
                with zipfile.ZipFile(io.BytesIO(body)) as archive:
                    for name in archive.namelist():
                        if name.startswith("xl/worksheets/"):
                            assert b"<f>" not in archive.read(name), name
                sheet = load_workbook(io.BytesIO(body)).active
                assert sheet is not None
                texts = [c for r in sheet.iter_rows() for c in r if isinstance(c.value, str)]
                assert any("<script>" in c.value for c in texts), (shape, fmt)
                assert all(c.data_type == "s" for c in texts)
                risky = [c for c in texts if starts_formula(c.value)]
                assert any(c.value.startswith("=HYPERLINK") for c in risky), (shape, fmt)
                assert all(c.quotePrefix for c in risky), [c.value for c in risky][:5]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _visible_text(html: str) -> str:
    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []

        def handle_data(self, data: str) -> None:
            self.parts.append(data)

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            # Values of inputs and textareas are visible to the user too.
            for name, value in attrs:
                if name in ("value", "title", "aria-label") and value:
                    self.parts.append(value)

    parser = Text()
    parser.feed(html)
    return "\n".join(parser.parts)


def test_payloads_are_literal_in_the_pdf(hostile_owner: FlaskClient, app: Flask) -> None:
    owner = hostile_owner
    aid = _hostile_assessment(owner)
    links = add_people(owner, aid, ", , sales_rep\n, , sales_rep\n, , sales_rep\n, , executive")
    open_assessment(owner, aid)
    for i, link in enumerate(links):
        answer_all(app.test_client(), link, comment=" ".join(ALL[i::4]))
    pdf = download_pdf(owner, aid)
    assert b"/EmbeddedFiles" not in pdf and b"/FileAttachment" not in pdf
    assert b"/URI (javascript" not in pdf and b"/JavaScript" not in pdf
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    flat = re.sub(r"\s+", "", text)
    # Client name, assessment title, firm, footer and comments print as literal text.
    for p in (payload(1, 200), payload(7, 200), payload(6, 120), payload(8, 200), ALL[0]):
        assert re.sub(r"\s+", "", p)[:25] in flat, p
    assert "root:x:0:0" not in text


@pytest.mark.parametrize("raw", ALL)
def test_scanner_flags_payloads_that_became_markup(raw: str) -> None:
    """Meta-test: the page scanner sees each payload when it is NOT escaped."""
    markup_kinds = ("<script", "onerror", "onload", 'href="javascript', "<style", "<link", "<img")
    html = f"<html><body><p>{raw}</p></body></html>"
    if any(k in raw for k in markup_kinds):
        assert scan(html, "raw"), raw
    assert scan(f"<p>{escape(raw)}</p>", "escaped") == []
