"""Codes for what a respondent is told next to a field (``assessment.services.responding``).

The answer parser's messages (``answer.*``) name the problem for whoever fixes a file; a
respondent gets a sentence that says what to type instead, with the range written the way
people write ranges (``0–40 hours/month``: an en dash, numbers and unit in their language).
"""

from __future__ import annotations

from assessment.messages.base import N_, Nn_, define

define(
    {
        "respond.range": N_("%(min)s–%(max)s"),
        "respond.range_unit": N_("%(min)s–%(max)s %(unit)s"),
        "respond.out_of_range": N_(
            "Enter a number in the range %(range)s (you entered %(value)s)."
        ),
        "respond.not_a_number": N_(
            "Enter a number using digits only, for example %(example)s (you entered “%(value)s”)."
        ),
        "respond.ambiguous_number": N_(
            "Write the number without thousands separators, for example %(example)s."
        ),
        "respond.text_too_long": Nn_(
            "This text has %(num)s character; shorten it to %(max)s at most.",
            "This text has %(num)s characters; shorten it to %(max)s at most.",
        ),
    }
)
