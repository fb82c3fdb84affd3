"""The WSGI application for servers other than ``saleshealth serve``.

    gunicorn -w 4 --threads 4 -k gthread -b 127.0.0.1:8000 assessment.wsgi:app

A configuration error (say ``SECRET_KEY`` missing in production) is printed as one line
naming the setting, and the server stops: gunicorn reads exit status 4 as "the application
could not be loaded" and does not start workers over and over.  ``create_app()`` itself
raises :class:`~assessment.config.ConfigError`, for tests and other callers.
"""

from __future__ import annotations

import sys

from flask import Flask

from assessment.app import create_app
from assessment.config import ConfigError

APP_LOAD_ERROR = 4
"""gunicorn's exit status for an application that cannot be loaded."""


def load() -> Flask:
    """The application, or one line on standard error and exit status 4."""
    try:
        return create_app()
    except ConfigError as exc:
        print(f"saleshealth: configuration error: {exc}", file=sys.stderr, flush=True)
        raise SystemExit(APP_LOAD_ERROR) from None


app = load()
