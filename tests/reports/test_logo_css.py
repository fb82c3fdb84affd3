"""The SVG logo sanitizer keeps no CSS function but ``url(#…)`` (finding 6).

The hostile run found ``url/**/(http://…)`` and ``image("http://…")`` kept inside
``<style>`` (inert then, because the report's fetcher refuses them, but one layer only).
Numeric colour functions (``rgb(1,2,3)``) go too: the issue allows ``url(#…)`` alone.
"""

from __future__ import annotations

from html import escape

import pytest

from reports.branding import _safe_css, sanitize_svg

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
    "fill: rgb(1,2,3)",
    "fill: rgb(31, 78, 121)",
    "fill: rgba(31,78,121,0.5); stroke: hsl(210deg 59% 30%)",
    "fill: url(#g); stroke: rgb(1,2,3)",
    "fill: (http://evil.example/x)",
]

KEPT = [
    "fill: url(#g)",
    "fill: url( '#g' )",
    "fill: url(#g); stroke: #1f4e79",
    ".a { fill: #1f4e79 } /* a comment */",
    "",
]


@pytest.mark.parametrize("css", REFUSED)
def test_css_functions_other_than_local_url_are_refused(css: str) -> None:
    assert not _safe_css(css)


@pytest.mark.parametrize("css", KEPT)
def test_local_urls_and_plain_colours_are_kept(css: str) -> None:
    assert _safe_css(css)


SVG = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">
<style>{style}</style>
<linearGradient id="g"><stop offset="0" stop-color="#1f4e79"/></linearGradient>
<rect width="10" height="10" style="{attribute}" fill="{fill}"/>
</svg>"""


@pytest.mark.parametrize(
    "hostile",
    ["url/**/(http://evil.example/x)", 'image("http://evil.example/x.png")', "rgb(1,2,3)"],
)
def test_a_logo_keeps_no_function_but_a_local_url(hostile: str) -> None:
    """In a whole logo: the ``<style>``, the style attribute and the presentation attribute
    carrying another function go; ``url(#g)`` and plain colours stay."""
    css = f"rect {{ fill: {hostile} }}"
    quoted = escape(hostile, quote=True)
    out = sanitize_svg(
        SVG.format(style=css, attribute=f"fill: {quoted}", fill=quoted).encode()
    ).decode()
    assert "evil" not in out and "rgb" not in out and "image" not in out
    assert "<style" not in out and "style=" not in out and "fill=" not in out
    assert 'stop-color="#1f4e79"' in out
    kept = sanitize_svg(
        SVG.format(
            style="rect { fill: url(#g) }", attribute="stroke: #000", fill="url(#g)"
        ).encode()
    ).decode()
    assert "rect { fill: url(#g) }" in kept
    assert 'style="stroke: #000"' in kept and 'fill="url(#g)"' in kept
