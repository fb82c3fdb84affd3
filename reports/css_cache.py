"""Parse the packaged report stylesheet once per process instead of once per document.

Every report document carries ``report.css`` inline (so that its HTML is self-contained and
prints the same in a browser).  WeasyPrint parses each ``<style>`` element it finds, which
costs about 25 ms for ``report.css``: a report typeset in parts (:mod:`reports.bounded`) is
four documents, so a tenth of a second of one report went into parsing the same 18 KB
again and again.

:func:`install` makes WeasyPrint's stylesheet finder reuse one parsed copy whenever a
``<style>`` element holds exactly the packaged stylesheet; any other ``<style>`` (the brand
palette, the running heads) is parsed as before.  The parsed copy keeps its own list of
``@page`` rules, which WeasyPrint reads sheet by sheet (``StyleFor.add_page_declarations``),
so the cascade and the pages are the same as with a fresh parse; the tests compare the two.
Like the other hooks into WeasyPrint (:mod:`reports.paging`, :mod:`reports.svg_text`) it is
switched off for a WeasyPrint version it was not written for.
"""

from __future__ import annotations

import importlib
import threading
from typing import Any

from reports.paging import supported

_lock = threading.Lock()
_original: Any = None
_parsed: dict[tuple[str, str, int], Any] = {}
"""Parsed stylesheets by (base URL, media type, font configuration id)."""


def _packaged() -> str:
    from reports.typeset import stylesheet

    return str(stylesheet()).strip()


def _css(*args: Any, **kwargs: Any) -> Any:
    """WeasyPrint's ``CSS`` for :func:`weasyprint.css.find_stylesheets`, with a cache."""
    string = kwargs.get("string")
    font_config = kwargs.get("font_config")
    if args or not isinstance(string, str) or string.strip() != _packaged():
        return _original(*args, **kwargs)
    key = (str(kwargs.get("base_url")), str(kwargs.get("media_type")), id(font_config))
    sheet = _parsed.get(key)
    if sheet is None:
        # Own lists for the rules WeasyPrint collects while parsing, so that nothing of one
        # document's other stylesheets is kept in the shared copy.
        own: dict[str, Any] = {"page_rules": [], "layers": [], "counter_style": None}
        sheet = _original(*args, **{**kwargs, **own})
        with _lock:
            _parsed.setdefault(key, sheet)
            sheet = _parsed[key]
    return sheet


def install() -> bool:
    """Reuse the parsed report stylesheet from now on; False if this WeasyPrint is unknown."""
    global _original
    if not supported():
        return False
    with _lock:
        if _original is None:
            weasy_css = importlib.import_module("weasyprint.css")
            _original = weasy_css.CSS
            weasy_css.CSS = _css  # type: ignore[attr-defined]
    return True


def installed() -> bool:
    """Whether WeasyPrint's stylesheet finder goes through the cache."""
    return _original is not None and importlib.import_module("weasyprint.css").CSS is _css
