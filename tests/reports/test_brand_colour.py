"""The default brand colour is written down once (``reports.branding.DEFAULT_PRIMARY``).

The workspace's column default, the report job, the branding form, the results radar and
the report all take it from there; the web stylesheet, which cannot import Python, defines
it once as ``--brand`` and must agree.
"""

from __future__ import annotations

import re
from pathlib import Path

from reports.branding import DEFAULT_PRIMARY

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("assessment", "reports", "templates")
SUFFIXES = {".py", ".html", ".css", ".js", ".po", ".pot", ".yaml"}


def _occurrences() -> dict[str, int]:
    found = {}
    for top in SOURCES:
        for path in sorted((ROOT / top).rglob("*")):
            if path.suffix not in SUFFIXES or not path.is_file():
                continue
            count = path.read_text(encoding="utf-8").lower().count(DEFAULT_PRIMARY.lower())
            if count:
                found[str(path.relative_to(ROOT))] = count
    return found


def test_the_default_brand_colour_is_defined_once() -> None:
    assert _occurrences() == {"reports/branding.py": 1, "assessment/static/app.css": 1}


def test_the_web_stylesheet_brand_is_the_default_report_colour() -> None:
    css = (ROOT / "assessment" / "static" / "app.css").read_text(encoding="utf-8")
    match = re.search(r"--brand:\s*(#[0-9a-fA-F]{6})", css)
    assert match is not None and match.group(1).lower() == DEFAULT_PRIMARY
