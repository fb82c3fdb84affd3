"""User text stays text, and WeasyPrint may load nothing but packaged assets and data: URIs."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from weasyprint import CSS, HTML

from assessment.core.answers import Respondent
from assessment.core.model import Questionnaire
from assessment.core.scoring import score
from assessment.core.synthetic import synthetic_respondents
from reports import ReportMeta
from reports.fetcher import ASSET_ROOT, ReportURLFetcher, URLRefused
from reports.render import css_string, font_configuration, render_html
from tests.reports.conftest import Rendered, pdf_text, render

ATTACH = '<link rel="attachment" href="file:///etc/passwd">'
IMG = '<img src="http://169.254.169.254/">'
CSS_URL = "<style>body{background:url(file:///etc/passwd)}</style>"
STYLE_ATTR = '<div style="background-image:url(file:///etc/passwd)">x</div>'
PAYLOADS = (ATTACH, IMG, CSS_URL, STYLE_ATTR)
FORBIDDEN = ("file:///etc/passwd", "http://169.254.169.254/")


def assert_no_attachments(pdf: bytes) -> None:
    """No embedded files, no file-attachment annotations, no launch actions."""
    reader = PdfReader(io.BytesIO(pdf))
    names = reader.trailer["/Root"].get("/Names")
    assert names is None or "/EmbeddedFiles" not in names.get_object()
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            obj = annot.get_object()
            assert obj.get("/Subtype") != "/FileAttachment"
            assert "/Launch" not in str(obj.get("/A", ""))
    assert b"/EmbeddedFile" not in pdf and b"/FileAttachment" not in pdf
    assert b"root:x:0:0" not in pdf


@pytest.fixture(scope="module")
def hostile(standard: Questionnaire, meta: ReportMeta) -> Rendered:
    """A report whose client name, footer, firm and comments carry markup and URLs."""
    people = synthetic_respondents(standard, n=40)
    first = people[0]
    comments = dict(first.comments)
    comments["crm"] = "Our CRM " + " ".join(PAYLOADS) + " " + "W" * 400
    people[0] = Respondent(first.id, first.role, first.answers, comments, first.team, "en")
    results = score(standard, people)
    branding = dataclasses.replace(
        meta.branding, firm_name="Firm " + CSS_URL[:40], footer_text="Footer " + IMG
    )
    hostile_meta = dataclasses.replace(
        meta,
        client_name="Client " + ATTACH,
        branding=branding,
        prepared_by='"); } @import url(http://evil/x.css); {',
    )
    return render(results, standard, hostile_meta, "hostile")


def test_markup_in_user_text_is_printed_literally(hostile: Rendered) -> None:
    text = pdf_text(hostile.pdf)
    squeezed = text.replace(" ", "")
    for payload in PAYLOADS:
        assert payload.replace(" ", "") in squeezed, payload
    assert "Client " + ATTACH in text  # cover and running header
    assert "@import url(http://evil/x.css)" in text


def test_long_unbroken_text_stays_on_the_page(hostile: Rendered) -> None:
    from tests.reports.test_pdf_quality import overflowing_boxes

    assert overflowing_boxes(hostile.html) == []


def test_no_attachment_and_nothing_fetched(hostile: Rendered) -> None:
    assert_no_attachments(hostile.pdf)
    asked = " ".join(hostile.fetcher.requested)
    for url in FORBIDDEN:
        assert url not in asked
    assert "http://evil" not in asked
    assert all(u.startswith("data:image/") for u in hostile.fetcher.requested)


def test_fetcher_refuses_when_weasyprint_is_given_raw_markup(tmp_path: Path) -> None:
    """Second line of defence: even unescaped markup cannot reach files or the network."""
    fetcher = ReportURLFetcher()
    html = (
        "<html><head>" + ATTACH + '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">'
        '<link rel="stylesheet" href="file:///etc/passwd">'
        + CSS_URL
        + "</head><body>"
        + IMG
        + STYLE_ATTR
        + '<img src="file:///etc/hostname"><img src="../../pyproject.toml">'
        '<img src="data:text/html;base64,PGgxPng8L2gxPg==">'
        '<a rel="attachment" href="file:///etc/passwd">a</a></body></html>'
    )
    pdf = HTML(string=html, base_url=ASSET_ROOT.as_uri() + "/", url_fetcher=fetcher).write_pdf(
        font_config=font_configuration(),
        stylesheets=[CSS(string="p{background:url(file:///etc/passwd)}", url_fetcher=fetcher)],
    )
    assert_no_attachments(pdf)
    assert fetcher.requested, "WeasyPrint did not consult the fetcher at all"
    assert set(fetcher.refused) == set(fetcher.requested)
    assert any(u.startswith("file:///etc/passwd") for u in fetcher.refused)
    assert any(u.startswith("http://169.254.169.254") for u in fetcher.refused)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        "file://evil.example/share/x.css",
        (ASSET_ROOT / ".." / ".." / "pyproject.toml").as_uri(),
        ASSET_ROOT.as_uri() + "/%2e%2e/%2e%2e/pyproject.toml",
        (ASSET_ROOT / "report.html").as_uri(),
        "http://169.254.169.254/latest/meta-data/",
        "https://example.com/logo.png",
        "ftp://example.com/x",
        "gopher://example.com/",
        "data:text/html,<script>alert(1)</script>",
        "data:text/css,body{}",
        "data:image/png;base64,@@@",
        "relative/path.css",
    ],
)
def test_fetcher_refuses(url: str) -> None:
    fetcher = ReportURLFetcher()
    with pytest.raises(URLRefused):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_fetcher_serves_packaged_css_and_image_data() -> None:
    fetcher = ReportURLFetcher()
    css = fetcher.fetch((ASSET_ROOT / "report.css").as_uri())
    assert css.content_type == "text/css" and b"@page" in css.read()
    png = fetcher.fetch("data:image/png;base64,iVBORw0KGgo=")
    assert png.content_type == "image/png" and png.read().startswith(b"\x89PNG")
    assert not fetcher.refused


def test_css_string_cannot_break_out() -> None:
    escaped = str(css_string('a"; } body { background: url(file:///x) } </style><b>'))
    inner = escaped[1:-1]
    assert '"' not in inner and "<" not in inner and "(" not in inner and ";" not in inner
    assert escaped.startswith('"') and escaped.endswith('"')


def test_render_html_uses_the_safe_fetcher_by_default() -> None:
    pdf = render_html('<html><body><img src="file:///etc/passwd">ok</body></html>')
    assert pdf.startswith(b"%PDF") and b"root:x:0:0" not in pdf
