"""Configuration: no insecure defaults outside development."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from assessment.config import ConfigError, build_config, normalize_database_url


def test_production_requires_a_secret_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SALESHEALTH_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY must be set in production"):
        build_config(str(tmp_path))


def test_short_secret_key_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(ConfigError, match="at least 32"):
        build_config(str(tmp_path))


def test_local_default_generates_and_keeps_a_private_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SALESHEALTH_ENV", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    first = build_config(str(tmp_path))
    second = build_config(str(tmp_path))
    assert first["SECRET_KEY"] == second["SECRET_KEY"] and len(first["SECRET_KEY"]) >= 48
    mode = (tmp_path / "secret_key").stat().st_mode
    assert stat.S_IMODE(mode) == 0o600
    assert first["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'saleshealth.sqlite'}"
    assert first["SESSION_COOKIE_SECURE"] is False


def test_production_cookies_are_secure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SALESHEALTH_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    config = build_config(str(tmp_path))
    assert config["SESSION_COOKIE_SECURE"] and config["SESSION_COOKIE_HTTPONLY"]
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_postgres_urls_use_psycopg3() -> None:
    assert normalize_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_database_url("sqlite:///x.db") == "sqlite:///x.db"
