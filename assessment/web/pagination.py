"""Page numbers for lists that grow with the workspace (dashboard, clients)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request


@dataclass(frozen=True)
class Pager:
    """Which page of a list is shown: 1-based ``page`` of ``pages``, ``per_page`` rows each."""

    page: int
    per_page: int
    total: int

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


def pager(total: int, per_page: int) -> Pager:
    """The page asked for in ``?page=`` (clamped to the pages that exist)."""
    asked = request.args.get("page", 1, type=int) or 1
    last = max(1, -(-total // per_page))
    return Pager(min(max(asked, 1), last), per_page, total)
