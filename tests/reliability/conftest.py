"""Fixtures of the reliability tests (real server processes, faults, backups, migrations)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "")


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """URL of a fresh SQLite file in the test's folder."""
    return f"sqlite:///{tmp_path / 'saleshealth.sqlite'}"


@pytest.fixture
def pg_url() -> str:
    """The PostgreSQL test database (CI always sets TEST_DATABASE_URL in its second phase)."""
    if not PG_URL:
        pytest.skip(
            "TEST_DATABASE_URL is not set (the PostgreSQL phase of scripts/test.sh sets it)"
        )
    return PG_URL


@pytest.fixture
def redis_url() -> str:
    """The Redis test database (CI always sets TEST_REDIS_URL in its second phase)."""
    if not REDIS_URL:
        pytest.skip("TEST_REDIS_URL is not set (the PostgreSQL phase of scripts/test.sh sets it)")
    return REDIS_URL
