"""Codes for the organization profile (``assessment.core.profile``, its service and form)."""

from __future__ import annotations

from assessment.messages.base import N_, define

define(
    {
        "profile.not_a_number": N_("'%(value)s' is not a number"),
        "profile.out_of_range": N_("%(value)s is outside the allowed range %(min)s..%(max)s"),
        "profile.whole_number": N_("%(value)s: enter a whole number"),
        "profile.not_a_choice": N_("'%(value)s' is not one of: %(choices)s"),
        "profile.currency": N_(
            "expected a three-letter currency code such as EUR (got '%(currency)s')"
        ),
        "profile.unknown_field": N_("unknown field %(name)s"),
    }
)
