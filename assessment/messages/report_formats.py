"""Report file formats (PDF, PowerPoint): choosing one from a file name or a request."""

from __future__ import annotations

from assessment.messages.base import N_, define

define(
    {
        "report.unknown_extension": N_(
            "cannot tell the report format from '%(name)s': name the file .pdf or .pptx, or "
            "choose the format with --format pdf or --format pptx"
        ),
        "report.format": N_("no report format '%(format)s' (formats: %(formats)s)"),
        "report.html_needs_pdf": N_(
            "--html writes the HTML a PDF report is printed from; a PowerPoint deck has none"
        ),
    }
)
