"""The report's file formats: a PDF (the full report) or a PowerPoint deck.

The command line takes the format from the output file's extension unless ``--format``
forces one; the web asks for one by name.  An unknown one is a coded error, rendered in the
reader's language at the edge.
"""

from __future__ import annotations

from pathlib import PurePath

from assessment.core.errors import CodedError

PDF = "pdf"
PPTX = "pptx"
FORMATS = (PDF, PPTX)
MEDIA_TYPES = {
    PDF: "application/pdf",
    PPTX: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


class UnknownFormat(CodedError, ValueError):
    """A file name or a format name that is not a report format."""


def check_format(name: str) -> str:
    """``name`` if it is a report format (any case), else :class:`UnknownFormat`."""
    kind = (name or "").strip().lower()
    if kind not in FORMATS:
        raise UnknownFormat("report.format", format=name, formats=", ".join(FORMATS))
    return kind


def format_of(filename: str, forced: str | None = None) -> str:
    """The format to write ``filename`` in: ``forced`` when given, else its extension."""
    if forced:
        return check_format(forced)
    suffix = PurePath(filename).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise UnknownFormat("report.unknown_extension", name=PurePath(filename).name)
    return suffix
