"""Security tests reuse the web fixtures (``app``, ``client``, ``db``, ``owner``)."""

from __future__ import annotations

import pytest

from tests.web.conftest import app, client, db, owner  # noqa: F401  (fixtures)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/tests/security/" in str(item.fspath):
            item.add_marker(pytest.mark.db)
