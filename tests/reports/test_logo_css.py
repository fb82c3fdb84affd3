"""The SVG logo sanitizer keeps no CSS function that could name a resource (finding 6).

The hostile run found ``url/**/(http://…)`` and ``image("http://…")`` kept inside
``<style>`` (inert then, because the report's fetcher refuses them, but one layer only).
"""

from __future__ import annotations

import pytest

from reports.branding import _safe_css

REFUSED = [
    "fill: url/**/(http://evil.example/x)",
    "fill: url(/**/http://evil.example/x)",
    'background: image("http://evil.example/x.png")',
    "background: image-set('x.png' 1x)",
    "fill: URL( 'http://evil.example/p.svg#x' )",
    "filter: blur(2px)",
    "fill: var(--x)",
    "width: calc(100% - 1px)",
    "fill: rgb(url(http://evil.example))",
    "@import 'x.css';",
    ".a { fill: red } /* unterminated url(http://x",
]

KEPT = [
    "fill: url(#g)",
    "fill: url( '#g' )",
    "fill: rgb(31, 78, 121)",
    "fill: rgba(31,78,121,0.5); stroke: hsl(210deg 59% 30%)",
    ".a { fill: #1f4e79 } /* a comment */",
    "",
]


@pytest.mark.parametrize("css", REFUSED)
def test_css_functions_other_than_local_url_are_refused(css: str) -> None:
    assert not _safe_css(css)


@pytest.mark.parametrize("css", KEPT)
def test_local_urls_and_numeric_colours_are_kept(css: str) -> None:
    assert _safe_css(css)
