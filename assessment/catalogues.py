"""The compiled interface catalogues (``assessment/translations``), for code outside Flask."""

from __future__ import annotations

from pathlib import Path

from babel.support import NullTranslations, Translations

TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def translations_for(language: str) -> NullTranslations:
    """Babel translations for a language; English source strings when there is no catalogue."""
    return Translations.load(str(TRANSLATIONS), [language], domain="messages")
