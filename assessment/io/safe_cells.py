"""Neutralise spreadsheet formula injection in exported cells.

A spreadsheet program treats a cell that begins with ``=``, ``+``, ``-`` or ``@`` as a
formula, and a leading tab or carriage return can hide such a character.  Every text cell we
write that begins with one of these characters gets a leading apostrophe, which shows the
text literally instead of running it.

Rules (the same for CSV and XLSX):

- A value that is a plain decimal number (``-12``, ``+3.5``, ``1e-3``) is a number, not a
  formula: it is left as it is in CSV and written as a numeric cell in XLSX.
- Text that begins with ``=``, ``+``, ``-``, ``@``, tab or CR gets a leading ``'``.
- Text that already begins with ``'`` gets a second one, so :func:`unescape_cell` can undo
  the escape exactly: an export read back by our importers gives the original text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
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


def safe_cell(value: str) -> str:
    """Text made safe to open in a spreadsheet (see the module rules)."""
    if not value:
        return value
    if value[0] == QUOTE:
        return QUOTE + value
    if value[0] in TRIGGERS and not is_plain_number(value):
        return QUOTE + value
    return value


def unescape_cell(value: str) -> str:
    """Undo :func:`safe_cell` on a cell read back from one of our exports."""
    if len(value) > 1 and value[0] == QUOTE and (value[1] in TRIGGERS or value[1] == QUOTE):
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
    """A value for an XLSX cell: numbers stay numeric, text is neutralised and cleaned.

    Text is returned with the formula escape applied and XML-illegal control characters
    replaced by U+FFFD, so openpyxl always stores it as a string cell, never a formula.
    """
    if value is None or isinstance(value, bool):
        return None if value is None else ("true" if value else "false")
    if isinstance(value, int | float):
        return value
    return _XML_ILLEGAL.sub("\ufffd", safe_cell(value))


def unescape_row(row: Sequence[str]) -> list[str]:
    """:func:`unescape_cell` on every cell of a row."""
    return [unescape_cell(cell) for cell in row]
