"""The Flask application factory.

``create_app`` configures the extensions and the database; the web package registers its
blueprints, error pages and request hooks through :func:`assessment.web.init_app`.  Workers
and the command line get a database session without the web layer (see
:mod:`assessment.workers`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from assessment.config import build_config
from assessment.db.sqlite import configure_sqlite
from assessment.extensions import csrf, db, limiter, login_manager, migrate

ROOT = Path(__file__).resolve().parents[1]
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def create_app(
    test_config: dict[str, Any] | None = None, instance_path: str | None = None
) -> Flask:
    """Create and configure an app; ``test_config`` overrides everything (tests)."""
    app = Flask(
        "assessment",
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(Path(__file__).resolve().parent / "static"),
    )
    app.config.update(build_config(app.instance_path, test_config))

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True)
    csrf.init_app(app)
    _init_limiter(app)
    login_manager.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)

    from assessment import web

    web.init_app(app)
    return app


def _init_limiter(app: Flask) -> None:
    redis_url = app.config.get("REDIS_URL")
    app.config.setdefault("RATELIMIT_STORAGE_URI", redis_url or "memory://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)
