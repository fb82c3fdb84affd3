"""Translation and number/date formatting for one report language.

Static labels go through ``gettext``/``ngettext`` so Flask-Babel catalogues (a
``babel.support.Translations``) can be passed in later; without one, English source strings
are used (:class:`gettext.NullTranslations`).  Numbers and dates follow the report language
through Babel's CLDR data, falling back to English for a language Babel does not know.
"""

from __future__ import annotations

import datetime as dt
import gettext as gettext_module
import re
from dataclasses import dataclass
from typing import Protocol

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

_LANG = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")


class Translator(Protocol):
    """What the report needs from a translations object (gettext's or Babel's)."""

    def gettext(self, message: str, /) -> str:
        """Translate a message."""

    def ngettext(self, singular: str, plural: str, n: int, /) -> str:
        """Translate a message with a plural form."""


def clean_language(language: str) -> str:
    """A BCP 47-looking language tag, or ``en`` when the value is not one."""
    lang = (language or "").strip().replace("_", "-")
    return lang if _LANG.match(lang) else "en"


@dataclass(frozen=True)
class Formatter:
    """Translate and format for one language."""

    language: str
    translations: Translator
    locale: Locale

    @classmethod
    def create(cls, language: str, translations: Translator | None = None) -> Formatter:
        """A formatter for ``language`` using ``translations`` (default: English source)."""
        lang = clean_language(language)
        try:
            locale = Locale.parse(lang, sep="-")
        except (UnknownLocaleError, ValueError):
            locale = Locale.parse("en")
        return cls(lang, translations or gettext_module.NullTranslations(), locale)

    def _(self, message: str, **values: object) -> str:
        """Translate ``message`` and fill ``%(name)s`` placeholders."""
        text = self.translations.gettext(message)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, n: int, **values: object) -> str:
        """Translate with a plural form; ``%(num)s`` is filled with ``n``."""
        text = self.translations.ngettext(singular, plural, n)
        return text % {"num": self.integer(n), **values}

    def number(self, value: float | None, digits: int = 0, missing: str = "–") -> str:
        """A localized number with ``digits`` decimals (``missing`` for None)."""
        if value is None:
            return missing
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return str(format_decimal(value, format=pattern, locale=self.locale))

    def integer(self, value: int) -> str:
        """A localized whole number."""
        return self.number(value)

    def signed(self, value: float | None, digits: int = 0) -> str:
        """A number with an explicit sign (for gaps), ``–`` for None."""
        if value is None:
            return "–"
        if round(value, digits) == 0:
            return self.number(0, digits)
        return ("+" if value > 0 else "−") + self.number(abs(value), digits)

    def percent(self, share: float | None, digits: int = 0) -> str:
        """A share in [0, 1] as a percentage in the language's one style (CLDR through
        Babel: "12%" in English, Polish and Chinese, "12 %" with a no-break space in
        Russian and Romanian).  Every percentage of the report is written by this method."""
        if share is None:
            return "–"
        pattern = self.locale.percent_formats[None].pattern
        if digits:
            head, zero, tail = pattern.rpartition("0")
            pattern = f"{head}{zero}.{'0' * digits}{tail}"
        return str(format_percent(share, format=pattern, locale=self.locale))

    def measure(self, value: float | None, unit: str) -> str:
        """A KPI value with its unit, at most one decimal."""
        if value is None:
            return "–"
        digits = 0 if float(value).is_integer() else 1
        if unit.strip() == "%":  # the language's one percent style
            return self.percent(value / 100, digits)
        text = self.number(value, digits)
        return f"{text} {unit}".strip()

    def date(self, value: dt.date) -> str:
        """A long localized date."""
        return str(format_date(value, format="long", locale=self.locale))
