"""Number the pages of a part of the report once its place in the whole report is known.

WeasyPrint lays out all pages of a document first and only then its margin boxes (the
running header and the "page X of Y" footer), reading the ``page`` and ``pages`` counters
from its page-maker state.  :func:`numbered_by` hooks that moment: when a part has been
paginated, the caller's function receives the part's page count and where its anchors
landed, and answers with the number of the part's first page in the whole report and the
report's page total; the margin boxes are then made with those numbers.  Nothing else about
the layout changes, so a part typeset this way is page for page what the same pages are in
the whole report (tested against a whole-report render).

This reaches into WeasyPrint's layout internals (``weasyprint.layout.make_margin_boxes`` and
the page maker), so it is enabled only for the WeasyPrint versions it was tested with
(:data:`SUPPORTED`); with any other version :func:`supported` is false and the report is
typeset as one document.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from typing import Any

SUPPORTED = ("70.",)
"""WeasyPrint versions whose page maker this module was written and tested against."""


@dataclass(frozen=True)
class Paginated:
    """A part after pagination, before its margin boxes are made."""

    pages: int
    anchors: dict[str, int]
    """Anchor (element id) → index of the part's page it is on, from 0."""


Numbering = Callable[[Paginated], tuple[int, int]]
"""Given the paginated part, return (number of its first page, total pages of the report)."""

_local = threading.local()
_install_lock = threading.Lock()
_original_make_margin_boxes: Callable[..., Any] | None = None


@functools.cache
def supported() -> bool:
    """Whether the installed WeasyPrint is one this module knows (without importing it)."""
    try:
        return metadata.version("weasyprint").startswith(SUPPORTED)
    except metadata.PackageNotFoundError:
        return False


def _install() -> None:
    global _original_make_margin_boxes
    with _install_lock:
        if _original_make_margin_boxes is None:
            from weasyprint import layout

            _original_make_margin_boxes = layout.make_margin_boxes
            layout.make_margin_boxes = _make_margin_boxes


def _paginated(context: Any) -> Paginated:
    # After pagination the page maker holds one entry per page plus the state after the
    # last one; entry i's "remake state" lists the anchors first seen on page i.
    maker = context.page_maker
    pages = len(maker) - 1
    anchors: dict[str, int] = {}
    for index in range(pages):
        for anchor in maker[index][4].get("anchors", ()):
            anchors.setdefault(anchor, index)
    return Paginated(pages=pages, anchors=anchors)


def _renumber(context: Any, first: int, total: int) -> None:
    for entry in context.page_maker:
        counters = entry[3][1]
        if "page" in counters:
            counters["page"] = [value + first - 1 for value in counters["page"]]
        counters["pages"] = [total]


def _make_margin_boxes(context: Any, page: Any, state: Any) -> Any:
    numbering: Numbering | None = getattr(_local, "numbering", None)
    if numbering is not None and not getattr(context, "_saleshealth_numbered", False):
        context._saleshealth_numbered = True
        first, total = numbering(_paginated(context))
        _renumber(context, first, total)
    assert _original_make_margin_boxes is not None
    return _original_make_margin_boxes(context, page, state)


@contextmanager
def numbered_by(numbering: Numbering | None) -> Iterator[None]:
    """Within the block, documents laid out by this thread are numbered by ``numbering``.

    ``None`` leaves WeasyPrint's own numbering (page 1 of the document's page count).
    """
    if numbering is not None:
        if not supported():
            raise RuntimeError("numbering parts needs WeasyPrint " + " or ".join(SUPPORTED))
        _install()
    previous = getattr(_local, "numbering", None)
    _local.numbering = numbering
    try:
        yield
    finally:
        _local.numbering = previous
