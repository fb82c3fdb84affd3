"""The Flask application factory.

``create_app`` configures the extensions and the database; the web package registers its
blueprints, error pages and request hooks through :func:`assessment.web.init_app`.  Workers
and the command line get a database session without the web layer (see
:mod:`assessment.workers`).
"""

from __future__ import annotations

import os
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
    """Create and configure an app; ``test_config`` overrides everything (tests).

    The instance folder (SQLite file, secret key, rate-limit counters) is ``instance_path``,
    else ``SALESHEALTH_INSTANCE_PATH``, else ``instance/`` beside the package.
    """
    instance_path = instance_path or os.environ.get("SALESHEALTH_INSTANCE_PATH") or None
    app = Flask(
        "assessment",
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(Path(__file__).resolve().parent / "static"),
    )
    app.config.update(build_config(app.instance_path, test_config))
    proxies = int(app.config.get("TRUSTED_PROXIES", 0))
    if proxies:
        # Behind a reverse proxy every request comes from the proxy's address; trust the
        # X-Forwarded-* headers of exactly this many proxies, so rate limits and logs see
        # the client (and a client cannot forge them past the proxies we know).
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )

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
    # Counters must be shared by every worker process, or each process grants the whole
    # limit again: Redis when configured, else a small SQLite file on this machine.
    from assessment.web.ratelimit_storage import default_uri

    redis_url = app.config.get("REDIS_URL")
    app.config.setdefault("RATELIMIT_STORAGE_URI", redis_url or default_uri(app.instance_path))
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)
