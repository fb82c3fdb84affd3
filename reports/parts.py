"""Cut the report HTML into parts that can be typeset separately, then put back together.

The report template marks the places where a new part may start (:data:`PART_MARK`): after
the cover and contents (the *front*) and before every later section, each of which starts a
new page.  A part's page count therefore does not depend on where it starts, which is what
lets two processes typeset the two halves of the body at the same time
(:class:`reports.bounded.BoundedRenderer`).  The front is measured first and typeset last,
when every section's page is known: its table of contents then carries the page numbers as
text (``data-page``) instead of ``target-counter()``, which cannot look into another
document.

Pure string work: no WeasyPrint here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

PART_MARK = "<!--report-part-->"
"""Written by ``report.html`` between parts; user text is escaped and cannot contain it."""

_BODY_OPEN = re.compile(r"<body[^>]*>")
_TOC_OPEN = '<ol class="toc">'
_LINK = re.compile(r'<a href="#([^"]+)">')
_ANY_LINK = re.compile(r'href="#([^"]+)"')
_ID = re.compile(r' id="([^"]+)"')
_IMAGE = re.compile(r'src="data:[^"]*"')


@dataclass(frozen=True)
class PartDocument:
    """One part as a complete HTML document."""

    html: str
    stand_ins: frozenset[str]
    """Anchors placed only so that links to other parts survive typesetting (WeasyPrint
    drops a link whose target is not in the document); the merged PDF points those links
    at the real anchors in the other parts."""


def _with_stand_ins(head: str, inner: str, tail: str) -> PartDocument:
    missing = set(_ANY_LINK.findall(inner)) - set(_ID.findall(inner))
    spans = "".join(f'<span id="{anchor}"></span>' for anchor in sorted(missing))
    block = f'<div class="part-anchors">{spans}</div>' if spans else ""
    return PartDocument(html=head + inner + block + tail, stand_ins=frozenset(missing))


@dataclass(frozen=True)
class ReportParts:
    """A report document cut at its part marks."""

    head: str
    """Everything up to and including the ``<body>`` tag."""
    front: str
    """The cover and the table of contents."""
    body: tuple[str, ...]
    """The sections after the front, in order; each starts a new page."""
    tail: str
    """Everything after the last part (``</body></html>``)."""

    def document(self, first: int, stop: int) -> PartDocument:
        """A complete HTML document of the body parts ``first`` to ``stop - 1``."""
        return _with_stand_ins(self.head, "".join(self.body[first:stop]), self.tail)

    def front_document(self, pages: Mapping[str, int]) -> PartDocument:
        """The front as a document whose contents show ``pages`` (anchor → page number).

        Every anchor the contents link to must be in ``pages``.
        """

        def numbered(match: re.Match[str]) -> str:
            anchor = match.group(1)
            if anchor not in pages:
                raise KeyError(f"the contents link to #{anchor}, which no part contains")
            return f'<a href="#{anchor}" data-page="{pages[anchor]}">'

        front = _LINK.sub(numbered, self.front.replace(_TOC_OPEN, '<ol class="toc numbered">', 1))
        return _with_stand_ins(self.head, front, self.tail)

    def links(self) -> list[str]:
        """The anchors the front links to, in order."""
        return list(dict.fromkeys(_LINK.findall(self.front)))


def split_report(html: str) -> ReportParts | None:
    """Cut report HTML at its part marks; ``None`` when it has none (typeset it whole)."""
    if PART_MARK not in html:
        return None
    body_open = _BODY_OPEN.search(html)
    body_close = html.rfind("</body>")
    if body_open is None or body_close < body_open.end():
        return None
    head, tail = html[: body_open.end()], html[body_close:]
    inner = html[body_open.end() : body_close]
    front, *parts = inner.split(PART_MARK)
    body = [part for part in parts if part.strip()]  # a section left out prints nothing
    if not body or _TOC_OPEN not in front:
        return None
    return ReportParts(head=head, front=front, body=tuple(body), tail=tail)


def typesetting_cost(part: str) -> int:
    """A rough estimate of the time needed to typeset ``part``, in milliseconds.

    Calibrated on the standard report's sections on a 2-core machine: the number of tags
    (boxes to style and lay out) predicts a section's time within about 20 %; a chart
    costs about as much as a table row.  Only the ratio between parts matters.
    """
    return (part.count("<") + 8 * len(_IMAGE.findall(part))) // 2


def halve(costs: Sequence[int], extra_first: int = 0) -> int:
    """Where to cut ``costs`` into two runs of nearly equal total cost.

    Returns ``k`` so that ``costs[:k]`` and ``costs[k:]`` are both non-empty (when there are
    at least two items) and ``extra_first + sum(costs[:k])`` is closest to ``sum(costs[k:])``.
    """
    if len(costs) < 2:
        return len(costs)
    total = sum(costs)
    best, best_k, running = None, 1, extra_first
    for k in range(1, len(costs)):
        running += costs[k - 1]
        gap = abs(running - (total - (running - extra_first)))
        if best is None or gap < best:
            best, best_k = gap, k
    return best_k
