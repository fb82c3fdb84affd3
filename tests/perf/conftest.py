"""Fixtures of the page-cost tests: the web tests' app and signed-in owner, and a counter of
SQL statements (:mod:`tests.querycount`)."""

from __future__ import annotations

import pytest

from tests.querycount import count_queries
from tests.web.conftest import app, client, owner

__all__ = ["app", "client", "count_queries", "owner"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/tests/perf/" in str(item.fspath):
            item.add_marker(pytest.mark.db)  # run again on PostgreSQL in CI's second phase
