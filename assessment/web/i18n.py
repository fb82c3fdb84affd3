"""Locale selection, locale-aware formatting for templates, and questionnaires as shown.

Consultant pages show every questionnaire text (its title, roles, maturity levels, elements,
questions, recommendations) in the viewer's interface language: they get the model through
:func:`shown_questionnaire` / :func:`shown_model`, never in the assessment's own language
(the respondent pages use the respondent's language, see ``respond/``).
"""

from __future__ import annotations

from datetime import datetime

from flask import Flask, g, request, session
from flask_babel import format_date, format_decimal, format_percent

from assessment.core.model import Questionnaire
from assessment.db.models import Assessment, QuestionnaireVersion
from assessment.services.questionnaires import model_of

LANGUAGES = {"en": "English", "pl": "Polski", "ru": "Русский", "zh": "简体中文", "ro": "Română"}


def select_locale() -> str:
    """Respondent's chosen language, then the user's pick, then Accept-Language."""
    chosen = getattr(g, "page_language", None) or session.get("ui_lang")
    if chosen in LANGUAGES:
        return str(chosen)
    return request.accept_languages.best_match(list(LANGUAGES)) or "en"


def shown_model(version: QuestionnaireVersion, lang: str | None = None) -> Questionnaire:
    """A questionnaire version as a consultant page shows it: in ``lang``, by default the
    viewer's interface language (its own language when it has no such translation)."""
    return model_of(version, lang or select_locale())


def shown_questionnaire(assessment: Assessment, lang: str | None = None) -> Questionnaire:
    """The questionnaire pinned by ``assessment``, as :func:`shown_model` shows it."""
    return shown_model(assessment.questionnaire_version, lang)


def init_app(app: Flask) -> None:
    """Template filters for numbers, percentages and dates in the current locale."""

    @app.template_filter("num")
    def _num(value: float | None, digits: int = 0) -> str:
        if value is None:
            return "–"
        fmt = "#,##0" + ("." + "0" * digits if digits else "")
        return str(format_decimal(value, format=fmt))

    @app.template_filter("pct")
    def _pct(value: float | None) -> str:
        return "–" if value is None else str(format_percent(value, format="#,##0%"))

    @app.template_filter("date")
    def _date(value: datetime | None) -> str:
        return "–" if value is None else str(format_date(value, format="medium"))

    @app.context_processor
    def _languages() -> dict[str, object]:
        return {"LANGUAGES": LANGUAGES, "current_language": select_locale()}
