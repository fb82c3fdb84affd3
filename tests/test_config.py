"""Configuration: no insecure defaults outside development."""

from __future__ import annotations

import os
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


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("REPORT_RENDER_WORKERS", "two", "REPORT_RENDER_WORKERS must be a whole number, not 'two'"),
        ("REPORT_RENDER_WORKERS", "-1", "REPORT_RENDER_WORKERS must be at least 0, not '-1'"),
        ("REPORT_TIMEOUT_S", "nan", "REPORT_TIMEOUT_S must be at least 1, not 'nan'"),
        ("REPORT_TIMEOUT_S", "soon", "REPORT_TIMEOUT_S must be a number, not 'soon'"),
        ("REPORT_MEMORY_MB", "100", "REPORT_MEMORY_MB must be at least 256, not '100'"),
        ("SMTP_PORT", "25a", "SMTP_PORT must be a whole number, not '25a'"),
    ],
)
def test_bad_numeric_settings_are_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as info:
        build_config(str(tmp_path))
    assert str(info.value) == message


def test_numeric_settings_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPORT_RENDER_WORKERS", "1")
    monkeypatch.setenv("REPORT_TIMEOUT_S", "90.5")
    config = build_config(str(tmp_path))
    assert config["REPORT_RENDER_WORKERS"] == 1 and config["REPORT_TIMEOUT_S"] == 90.5


@pytest.mark.parametrize(
    ("env", "setting"),
    [
        ({"SALESHEALTH_ENV": "production"}, "SECRET_KEY must be set in production"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY must be at least 32 characters"),
        ({"REPORT_TIMEOUT_S": "soon"}, "REPORT_TIMEOUT_S must be a number"),
    ],
)
def test_cli_prints_one_line_naming_the_setting(
    env: dict[str, str], setting: str, tmp_path: Path
) -> None:
    """A configuration error at start-up is one line, not a traceback (exit status 2)."""
    import subprocess
    import sys

    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "SALESHEALTH_ENV")}
    proc = subprocess.run(
        [sys.executable, "-m", "assessment", "db-upgrade"],
        env={**clean, "SALESHEALTH_INSTANCE_PATH": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith(f"saleshealth: configuration error: {setting}")


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("SALESHEALTH_ENV", "prod", "SALESHEALTH_ENV must be 'development' or 'production'"),
        ("DATABASE_URL", "not a url", "DATABASE_URL is not a database URL"),
        ("REDIS_URL", "localhost:6379", "REDIS_URL must start with redis://"),
    ],
)
def test_unreadable_settings_are_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as info:
        build_config(str(tmp_path))
    assert str(info.value).startswith(message)
    assert value not in str(info.value) or name == "SALESHEALTH_ENV"  # URLs may hold passwords


def _run(args: list[str], env: dict[str, str], tmp_path: Path) -> tuple[int, list[str]]:
    import subprocess
    import sys

    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "SALESHEALTH_ENV", "DATABASE_URL", "REDIS_URL")
    }
    proc = subprocess.run(
        [sys.executable, *args],
        env={**clean, "SALESHEALTH_INSTANCE_PATH": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    return proc.returncode, proc.stderr.strip().splitlines()


@pytest.mark.parametrize(
    ("env", "setting"),
    [
        ({"SALESHEALTH_ENV": "prod"}, "SALESHEALTH_ENV must be"),
        ({"DATABASE_URL": "nonsense"}, "DATABASE_URL is not a database URL"),
        ({"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}, "DATABASE_URL: cannot connect"),
    ],
)
def test_cli_names_database_and_environment_problems(
    env: dict[str, str], setting: str, tmp_path: Path
) -> None:
    status, lines = _run(
        ["-m", "assessment", "db-upgrade"], {"SECRET_KEY": "k" * 40, **env}, tmp_path
    )
    assert status == 2 and len(lines) == 1, lines
    assert lines[0].startswith(f"saleshealth: configuration error: {setting}")


def test_wsgi_entry_prints_one_line_and_exits_4(tmp_path: Path) -> None:
    """``gunicorn assessment.wsgi:app``: exit status 4 makes gunicorn stop, not respawn."""
    status, lines = _run(
        ["-c", "import assessment.wsgi"],
        {"SALESHEALTH_ENV": "production", "SECRET_KEY": "short"},
        tmp_path,
    )
    assert status == 4
    assert lines == ["saleshealth: configuration error: SECRET_KEY must be at least 32 characters"]
