"""Results → view-model → HTML (Jinja, autoescaped, i18n) → PDF (WeasyPrint).

A long-lived process (a web worker, an RQ worker) reuses one Jinja environment and one
WeasyPrint :class:`FontConfiguration`, both created lazily on first use.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import (
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    select_autoescape,
)
from markupsafe import Markup

from assessment.core.model import Questionnaire
from assessment.core.results import Results
from reports.assets import ASSET_ROOT
from reports.build import build_view
from reports.i18n import Formatter, Translator
from reports.typeset import font_configuration, render_html, stylesheet, tune_allocator, warm_up
from reports.viewmodel import BOARD, ReportMeta, ReportView

if TYPE_CHECKING:
    from reports.fetcher import ReportURLFetcher

__all__ = [
    "build_html",
    "css_string",
    "environment",
    "figure3",
    "font_configuration",
    "html_from_view",
    "nbsp",
    "page_counter",
    "render_html",
    "render_report",
    "stylesheet",
    "tune_allocator",
    "warm_up",
]

_env: Environment | None = None
_PLACEHOLDER = re.compile(r"%\((page|pages)\)s")


def _bytecode_cache() -> FileSystemBytecodeCache | None:
    """Jinja's cache of compiled templates, in a private folder beside the questionnaires'.

    Compiling the report's templates costs a one-shot ``saleshealth report`` about a tenth
    of its own work before the HTML exists; Jinja keys each entry by the template's source
    checksum, so an edited template is compiled afresh.  ``None`` (compile every time) when
    caching is off (``SALESHEALTH_CACHE_DIR=off``).
    """
    from assessment.core.loader import private_cache_dir

    folder = private_cache_dir("templates")
    return None if folder is None else FileSystemBytecodeCache(str(folder))


def environment() -> Environment:
    """The report's Jinja environment: autoescaping, strict, with the i18n extension."""
    global _env
    if _env is None:
        env = Environment(
            loader=FileSystemLoader(str(ASSET_ROOT)),
            bytecode_cache=_bytecode_cache(),
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
        .get_template("board.html" if view.edition == BOARD else "report.html")
        .render(
            view=view,
            css=stylesheet(),
            page_counter=page_counter(fmt),
            _=fmt._,
            gettext=fmt._,
            ngettext=ngettext,
            percent=fmt.percent,
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
