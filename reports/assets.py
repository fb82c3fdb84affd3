"""Where the packaged report assets (templates, stylesheet) live.

A module of its own so that building the HTML never imports WeasyPrint: the CLI builds the
HTML in one process while another has WeasyPrint ready (see :mod:`reports.bounded`).
"""

from __future__ import annotations

from pathlib import Path

ASSET_ROOT = Path(__file__).resolve().parent.parent / "templates" / "report"
