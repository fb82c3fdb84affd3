"""Count the SQL statements a block of code runs (after Indico's query-counting fixture).

Use it to keep page cost flat as a workspace grows::

    def test_dashboard(owner, count_queries):
        with count_queries() as queries:
            owner.get("/")
        assert queries.count <= 12, queries.report()

Transaction control (BEGIN, COMMIT, ROLLBACK, savepoints) and PRAGMAs are not counted: they
are not work the page asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Engine, event

SKIPPED = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA")


@dataclass
class Queries:
    """The statements seen so far, with their parameters."""

    statements: list[tuple[str, Any]] = field(default_factory=list)

    @property
    def count(self) -> int:
        """How many statements ran."""
        return len(self.statements)

    def report(self) -> str:
        """The statements, numbered and shortened, for an assertion message."""
        return "\n".join(
            f"{n:3d}. {' '.join(sql.split())[:200]}"
            for n, (sql, _params) in enumerate(self.statements, 1)
        )


@contextmanager
def counting(engine: Engine) -> Iterator[Queries]:
    """Record every statement ``engine`` runs inside the block."""
    seen = Queries()

    def _record(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        if not statement.lstrip().upper().startswith(SKIPPED):
            seen.statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", _record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", _record)


@pytest.fixture
def count_queries(app: Flask) -> Callable[[], AbstractContextManager[Queries]]:
    """``with count_queries() as q: ...`` counts the statements of the app's engine."""
    from assessment.extensions import db

    with app.app_context():
        engine = db.engine

    def _count() -> AbstractContextManager[Queries]:
        return counting(engine)

    return _count
