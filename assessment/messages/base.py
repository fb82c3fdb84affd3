"""Messages as codes with parameters, rendered at the edge in the reader's language.

The core, the file readers and the services never build an English sentence for a person to
read: they make a :class:`Message` (a stable dotted code such as ``answer.out_of_range`` and
its parameters).  The codes are defined with :func:`define` in the catalogue modules of this
package; the web renders a message in the user's language, the API as JSON, the command line
as English.

A :class:`Message` *is* its English text (it subclasses ``str``), so code that sorts, joins
or compares problem lists keeps working and ``str()`` of an error stays readable in logs and
on the command line.  The English texts are the gettext msgids: they are marked with
:func:`N_` (one form) and :func:`Nn_` (singular and plural, counted by the ``num``
parameter) so that ``pybabel extract -F babel.cfg`` finds them.

Parameters are formatted for the reader's locale: an ``int`` is an identifier-like number
(row, line, limit) written as it is; a ``float`` is a quantity written with the locale's
decimal sign and grouping (a ``Decimal`` keeps its number of decimals); a list is joined
with commas; a nested :class:`Message` is rendered in the same language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Protocol

from babel import Locale
from babel.numbers import format_decimal

Spec = str | tuple[str, str]
"""A code's English text: one msgid, or a (singular, plural) pair counted by ``num``."""

COUNT = "num"
"""The parameter that chooses the plural form (the name Flask-Babel's ``ngettext`` uses)."""

_CATALOGUE: dict[str, Spec] = {}
_NUMBER = "#,##0.######"


class Translations(Protocol):
    """What rendering needs from a gettext catalogue (Babel's and Flask-Babel's both fit)."""

    def gettext(self, message: str) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int) -> str: ...


class _English:
    """The msgids themselves: English needs no catalogue."""

    def gettext(self, message: str) -> str:
        return message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return singular if n == 1 else plural


ENGLISH: Translations = _English()


def N_(msgid: str) -> str:
    """Mark an English text for extraction; it is translated when rendered."""
    return msgid


def Nn_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a singular/plural pair for extraction (babel.cfg declares ``Nn_:1,2``)."""
    return (singular, plural)


def define(entries: Mapping[str, Spec]) -> None:
    """Add codes to the catalogue; redefining a code with another text is a bug."""
    for code, spec in entries.items():
        if _CATALOGUE.get(code, spec) != spec:
            raise ValueError(f"message code {code!r} is defined twice with different texts")
        _CATALOGUE[code] = spec


def catalogue() -> Mapping[str, Spec]:
    """Every code defined so far and its English text (read-only)."""
    return MappingProxyType(_CATALOGUE)


class Lines(tuple[str, ...]):
    """Messages shown one per line (every problem of one error), e.g. ``detail=Lines(found)``."""

    __slots__ = ()


def _frozen(value: Any) -> Any:
    if isinstance(value, Lines):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value) if isinstance(value, set | frozenset) else value
        return tuple(_frozen(v) for v in items)
    return value


def _rebuild(code: str, params: dict[str, Any]) -> Message:
    return Message(code, **params)


class Message(str):
    """A code and its parameters; as a ``str`` it is the English text.

    An unknown code renders as the code itself, so a message from code that has not been
    converted yet is still readable (a unit test makes sure every code used is defined).
    """

    code: str
    params: Mapping[str, Any]

    def __new__(cls, code: str, /, **params: Any) -> Message:
        frozen = {name: _frozen(value) for name, value in params.items()}
        obj = super().__new__(cls, _render(code, frozen, ENGLISH, "en"))
        obj.code = code
        obj.params = MappingProxyType(frozen)
        return obj

    def __reduce__(self) -> tuple[Any, tuple[str, dict[str, Any]]]:
        return (_rebuild, (self.code, dict(self.params)))

    def render(self, translations: Translations, locale: str | Locale) -> str:
        """The message in the language of ``translations``, numbers in ``locale``'s style."""
        return _render(self.code, self.params, translations, locale)


def render(value: object, translations: Translations, locale: str | Locale) -> str:
    """Render a :class:`Message` (or an error carrying one); any other value as ``str()``."""
    message = getattr(value, "message", value)
    if isinstance(message, Message):
        return message.render(translations, locale)
    return str(value)


def plain_params(value: object, translations: Translations, locale: str | Locale) -> dict[str, Any]:
    """The parameters of a message (or of an error carrying one) as JSON-ready values.

    Numbers and texts stay as they are, lists become lists, a nested message becomes its
    text in the given language.
    """
    message = getattr(value, "message", value)
    if not isinstance(message, Message):
        return {}
    loc = locale if isinstance(locale, Locale) else _locale(locale)
    return {name: _plain(v, translations, loc) for name, v in message.params.items()}


def _plain(value: Any, translations: Translations, locale: Locale) -> Any:
    if isinstance(value, Message):
        return value.render(translations, locale)
    if isinstance(value, tuple):
        return [_plain(v, translations, locale) for v in value]
    if value is None or isinstance(value, str | int | float):
        return value
    if isinstance(value, Decimal):
        return float(value)
    return str(value)


@lru_cache(maxsize=16)
def _locale(name: str) -> Locale:
    return Locale.parse(name.replace("-", "_"))


def _format(value: Any, translations: Translations, locale: Locale) -> str:
    if isinstance(value, Message):
        return value.render(translations, locale)
    if isinstance(value, int):  # bool too: True, not 1
        return str(value)
    if isinstance(value, float):
        return str(format_decimal(value, format=_NUMBER, locale=locale))
    if isinstance(value, Decimal):  # as many decimals as it has: Decimal("0.0") is "0.0"
        exponent = value.as_tuple().exponent
        digits = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return str(format_decimal(value, format=pattern, locale=locale))
    if isinstance(value, Lines):
        return "\n".join(_format(v, translations, locale) for v in value)
    if isinstance(value, Sequence) and not isinstance(value, str):
        return ", ".join(_format(v, translations, locale) for v in value)
    return str(value)


def _render(
    code: str, params: Mapping[str, Any], translations: Translations, locale: str | Locale
) -> str:
    spec = _CATALOGUE.get(code)
    if spec is None:
        return code
    loc = locale if isinstance(locale, Locale) else _locale(locale)
    english = spec if isinstance(spec, str) else spec[0 if params.get(COUNT) == 1 else 1]
    if isinstance(spec, tuple):
        text = translations.ngettext(spec[0], spec[1], int(params.get(COUNT, 0)))
    else:
        text = translations.gettext(spec)
    values = {name: _format(value, translations, loc) for name, value in params.items()}
    for candidate in (text, english):
        try:
            return candidate % values
        except (KeyError, ValueError, TypeError):
            # A text naming a parameter the code does not pass: never fail on the error
            # path; try English, then show the text unformatted.
            continue
    return english
