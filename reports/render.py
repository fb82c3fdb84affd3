"""Results → view-model → HTML (Jinja, autoescaped, i18n) → PDF (WeasyPrint).

A long-lived process (a web worker, an RQ worker) reuses one Jinja environment and one
WeasyPrint :class:`FontConfiguration`, both created lazily on first use.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from assessment.core.model import Questionnaire
from assessment.core.results import Results
from reports.assets import ASSET_ROOT
from reports.build import build_view
from reports.i18n import Formatter, Translator
from reports.viewmodel import ReportMeta, ReportView

if TYPE_CHECKING:
    from reports.fetcher import ReportURLFetcher

_init_lock = threading.Lock()
_render_lock = threading.Lock()
_env: Environment | None = None
_font_config: Any = None
_css: Markup | None = None
_PLACEHOLDER = re.compile(r"%\((page|pages)\)s")


def environment() -> Environment:
    """The report's Jinja environment: autoescaping, strict, with the i18n extension."""
    global _env
    if _env is None:
        env = Environment(
            loader=FileSystemLoader(str(ASSET_ROOT)),
            autoescape=select_autoescape(enabled_extensions=("html", "xml", "svg"), default=True),
            extensions=["jinja2.ext.i18n"],
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
        env.filters["css_string"] = css_string
        env.filters["nbsp"] = nbsp
        env.filters["figure3"] = figure3
        _env = env
    return _env


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
    the output is kept; a long-lived child calls this once when it starts.
    """
    head = f"<head><style>{stylesheet()}</style></head>"
    render_html(_WARM_UP_HTML.replace("<body>", head + "<body>", 1))


def stylesheet() -> Markup:
    """The packaged ``report.css`` (trusted; inlined so the HTML is self-contained)."""
    global _css
    if _css is None:
        _css = Markup((ASSET_ROOT / "report.css").read_text(encoding="utf-8"))
    return _css


def css_string(value: object) -> Markup:
    """``value`` as a quoted CSS string where every non-alphanumeric character is escaped.

    Safe inside a ``<style>`` element and inside CSS: no quote, backslash, ``<`` or ``url(``
    can survive unescaped, so user text cannot end the string or the style element.
    """
    out = []
    for ch in str(value):
        if ch.isascii() and ch.isalnum():
            out.append(ch)
        else:
            out.append(f"\\{ord(ch):06x}")
    return Markup('"' + "".join(out) + '"')


def nbsp(value: object) -> str:
    """Keep a short label on one line (long ones may still wrap)."""
    text = str(value)
    return text.replace(" ", "\u00a0") if len(text) <= 45 else text


def figure3(value: object) -> str:
    """Right-align a short number in three digit widths with figure spaces (U+2007)."""
    text = str(value)
    return "\u2007" * max(0, 3 - len(text)) + text


def page_counter(fmt: Formatter) -> Markup:
    """The translated "page X of Y" as CSS content tokens."""
    template = fmt.translations.gettext("Page %(page)s of %(pages)s")
    tokens: list[str] = []
    pos = 0
    for match in _PLACEHOLDER.finditer(template):
        if match.start() > pos:
            tokens.append(css_string(template[pos : match.start()]))
        tokens.append(f"counter({match.group(1)})")
        pos = match.end()
    if pos < len(template):
        tokens.append(css_string(template[pos:]))
    return Markup(" ".join(tokens))


def html_from_view(view: ReportView, translations: Translator | None = None) -> str:
    """Render the view-model with the report templates."""
    fmt = Formatter.create(view.language, translations)

    def ngettext(singular: str, plural: str, n: int, **values: object) -> str:
        return fmt.ngettext(singular, plural, n, **values)

    return (
        environment()
        .get_template("report.html")
        .render(
            view=view,
            css=stylesheet(),
            page_counter=page_counter(fmt),
            _=fmt._,
            gettext=fmt._,
            ngettext=ngettext,
        )
    )


def build_html(
    results: Results,
    questionnaire: Questionnaire,
    meta: ReportMeta,
    *,
    translations: Translator | None = None,
) -> str:
    """The complete, self-contained report HTML (styles inline, images as ``data:`` URIs)."""
    return html_from_view(build_view(results, questionnaire, meta, translations), translations)


def render_html(
    html: str, *, fetcher: ReportURLFetcher | None = None, collect: bool = True
) -> bytes:
    """Typeset report HTML to PDF bytes with the safe URL fetcher and shared fonts.

    The cyclic garbage collector is paused while WeasyPrint works: its box trees are large
    and long-lived for the duration of a render, and CPython 3.11 would traverse them in many
    full collections (about 15 % of the render).  One collection afterwards frees the
    render's garbage; ``collect=False`` leaves that to the caller (a child process can do it
    after replying, a CLI process can simply exit).
    """
    from weasyprint import HTML

    from reports.fetcher import ReportURLFetcher

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
            pdf: bytes = document.write_pdf(font_config=font_config)
            del document
        finally:
            if was_enabled:
                gc.enable()
        if collect:
            gc.collect()
    return pdf


def render_report(
    results: Results,
    questionnaire: Questionnaire,
    meta: ReportMeta,
    *,
    translations: Translator | None = None,
    html_out: str | os.PathLike[str] | None = None,
    fetcher: ReportURLFetcher | None = None,
) -> bytes:
    """Render the PDF report; with ``html_out``, also write the exact HTML that was rendered."""
    html = build_html(results, questionnaire, meta, translations=translations)
    if html_out is not None:
        Path(html_out).write_text(html, encoding="utf-8")
    return render_html(html, fetcher=fetcher)
