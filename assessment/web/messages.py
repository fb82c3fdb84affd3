"""Message codes rendered in the user's language, for views, flashes and templates.

A service or file reader raises a code with parameters (:mod:`assessment.messages`); the web
shows it with Flask-Babel's catalogue and locale for the current request:
``flash(localize(exc), "error")`` in a view, ``{{ problem|localize }}`` in a template.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import get_locale, get_translations

from assessment.messages import plain_params, render


def localize(value: object) -> str:
    """A message, or an error carrying one, in the request's language; anything else as text."""
    return render(value, get_translations(), get_locale() or "en")


def localized_params(value: object) -> dict[str, Any]:
    """The parameters of a message (or error) as JSON values, nested messages localized."""
    return plain_params(value, get_translations(), get_locale() or "en")


def init_app(app: Flask) -> None:
    """Make ``localize`` a template filter."""
    app.add_template_filter(localize, "localize")
