"""The PDF report pipeline: results → plain view-model → HTML (Jinja) → PDF (WeasyPrint).

Public API (what the CLI and the web app call)::

    render_report(results, questionnaire, meta, *, translations=None, html_out=None) -> bytes
    build_html(results, questionnaire, meta, *, translations=None) -> str
    render_html(html) -> bytes
    BoundedRenderer(timeout=..., memory_mb=...).render(results, questionnaire, meta) -> bytes
    render_report_bounded(results, questionnaire, meta, *, timeout, memory_mb) -> bytes
    validate_logo(data, filename) -> Logo;  Branding(...);  ReportMeta(...)
"""

from __future__ import annotations

from reports.bounded import (
    BoundedRenderer,
    ReportRenderError,
    render_bounded,
    render_html_bounded,
    render_report_bounded,
)
from reports.branding import Branding, BrandingError, Logo, validate_color, validate_logo
from reports.build import build_view
from reports.i18n import Translator
from reports.render import build_html, font_configuration, render_html, render_report
from reports.viewmodel import ReportMeta, ReportView

__all__ = [
    "BoundedRenderer",
    "Branding",
    "BrandingError",
    "Logo",
    "ReportMeta",
    "ReportRenderError",
    "ReportView",
    "Translator",
    "build_html",
    "build_view",
    "font_configuration",
    "render_bounded",
    "render_html",
    "render_html_bounded",
    "render_report",
    "render_report_bounded",
    "validate_color",
    "validate_logo",
]
