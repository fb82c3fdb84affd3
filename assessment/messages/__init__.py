"""The message catalogue: every code an error can carry, and its English text.

One place for the whole application, importable from every layer (it imports nothing of
the application): the core and the file readers use it for their errors, the services for
theirs, and the web, the API and the command line render the messages.  The machinery is in
:mod:`assessment.messages.base`; the codes are defined by the modules imported below, one
per area, so that a translator reads related texts together.
"""

from __future__ import annotations

from assessment.messages.base import (
    COUNT,
    ENGLISH,
    Lines,
    Message,
    Translations,
    catalogue,
    define,
    plain_params,
    render,
)

# Importing the areas registers their codes (they call ``define``).
from assessment.messages import actions, answers, crm, facts, respond  # noqa: F401  isort: skip
from assessment.messages import profile, self_assessment  # noqa: F401  isort: skip
from assessment.messages import reminders  # noqa: F401  isort: skip
from assessment.messages import report_formats  # noqa: F401  isort: skip
from assessment.messages import teams  # noqa: F401  isort: skip
from assessment.messages import plans  # noqa: F401  isort: skip

__all__ = [
    "COUNT",
    "ENGLISH",
    "Lines",
    "Message",
    "Translations",
    "catalogue",
    "define",
    "plain_params",
    "render",
]
