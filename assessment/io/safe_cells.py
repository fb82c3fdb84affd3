"""Neutralise spreadsheet formula injection in exported cells.

A spreadsheet program treats a cell that begins with ``=``, ``+``, ``-`` or ``@`` as a
formula, and some programs also do so after leading white space or for the fullwidth forms
of these characters (``＝ ＋ － ＠``, as typed with East Asian input methods).  A leading tab
or carriage return can hide such a character.

CSV has no cell types, so every CSV text cell that could start a formula gets a leading
apostrophe, which spreadsheet programs show as "this is text":

- A value that is a plain decimal number (``-12``, ``+3.5``, ``1e-3``) is a number, not a
  formula, and is left as it is.
- Text is escaped when its first character is a tab or carriage return, or when its first
  character that is not white space (any Unicode space: NBSP, newline, ideographic space,
  ...; zero-width characters and the byte-order mark count as white space here too) is one
  of ``=``, ``+``, ``-``, ``@``, their fullwidth forms ``＝ ＋ － ＠`` or their small forms
  ``﹦ ﹢ ﹣ ﹫``.
- Text that already begins with ``'`` gets a second one, so :func:`unescape_cell` undoes
  the escape exactly: an export read back by our importers gives the original text.

XLSX has cell types: text is written as a typed string cell with the "quote prefix" style
flag (see :func:`xlsx_value` and :func:`assessment.io.exports.to_xlsx`), never as a formula,
so the user sees the original text without an apostrophe.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

FORMULA_STARTS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\ufe6b")
"""Characters that start a formula: ASCII, fullwidth and small forms of ``= + - @``."""
HIDDEN_STARTS = frozenset("\t\r")
"""Characters that are escaped whenever they come first (they can hide a formula)."""
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""The ASCII triggers (kept for callers and tests that list them)."""
QUOTE = "'"
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
# Characters XML 1.0 cannot hold; openpyxl refuses them, so XLSX output replaces them.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

Cell = str | int | float | None


def format_number(x: float) -> str:
    """A number as text that reads back to the same float (``60``, ``12.5``, ``1234567``)."""
    return str(int(x)) if x.is_integer() and abs(x) < 1e15 else repr(x)


def is_plain_number(text: str) -> bool:
    """Whether ``text`` is a plain decimal number (never a formula)."""
    return bool(_NUMBER.fullmatch(text))


def _first_visible(text: str) -> str:
    """The first character of ``text`` that is neither white space nor invisible ("" if none)."""
    for char in text:
        if not (char.isspace() or char in _INVISIBLE):
            return char
    return ""


def starts_formula(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula (see the module rules)."""
    if not text or is_plain_number(text):
        return False
    return text[0] in HIDDEN_STARTS or _first_visible(text) in FORMULA_STARTS


def needs_escape(text: str) -> bool:
    """Whether :func:`safe_cell` prefixes ``text`` with an apostrophe."""
    return text[:1] == QUOTE or starts_formula(text)


def safe_cell(value: str) -> str:
    """Text made safe to open in a spreadsheet from a CSV file (see the module rules)."""
    return QUOTE + value if needs_escape(value) else value


def unescape_cell(value: str) -> str:
    """Undo :func:`safe_cell` exactly on a cell read back from one of our CSV exports.

    ``safe_cell`` only ever prefixes text that needs the escape, and such text keeps needing
    it, so a leading apostrophe is removed exactly when the rest is text that needs it.
    """
    if value[:1] == QUOTE and needs_escape(value[1:]):
        return value[1:]
    return value


def safe_row(row: Iterable[Cell]) -> list[str]:
    """A CSV row: every value as text, formulas neutralised, ``None`` as empty."""
    out: list[str] = []
    for value in row:
        if value is None:
            out.append("")
        elif isinstance(value, bool):
            out.append("true" if value else "false")
        elif isinstance(value, int | float):
            out.append(format_number(value) if isinstance(value, float) else str(value))
        else:
            out.append(safe_cell(value))
    return out


def xlsx_value(value: Cell) -> str | int | float | None:
    """A value for an XLSX cell: numbers stay numeric, text is kept as typed.

    Text is returned unchanged except that XML-illegal control characters become U+FFFD.
    It must be written as a typed string cell (``data_type = "s"``, quote prefix), which
    :func:`assessment.io.exports.to_xlsx` does, so it never becomes a formula.
    """
    if value is None or isinstance(value, bool):
        return None if value is None else ("true" if value else "false")
    if isinstance(value, int | float):
        return value
    return _XML_ILLEGAL.sub("\ufffd", value)


def unescape_row(row: Sequence[str]) -> list[str]:
    """:func:`unescape_cell` on every cell of a row."""
    return [unescape_cell(cell) for cell in row]
