"""Put separately typeset parts of a report back together into one PDF (pikepdf / qpdf).

The front (cover and contents) is the base document: its metadata, language and first
bookmarks stay.  The pages of the other parts follow in order.  Named destinations — what
the contents' links and the bookmarks point at — are rebuilt from the parts, pointing at
the merged pages; the front's own stand-in anchors (see
:meth:`reports.parts.ReportParts.front_document`) are replaced.  The parts' bookmarks are
appended after the front's, keeping their nesting and open/closed state.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import pikepdf


@dataclass(frozen=True)
class Merged:
    """The merged PDF and where each named destination ended up."""

    pdf: bytes
    pages: int
    destinations: dict[str, int]
    """Anchor → page number (from 1) in the merged PDF."""


def _named_destinations(pdf: pikepdf.Pdf) -> dict[str, Any]:
    names = pdf.Root.get("/Names")
    if names is None or "/Dests" not in names:
        return {}
    return {str(key): value for key, value in pikepdf.NameTree(names.Dests).items()}


def _page_index(pdf: pikepdf.Pdf) -> dict[tuple[int, int], int]:
    return {page.obj.objgen: index for index, page in enumerate(pdf.pages)}


def _copy_items(
    items: Sequence[pikepdf.OutlineItem],
    index_of: dict[tuple[int, int], int],
    named: dict[str, Any],
    merged: pikepdf.Pdf,
    offset: int,
) -> list[pikepdf.OutlineItem]:
    copies = []
    for item in items:
        destination = item.destination
        if isinstance(destination, (pikepdf.String, pikepdf.Name, str)):
            destination = named.get(str(destination).lstrip("/"))
        new_destination = None
        if isinstance(destination, pikepdf.Array) and len(destination) >= 2:
            page = index_of.get(destination[0].objgen)
            if page is not None:
                new_destination = pikepdf.Array(
                    [merged.pages[offset + page].obj, *list(destination)[1:]]
                )
        copy = pikepdf.OutlineItem(item.title, new_destination)
        copy.is_closed = item.is_closed
        copy.children.extend(_copy_items(item.children, index_of, named, merged, offset))
        copies.append(copy)
    return copies


def merge_parts(
    front: bytes, parts: Sequence[bytes], stand_ins: Sequence[Collection[str]]
) -> Merged:
    """One PDF of ``front`` followed by ``parts``, with links and bookmarks across them.

    ``stand_ins[i]`` names the anchors of ``parts[i]`` that only stand in for an anchor of
    another part (:class:`reports.parts.PartDocument`); they are not destinations.
    """
    merged = pikepdf.Pdf.open(io.BytesIO(front))
    sources = [pikepdf.Pdf.open(io.BytesIO(data)) for data in parts]
    offsets, offset = [], len(merged.pages)
    for source in sources:
        offsets.append(offset)
        with warnings.catch_warnings():
            # pikepdf warns that named destinations are not carried: they are rebuilt below.
            warnings.simplefilter("ignore", category=getattr(pikepdf, "PageCopyWarning", Warning))
            merged.pages.extend(source.pages)
        offset += len(source.pages)

    destinations: dict[str, pikepdf.Array] = {}
    pages_of: dict[str, int] = {}
    outline_items: list[pikepdf.OutlineItem] = []
    for source, first, skip in zip(sources, offsets, stand_ins, strict=True):
        index_of = _page_index(source)
        named = _named_destinations(source)
        for name, destination in named.items():
            if name in skip or name in destinations or not isinstance(destination, pikepdf.Array):
                continue
            page = index_of.get(destination[0].objgen)
            if page is None:
                continue
            destinations[name] = pikepdf.Array(
                [merged.pages[first + page].obj, *list(destination)[1:]]
            )
            pages_of[name] = first + page + 1
        with source.open_outline() as outline:
            outline_items.extend(_copy_items(outline.root, index_of, named, merged, first))

    for name, destination in _named_destinations(merged).items():
        if name not in destinations:  # the front's own anchors stay, its stand-ins do not
            destinations[name] = destination
    tree = pikepdf.NameTree.new(merged)
    for name in sorted(destinations):
        tree[name] = destinations[name]
    if "/Names" not in merged.Root:
        merged.Root.Names = pikepdf.Dictionary()
    merged.Root.Names.Dests = tree.obj
    with merged.open_outline() as outline:
        outline.root.extend(outline_items)

    out = io.BytesIO()
    merged.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return Merged(pdf=out.getvalue(), pages=len(merged.pages), destinations=pages_of)
