"""Locale selection and locale-aware formatting for templates."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, g, request, session
from flask_babel import format_date, format_decimal, format_percent

LANGUAGES = {"en": "English", "pl": "Polski", "ru": "Русский", "zh": "简体中文", "ro": "Română"}


def select_locale() -> str:
    """Respondent's chosen language, then the user's pick, then Accept-Language."""
    chosen = getattr(g, "page_language", None) or session.get("ui_lang")
    if chosen in LANGUAGES:
        return str(chosen)
    return request.accept_languages.best_match(list(LANGUAGES)) or "en"


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
