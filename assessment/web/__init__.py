"""The web layer: blueprints, error pages, locale and security hooks.

The app factory lives in :mod:`assessment.app`; it calls :func:`init_app` to register
everything here.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from assessment.extensions import babel

TRANSLATIONS = Path(__file__).resolve().parents[1] / "translations"


def init_app(app: Flask) -> None:
    """Register the locale selector, security and tenancy hooks, blueprints and errors."""
    from assessment.web import errors, guest, i18n, security, tenancy

    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        default_translation_directories=str(TRANSLATIONS),
    )
    security.init_app(app)
    tenancy.init_app(app)
    i18n.init_app(app)
    guest.init_app(app)

    from assessment.web.api import bp as api_bp
    from assessment.web.assessments import bp as assessments_bp
    from assessment.web.auth import bp as auth_bp
    from assessment.web.clients import bp as clients_bp
    from assessment.web.dashboard import bp as dashboard_bp
    from assessment.web.data import bp as data_bp
    from assessment.web.erasure import bp as erasure_bp
    from assessment.web.evidence import bp as evidence_bp
    from assessment.web.guest import bp as guest_bp
    from assessment.web.plans import bp as plans_bp
    from assessment.web.questionnaires import bp as questionnaires_bp
    from assessment.web.reminders import bp as reminders_bp
    from assessment.web.reports import bp as reports_bp
    from assessment.web.respond import bp as respond_bp
    from assessment.web.results import bp as results_bp
    from assessment.web.settings import bp as settings_bp
    from assessment.web.sharing import bp as sharing_bp
    from assessment.web.trends import bp as trends_bp

    blueprints = (
        auth_bp,
        dashboard_bp,
        clients_bp,
        assessments_bp,
        respond_bp,
        results_bp,
        reports_bp,
        reminders_bp,
        settings_bp,
        data_bp,
        erasure_bp,
        evidence_bp,
        trends_bp,
        plans_bp,
        questionnaires_bp,
        api_bp,
        sharing_bp,
        guest_bp,
    )
    for bp in blueprints:
        app.register_blueprint(bp)
    errors.init_app(app)
