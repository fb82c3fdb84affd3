"""Page numbers, search and sort for lists that grow with the workspace.

A list's state lives in the address (``?q=…&sort=…&dir=desc&page=…``), so every view of it
can be linked, reloaded and used without JavaScript; the page links and the sortable column
headers keep the other parts of that state.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from flask import request

from assessment.services.listing import MAX_SEARCH, Found, Window


@dataclass(frozen=True)
class Pager:
    """Which page of a list is shown: 1-based ``page`` of ``pages``, ``per_page`` rows each."""

    page: int
    per_page: int
    total: int
    args: Mapping[str, str] = field(default_factory=dict)
    """The list's other address parameters (search, sort, filters), kept by the page links."""

    @property
    def pages(self) -> int:
        """Number of pages (at least one, so an empty list is page 1 of 1)."""
        return max(1, -(-self.total // self.per_page))

    @property
    def offset(self) -> int:
        """Rows before this page."""
        return (self.page - 1) * self.per_page

    @property
    def previous(self) -> int | None:
        """The previous page number, or None on the first page."""
        return self.page - 1 if self.page > 1 else None

    @property
    def next(self) -> int | None:
        """The next page number, or None on the last page."""
        return self.page + 1 if self.page < self.pages else None


def requested_page() -> int:
    """The page asked for in ``?page=`` (1 when missing or not a positive number)."""
    return max(request.args.get("page", 1, type=int) or 1, 1)


def pager(total: int, per_page: int) -> Pager:
    """The page asked for in ``?page=`` (clamped to the pages that exist)."""
    last = max(1, -(-total // per_page))
    return Pager(min(requested_page(), last), per_page, total)


@dataclass(frozen=True)
class ListQuery:
    """A list's search text and sort order as asked for in the address."""

    search: str = ""
    sort: str = ""
    descending: bool = False
    filters: Mapping[str, str] = field(default_factory=dict)
    """Other parameters of the list (e.g. ``state``) that its links keep."""

    def window(self, per_page: int) -> Window:
        """The rows to fetch: this search and order, the page asked for."""
        return Window(self.search, self.sort, self.descending, requested_page(), per_page)

    def args(self, **changes: str | None) -> dict[str, str]:
        """Address parameters of this list, with ``changes`` applied (None removes one)."""
        out = dict(self.filters)
        if self.search:
            out["q"] = self.search
        if self.sort:
            out["sort"] = self.sort
            if self.descending:
                out["dir"] = "desc"
        for key, value in changes.items():
            if value is None or value == "":
                out.pop(key, None)
            else:
                out[key] = value
        return out

    def sort_args(self, key: str) -> dict[str, str]:
        """Parameters that sort by ``key``: ascending, or descending if already ascending."""
        flip = self.sort == key and not self.descending
        args = self.args(sort=key, dir="desc" if flip else None)
        args.pop("page", None)
        return args

    def sorted_by(self, key: str) -> str:
        """``ascending``/``descending`` for the column sorted by, else ``none`` (aria-sort)."""
        if self.sort != key:
            return "none"
        return "descending" if self.descending else "ascending"

    def paged(self, found: Found, per_page: int) -> Pager:
        """The pager of ``found`` whose page links keep this search, order and filters."""
        return Pager(found.page, per_page, found.total, self.args())


def list_query(sorts: Collection[str], filters: Mapping[str, str] | None = None) -> ListQuery:
    """The search (``q``) and sort (``sort`` among ``sorts``, ``dir=desc``) asked for."""
    search = " ".join(request.args.get("q", "")[:MAX_SEARCH].split())
    sort = request.args.get("sort", "")
    if sort not in sorts:
        sort = ""
    descending = bool(sort) and request.args.get("dir") == "desc"
    return ListQuery(search, sort, descending, {k: v for k, v in (filters or {}).items() if v})
