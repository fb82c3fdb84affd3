"""Keep each text box's Pango layout from layout to drawing instead of shaping it twice.

WeasyPrint shapes every line of text while it lays out the pages
(``weasyprint.text.line_break.split_first_line``), then throws the Pango objects away
(``Layout.deactivate``) and, when it draws the line, makes them again from nothing
(``Layout.reactivate``: a new Pango context, font description and layout, and the text
shaped once more).  A report has tens of thousands of text boxes, so that second shaping
is a few percent of typesetting: for the full edition, about 0.13 s of 3.6 s of CPU.

:func:`install` makes ``deactivate`` remember which style the layout was made for instead
of deleting it, and ``reactivate`` keep the layout when it is asked for the same style and
the line is not justified (justification adds spacing only when drawing); anything else
is made again exactly as before.  The layouts live as long as their text boxes, which
adds about 10 MB at the peak of the full edition (265 → 274 MB).  Measured on the
standard report in all five languages, board and full edition: the PDFs are byte for
byte the same with and without it (``tests/reports/test_pango_layouts.py`` checks it on
every render path it touches).  Like the other hooks into WeasyPrint
(:mod:`reports.paging`, :mod:`reports.svg_text`, :mod:`reports.css_cache`) it is switched
off for a WeasyPrint version it was not written for.
"""

from __future__ import annotations

import importlib
import threading
from typing import Any

from reports.paging import supported

_lock = threading.Lock()
_originals: tuple[Any, Any] | None = None


def _deactivate(layout: Any) -> None:
    """Keep the Pango objects; remember the style they were made for."""
    layout.kept_for = layout.style


def _reactivate(layout: Any, style: Any) -> None:
    """Reuse the kept layout for the same style and unjustified text, else make it again."""
    if (
        getattr(layout, "kept_for", None) is style
        and layout.justification_spacing == 0
        and getattr(layout, "layout", None) is not None
    ):
        return
    assert _originals is not None
    _originals[1](layout, style)


def install() -> bool:
    """Keep text layouts for drawing from now on; False if this WeasyPrint is unknown."""
    global _originals
    if not supported():
        return False
    with _lock:
        if _originals is None:
            layout_class = importlib.import_module("weasyprint.text.line_break").Layout
            _originals = (layout_class.deactivate, layout_class.reactivate)
            layout_class.deactivate = _deactivate
            layout_class.reactivate = _reactivate
    return True


def uninstall() -> None:
    """Put WeasyPrint's own ``deactivate`` and ``reactivate`` back (for comparisons)."""
    global _originals
    with _lock:
        if _originals is not None:
            layout_class = importlib.import_module("weasyprint.text.line_break").Layout
            layout_class.deactivate, layout_class.reactivate = _originals
            _originals = None


def installed() -> bool:
    """Whether text layouts are kept for drawing."""
    if _originals is None:
        return False
    layout_class = importlib.import_module("weasyprint.text.line_break").Layout
    return bool(layout_class.reactivate is _reactivate)
