"""Logo validation and sanitizing, colours, and the white-label report."""

from __future__ import annotations

import dataclasses
import io
import struct
import zlib

import pytest
from pypdf import PdfReader

from assessment.core.model import Questionnaire
from assessment.core.results import Results
from reports import Branding, BrandingError, ReportMeta, build_html, validate_color, validate_logo
from reports.branding import MAX_LOGO_BYTES, PNG_MIME, SVG_MIME
from tests.reports.conftest import Rendered


def png(width: int = 4, height: int = 2) -> bytes:
    """A valid RGB PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    raw = b"".join(b"\x00" + b"\x1f\x4e\x79" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


MALICIOUS_SVG = b"""<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     width="120" height="40" viewBox="0 0 120 40" onload="alert(1)">
  <script>alert(document.cookie)</script>
  <style>@import url(http://evil.example/x.css); .a { fill: red }</style>
  <defs><linearGradient id="g"><stop offset="0" stop-color="#123456"/></linearGradient></defs>
  <rect class="a" width="120" height="40" fill="url(#g)" onclick="steal()"
        style="fill: url(http://evil.example/p.svg#x)"/>
  <foreignObject width="10" height="10"><iframe src="http://evil.example/"/></foreignObject>
  <image xlink:href="file:///etc/passwd" width="10" height="10"/>
  <image href="data:image/png;base64,iVBORw0KGgo=" width="10" height="10"/>
  <use xlink:href="http://evil.example/sprite.svg#icon"/>
  <use href="#g"/>
  <a href="javascript:alert(1)"><text x="5" y="30">Northwind</text></a>
  <text x="5" y="20" fill="url(  'http://evil.example/f' )">Advisory</text>
  <animate attributeName="href" to="javascript:alert(1)"/>
  <set attributeName="onload" to="alert(1)"/>
</svg>"""


def test_png_logo_is_accepted_with_its_size() -> None:
    logo = validate_logo(png(40, 20), "logo.png")
    assert logo.mime == PNG_MIME and (logo.width, logo.height) == (40, 20)
    assert logo.data_uri().startswith("data:image/png;base64,iVBOR")


def test_malicious_svg_becomes_inert() -> None:
    logo = validate_logo(MALICIOUS_SVG, "logo.svg")
    assert logo.mime == SVG_MIME
    out = logo.data.decode()
    lowered = out.lower()
    for bad in (
        "script",
        "onload",
        "onclick",
        "foreignobject",
        "iframe",
        "evil.example",
        "javascript:",
        "file:",
        "@import",
        "animate",
        "<set",
    ):
        assert bad not in lowered, (bad, out)
    assert "url(#g)" in out and 'href="#g"' in out and "data:image/png" in out
    assert "Advisory" in out  # harmless content survives


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"GIF89a" + b"\x00" * 20, "not a PNG or SVG"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "not a PNG or SVG"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 30, "damaged"),
        (
            png()[:8]
            + struct.pack(">I", 13)
            + b"IHDR"
            + struct.pack(">II", 50000, 10)
            + b"\x08\x02\x00\x00\x00"
            + b"\x00" * 8,
            "pixels",
        ),
        (b"<svg xmlns='http://www.w3.org/2000/svg'" + b" " * (MAX_LOGO_BYTES) + b"/>", "limit"),
        (
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
            "DOCTYPE",
        ),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><rect></svg>", "well-formed"),
        (b"<?xml version='1.0'?><html><body/></html>", "not an SVG"),
    ],
)
def test_bad_logos_are_rejected(data: bytes, message: str) -> None:
    with pytest.raises(BrandingError, match=message):
        validate_logo(data, "upload")


@pytest.mark.parametrize("value", ["#1F4E79", "#000000", " #abcdef "])
def test_colours_are_normalized(value: str) -> None:
    assert validate_color(value) == value.strip().lower()


@pytest.mark.parametrize("value", ["red", "#fff", "#12345g", "#1234567", "", "url(x)"])
def test_bad_colours_are_rejected(value: str) -> None:
    with pytest.raises(BrandingError, match="#1f4e79"):
        Branding(primary_color=value)


def test_white_label_report_never_names_saleshealth(standard_report: Rendered) -> None:
    assert standard_report.meta.branding.firm_name
    assert "saleshealth" not in standard_report.text().lower()
    assert "saleshealth" not in standard_report.html.lower()
    info = PdfReader(io.BytesIO(standard_report.pdf)).metadata or {}
    assert "saleshealth" not in " ".join(str(v) for v in info.values()).lower()
    assert "Northwind Advisory" in standard_report.text()


def test_unbranded_report_credits_saleshealth(
    standard: Questionnaire, standard_results: Results, meta: ReportMeta
) -> None:
    plain = dataclasses.replace(meta, branding=Branding())
    html = build_html(standard_results, standard, plain)
    assert "Prepared with saleshealth" in html


def test_logo_and_colour_reach_the_report(
    standard: Questionnaire, standard_results: Results, meta: ReportMeta
) -> None:
    logo = validate_logo(MALICIOUS_SVG)
    branded = dataclasses.replace(
        meta, branding=Branding(firm_name="Northwind", primary_color="#7A1F3D", logo=logo)
    )
    html = build_html(standard_results, standard, branded)
    assert logo.data_uri() in html
    assert "--primary: #7a1f3d" in html
