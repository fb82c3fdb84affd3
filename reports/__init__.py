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

import importlib
from typing import TYPE_CHECKING, Any

# Names are imported on first use (PEP 562), so that ``import reports.bounded`` — what the
# command line needs first, to start the renderer's processes early — does not pay for the
# view-model, charts and pydantic models.
_EXPORTS = {
    "BoundedRenderer": "reports.bounded",
    "ReportRenderError": "reports.bounded",
    "render_html_bounded": "reports.bounded",
    "render_report_bounded": "reports.bounded",
    "Branding": "reports.branding",
    "BrandingError": "reports.branding",
    "Logo": "reports.branding",
    "validate_color": "reports.branding",
    "validate_logo": "reports.branding",
    "build_view": "reports.build",
    "Translator": "reports.i18n",
    "build_html": "reports.render",
    "font_configuration": "reports.typeset",
    "render_html": "reports.typeset",
    "render_report": "reports.render",
    "ReportMeta": "reports.viewmodel",
    "ReportView": "reports.viewmodel",
}

if TYPE_CHECKING:
    from reports.bounded import (
        BoundedRenderer,
        ReportRenderError,
        render_html_bounded,
        render_report_bounded,
    )
    from reports.branding import Branding, BrandingError, Logo, validate_color, validate_logo
    from reports.build import build_view
    from reports.i18n import Translator
    from reports.render import build_html, render_report
    from reports.typeset import font_configuration, render_html
    from reports.viewmodel import ReportMeta, ReportView


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'reports' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


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
    "render_html",
    "render_html_bounded",
    "render_report",
    "render_report_bounded",
    "validate_color",
    "validate_logo",
]
