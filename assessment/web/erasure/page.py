"""The confirmation page as plain data: what goes, and what the user must do to confirm."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from assessment.services.erasure import Removal


def _labels() -> dict[str, str]:
    return {
        "client": _("Clients"),
        "assessment": _("Assessments"),
        "respondent": _("Respondents"),
        "answer": _("Answers"),
        "element_comment": _("Comments"),
        "report_job": _("PDF reports"),
        "crm_evidence": _("CRM evidence uploads"),
        "share_link": _("Share links"),
        "plan_item": _("Action plan items"),
        "plan_note": _("Notes on action plan items"),
    }


@dataclass(frozen=True)
class ConfirmPage:
    """A confirmation page: heading, explanation, rows that go, and where to go back."""

    title: str
    lead: str
    name: str
    """What the user must type to confirm (empty: a tick box confirms)."""
    removed: tuple[tuple[str, int], ...]
    cancel_url: str
    danger_label: str


def removed_rows(removal: Removal) -> tuple[tuple[str, int], ...]:
    """The preview's row counts with readable labels, in a stable order."""
    labels = _labels()
    order = list(labels)
    names = sorted(removal.deleted, key=lambda n: (order.index(n) if n in order else 99, n))
    return tuple((labels.get(n, n), removal.deleted[n]) for n in names)
