"""The Flask application factory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from assessment.config import build_config
from assessment.db.sqlite import configure_sqlite
from assessment.extensions import babel, csrf, db, limiter, login_manager, migrate

ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


def create_app(
    test_config: dict[str, Any] | None = None, instance_path: str | None = None
) -> Flask:
    """Create and configure an app; ``test_config`` overrides everything (tests)."""
    app = Flask(
        "assessment",
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(Path(__file__).resolve().parents[1] / "static"),
    )
    app.config.update(build_config(app.instance_path, test_config))

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True)
    csrf.init_app(app)
    _init_limiter(app)
    login_manager.init_app(app)

    from assessment.web import i18n, security, tenancy

    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        default_translation_directories=str(Path(__file__).resolve().parents[1] / "translations"),
    )
    security.init_app(app)
    tenancy.init_app(app)
    i18n.init_app(app)

    with app.app_context():
        configure_sqlite(db.engine)

    from assessment.web.api import bp as api_bp
    from assessment.web.assessments import bp as assessments_bp
    from assessment.web.auth import bp as auth_bp
    from assessment.web.clients import bp as clients_bp
    from assessment.web.dashboard import bp as dashboard_bp
    from assessment.web.data import bp as data_bp
    from assessment.web.evidence import bp as evidence_bp
    from assessment.web.questionnaires import bp as questionnaires_bp
    from assessment.web.reports import bp as reports_bp
    from assessment.web.respond import bp as respond_bp
    from assessment.web.results import bp as results_bp
    from assessment.web.settings import bp as settings_bp
    from assessment.web.trends import bp as trends_bp

    blueprints = (
        auth_bp,
        dashboard_bp,
        clients_bp,
        assessments_bp,
        respond_bp,
        results_bp,
        reports_bp,
        settings_bp,
        data_bp,
        evidence_bp,
        trends_bp,
        questionnaires_bp,
        api_bp,
    )
    for bp in blueprints:
        app.register_blueprint(bp)

    from assessment.web import errors

    errors.init_app(app)
    return app


def _init_limiter(app: Flask) -> None:
    redis_url = app.config.get("REDIS_URL")
    app.config.setdefault("RATELIMIT_STORAGE_URI", redis_url or "memory://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)
