"""Export formats: one registry of writers.

Every file format saleshealth exports is registered here once, with its name, label, media
type, file extension and writer.  The export form, the ``saleshealth export`` command, the
API's ``format`` parameter and the data-exchange service all take their choices from this
registry, and a name that is not in it is an error (:class:`UnknownFormat`), never a
silent CSV.  ``docs/data.md`` lists the formats.

Two kinds of format exist: a :class:`TableFormat` writes the responses (rows of cells, long
or wide); a :class:`DocumentFormat` writes the results document.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from assessment.core.errors import CodedError
from assessment.core.i18n import N_
from assessment.io.exports import CSV_MIMETYPE, JSON_MIMETYPE, XLSX_MIMETYPE, to_csv, to_xlsx
from assessment.io.safe_cells import Cell

Rows = Iterable[Sequence[Cell]]


class UnknownFormat(CodedError, ValueError):
    """A format name that is not registered (or not of the kind asked for).

    The message is ``export.format`` with the names that would have been accepted."""

    def __init__(self, name: str, known: tuple[str, ...]) -> None:
        super().__init__("export.format", formats=list(known))
        self.name = name
        self.known = known


@dataclass(frozen=True)
class ExportFormat:
    """A registered export format."""

    name: str
    """What users type or pick: ``--format csv``, ``?format=xlsx``."""
    label: str
    """Shown in the export form; English, marked for translation."""
    mimetype: str
    extension: str
    """File-name extension, without the dot."""

    def filename(self, stem: str) -> str:
        """``stem`` with this format's extension."""
        return f"{stem}.{self.extension}"


@dataclass(frozen=True)
class TableFormat(ExportFormat):
    """Writes the responses: a header row and rows of cells."""

    writer: Callable[[Rows, str], bytes]

    def write(self, rows: Rows, sheet: str = "responses") -> bytes:
        """The file's bytes; ``sheet`` names the worksheet where the format has one."""
        return self.writer(rows, sheet)


@dataclass(frozen=True)
class DocumentFormat(ExportFormat):
    """Writes the results document (the ``saleshealth score --json`` shape)."""

    writer: Callable[[Mapping[str, Any]], bytes]

    def write(self, document: Mapping[str, Any]) -> bytes:
        """The file's bytes."""
        return self.writer(document)


F = TypeVar("F", bound=ExportFormat)
_FORMATS: dict[str, ExportFormat] = {}


def register_format(fmt: F) -> F:
    """Add ``fmt`` to the registry (once per name)."""
    if fmt.name in _FORMATS:
        raise ValueError(f"export format {fmt.name!r} is already registered")
    _FORMATS[fmt.name] = fmt
    return fmt


def unregister_format(name: str) -> None:
    """Forget a format (for tests that register a format of their own)."""
    _FORMATS.pop(name, None)


def format_names() -> tuple[str, ...]:
    """Every registered format, in registration order."""
    return tuple(_FORMATS)


def table_formats() -> tuple[TableFormat, ...]:
    """The formats the responses can be exported in."""
    return tuple(f for f in _FORMATS.values() if isinstance(f, TableFormat))


def document_formats() -> tuple[DocumentFormat, ...]:
    """The formats the results can be exported in."""
    return tuple(f for f in _FORMATS.values() if isinstance(f, DocumentFormat))


def export_format(name: str) -> ExportFormat:
    """The format called ``name``; UnknownFormat names the known ones otherwise."""
    fmt = _FORMATS.get(name)
    if fmt is None:
        raise UnknownFormat(name, format_names())
    return fmt


def table_format(name: str) -> TableFormat:
    """The responses format called ``name``; UnknownFormat otherwise."""
    fmt = _FORMATS.get(name)
    if not isinstance(fmt, TableFormat):
        raise UnknownFormat(name, tuple(f.name for f in table_formats()))
    return fmt


def document_format(name: str) -> DocumentFormat:
    """The results format called ``name``; UnknownFormat otherwise."""
    fmt = _FORMATS.get(name)
    if not isinstance(fmt, DocumentFormat):
        raise UnknownFormat(name, tuple(f.name for f in document_formats()))
    return fmt


def to_json(document: Mapping[str, Any]) -> bytes:
    """The document as indented UTF-8 JSON (non-ASCII text kept readable)."""
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


CSV = register_format(
    TableFormat("csv", N_("CSV"), CSV_MIMETYPE, "csv", lambda rows, _sheet: to_csv(rows))
)
XLSX = register_format(TableFormat("xlsx", N_("Excel (XLSX)"), XLSX_MIMETYPE, "xlsx", to_xlsx))
JSON = register_format(DocumentFormat("json", N_("JSON"), JSON_MIMETYPE, "json", to_json))
