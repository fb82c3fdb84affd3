"""The fast paths that reach into WeasyPrint are on for the WeasyPrint the project pins.

Typesetting in parts (:mod:`reports.paging`) and drawing SVG text in runs
(:mod:`reports.svg_text`), and parsing the report stylesheet once (:mod:`reports.css_cache`)
switch themselves off for a WeasyPrint version they do not know,
and the report is then typeset the slow way without any error.  These tests make that
visible: they fail when the installed WeasyPrint is outside the supported versions, or
when the pin in ``pyproject.toml`` allows a version the hooks were not written for.
"""

from __future__ import annotations

import importlib
import re
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

from reports import css_cache, paging, render_html, svg_text

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def _weasyprint_requirement() -> Requirement:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    found = [Requirement(d) for d in project["dependencies"] if re.match(r"(?i)weasyprint\b", d)]
    assert len(found) == 1, found
    return found[0]


def test_the_pin_allows_exactly_the_supported_versions() -> None:
    specifier = _weasyprint_requirement().specifier
    assert specifier, "WeasyPrint must be pinned to the versions reports/paging.py supports"
    for major in range(55, 90):
        for minor in range(3):
            version = f"{major}.{minor}"
            allowed = Version(version) in specifier
            assert allowed == version.startswith(paging.SUPPORTED), version


def test_the_installed_weasyprint_is_supported_and_within_the_pin() -> None:
    installed = metadata.version("weasyprint")
    assert Version(installed) in _weasyprint_requirement().specifier, installed
    paging.supported.cache_clear()
    assert paging.supported(), f"the fast paths are off for WeasyPrint {installed}"


def test_the_hooks_are_installed_by_a_render() -> None:
    html = (
        "<html><body><h1 id='a'>A</h1>"
        "<img src=\"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='80'"
        " height='20'%3E%3Ctext x='2' y='14'%3ERun%3C/text%3E%3C/svg%3E\"></body></html>"
    )
    seen = []

    def numbering(paginated: paging.Paginated) -> tuple[int, int]:
        seen.append(paginated.pages)
        return 5, 9

    render_html(html, numbering=numbering)
    weasy_svg = importlib.import_module("weasyprint.svg")
    layout = importlib.import_module("weasyprint.layout")
    assert svg_text.install()
    assert weasy_svg.TAGS["text"] is svg_text._plain_text
    assert layout.make_margin_boxes is paging._make_margin_boxes
    assert css_cache.installed()
    assert seen == [1]  # the numbering hook ran once, after pagination
