"""Configuration from the environment and the instance folder.

Nothing insecure is defaulted: outside development and testing a ``SECRET_KEY`` must be
given; for the local default (``saleshealth serve`` on SQLite) a random key is generated
once and kept in ``instance/secret_key`` with owner-only permissions.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any


class ConfigError(RuntimeError):
    """Configuration that would be unsafe or cannot work; its text names the setting.

    Entry points print it as one line instead of a traceback: the command line
    (``saleshealth``, see :mod:`assessment.cli`) and the WSGI entry (:mod:`assessment.wsgi`).
    """


ENVIRONMENTS = ("development", "production")
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


def _secret_key(instance: Path, env: str) -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        if len(key) < 32:
            raise ConfigError("SECRET_KEY must be at least 32 characters")
        return key
    if env == "production":
        raise ConfigError("SECRET_KEY must be set in production (export SECRET_KEY=...)")
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def _number(name: str, default: str, kind: type[int] | type[float], minimum: float) -> Any:
    """A numeric environment setting; a clear :class:`ConfigError` naming it when it is bad."""
    raw = os.environ.get(name, default)
    try:
        value = kind(raw)
    except ValueError:
        what = "a whole number" if kind is int else "a number"
        raise ConfigError(f"{name} must be {what}, not {raw!r}") from None
    if not value >= minimum:  # also refuses NaN
        raise ConfigError(f"{name} must be at least {minimum:g}, not {raw!r}")
    return value


def _environment() -> str:
    env = os.environ.get("SALESHEALTH_ENV", "development")
    if env not in ENVIRONMENTS:
        # A typo must not quietly run production with development's defaults.
        raise ConfigError(f"SALESHEALTH_ENV must be 'development' or 'production', not {env!r}")
    return env


def _database_url(url: str) -> str:
    """The URL with the psycopg 3 driver; a ConfigError naming DATABASE_URL when it cannot
    be read (the value is not repeated: it may hold a password)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    normalized = normalize_database_url(url)
    try:
        make_url(normalized)
    except ArgumentError:
        raise ConfigError(
            "DATABASE_URL is not a database URL "
            "(expected e.g. postgresql://user:password@host/database or sqlite:///path)"
        ) from None
    return normalized


def _redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if url and not url.startswith(REDIS_SCHEMES):
        raise ConfigError("REDIS_URL must start with redis://, rediss:// or unix://")
    return url


def normalize_database_url(url: str) -> str:
    """Use the psycopg 3 driver for plain ``postgres://`` / ``postgresql://`` URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def build_config(instance_path: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """The app configuration: defaults < environment < explicit overrides (tests)."""
    overrides = overrides or {}
    instance = Path(instance_path)
    env = _environment()
    testing = bool(overrides.get("TESTING"))
    database_url = overrides.get("SQLALCHEMY_DATABASE_URI") or os.environ.get("DATABASE_URL")
    if not database_url:
        instance.mkdir(parents=True, exist_ok=True)
        database_url = f"sqlite:///{instance / 'saleshealth.sqlite'}"
    secure_cookies = env == "production" or os.environ.get("SALESHEALTH_SECURE_COOKIES") == "1"
    config: dict[str, Any] = {
        "ENV_NAME": env,
        "SQLALCHEMY_DATABASE_URI": _database_url(database_url),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": _redis_url(),
        "MAX_CONTENT_LENGTH": 25 * 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,  # tokens live as long as the session
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure_cookies,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": secure_cookies,
        "PERMANENT_SESSION_LIFETIME": 30 * 24 * 3600,
        "SMTP_HOST": os.environ.get("SMTP_HOST", ""),
        "SMTP_PORT": _number("SMTP_PORT", "25", int, 1),
        "SMTP_USER": os.environ.get("SMTP_USER", ""),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": os.environ.get("SMTP_STARTTLS", "") == "1",
        "MAIL_FROM": os.environ.get("MAIL_FROM", "saleshealth@localhost"),
        "PUBLIC_URL": os.environ.get("PUBLIC_URL", ""),
        "REPORT_TIMEOUT_S": _number("REPORT_TIMEOUT_S", "120", float, 1),
        "REPORT_MEMORY_MB": _number("REPORT_MEMORY_MB", "1500", int, 256),
        # Processes that typeset one report together (0: two on a machine with two or more
        # cores, else one).  Each keeps ~130 MB resident while idle.
        "REPORT_RENDER_WORKERS": _number("REPORT_RENDER_WORKERS", "0", int, 0),
        # Closing an assessment queues its report (served at once on the first download).
        # Off in test apps, whose databases are replaced under a background render.
        "REPORT_PRERENDER": os.environ.get("REPORT_PRERENDER", "0" if testing else "1") == "1",
        "RATELIMIT_ENABLED": True,
        # Reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
        "TRUSTED_PROXIES": _number("SALESHEALTH_TRUSTED_PROXIES", "0", int, 0),
    }
    if not testing:
        config["SECRET_KEY"] = _secret_key(instance, env)
    config.update(overrides)
    if not config.get("SECRET_KEY"):
        raise ConfigError("no SECRET_KEY configured")
    return config
