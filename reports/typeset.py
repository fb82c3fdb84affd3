"""Typeset report HTML to PDF with WeasyPrint: the part of the pipeline that runs in the
rendering processes.

Kept apart from :mod:`reports.render` (Jinja, the view-model, pydantic) so that the
renderer's processes (:mod:`reports.bounded`) import only WeasyPrint and this module.  A
long-lived process reuses one WeasyPrint :class:`FontConfiguration`, created lazily.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import threading
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from reports.assets import ASSET_ROOT

if TYPE_CHECKING:
    from reports.fetcher import ReportURLFetcher
    from reports.paging import Numbering

_init_lock = threading.Lock()
_render_lock = threading.Lock()
_font_config: Any = None
_css: Markup | None = None
_warm = False


_M_MMAP_THRESHOLD = -3  # glibc mallopt parameter
_MMAP_THRESHOLD = 128 * 1024


def tune_allocator() -> None:
    """Fix glibc's mmap threshold at its default (128 KiB) for a rendering process.

    glibc raises the threshold each time a large mmapped block is freed, after which large
    blocks (WeasyPrint's and Pango's buffers) come from the heap and fragment it; a fixed
    threshold keeps them in mmap, returned to the system when freed.  Measured over 40
    renders of the standard report: about 25 MB less resident memory.  No-op elsewhere.
    """
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)


def release_heap() -> None:
    """Give freed heap pages back to the system (glibc ``malloc_trim``); no-op elsewhere.

    After a render the freed box trees leave the heap fragmented; without trimming, a
    long-lived process's resident memory creeps up from render to render.
    """
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def font_configuration() -> Any:
    """The process-wide WeasyPrint font configuration (created on first use)."""
    global _font_config
    if _font_config is None:
        from weasyprint.text.fonts import FontConfiguration

        with _init_lock:
            if _font_config is None:
                tune_allocator()
                _font_config = FontConfiguration()
    return _font_config


_WARM_UP_HTML = (
    '<html lang="en"><body><h1>Warm-up</h1><p>Text <b>bold</b> <i>italic</i> 0123456789 %'
    '</p><table class="data"><tr><th>A</th><td class="num">1</td></tr></table></body></html>'
)


def warm_up() -> None:
    """Prepare a fresh rendering process: font configuration, fonts, the stylesheet.

    Typesets a one-page document with the report stylesheet and throws the PDF away, so
    the first real render does not pay for loading fonts and shaping tables.  Nothing of
    the output is kept.  The renderer's forkserver calls it once (:mod:`reports.preload`),
    so every child it forks inherits the warm state; a second call does nothing.
    """
    global _warm
    if _warm:
        return
    head = f"<head><style>{stylesheet()}</style></head>"
    render_html(_WARM_UP_HTML.replace("<body>", head + "<body>", 1))
    _warm = True


def stylesheet() -> Markup:
    """The packaged ``report.css`` (trusted; inlined so the HTML is self-contained)."""
    global _css
    if _css is None:
        _css = Markup((ASSET_ROOT / "report.css").read_text(encoding="utf-8"))
    return _css


def render_html(
    html: str,
    *,
    fetcher: ReportURLFetcher | None = None,
    collect: bool = True,
    numbering: Numbering | None = None,
) -> bytes:
    """Typeset report HTML to PDF bytes with the safe URL fetcher and shared fonts.

    The cyclic garbage collector is paused while WeasyPrint works: its box trees are large
    and long-lived for the duration of a render, and CPython 3.11 would traverse them in many
    full collections (about 15 % of the render).  One collection afterwards frees the
    render's garbage; ``collect=False`` leaves that to the caller (a child process can do it
    after replying, a CLI process can simply exit).

    ``numbering`` typesets one part of a report: see :func:`reports.paging.numbered_by`.
    """
    from reports.weasy import import_weasyprint

    import_weasyprint()  # before anything below imports it the slow way
    from weasyprint import HTML

    from reports.css_cache import install as parse_report_css_once
    from reports.fetcher import ReportURLFetcher
    from reports.paging import numbered_by
    from reports.pango_layouts import install as keep_text_layouts
    from reports.svg_text import install as use_fast_svg_text

    use_fast_svg_text()
    parse_report_css_once()
    keep_text_layouts()
    font_config = font_configuration()
    with _render_lock:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            document = HTML(
                string=html,
                base_url=ASSET_ROOT.as_uri() + "/",
                url_fetcher=fetcher or ReportURLFetcher(),
            )
            with numbered_by(numbering):
                pdf: bytes = document.write_pdf(font_config=font_config)
            del document
        finally:
            if was_enabled:
                gc.enable()
        if collect:
            gc.collect()
            release_heap()
    return pdf
