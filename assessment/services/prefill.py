"""What a respondent's page shows in each field: saved answers, typed values, CRM pre-fill.

CRM values pre-fill the linked KPI questions that have no answer yet.  An answer kept from
the pre-fill stays marked as CRM data while it equals the offered value: either it was saved
as CRM data, or the respondent just posted the offered value back unchanged.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from assessment.core.model import Questionnaire
from assessment.db.models import Respondent
from assessment.services.responding import (
    SOURCE_CRM,
    Page,
    crm_prefill,
    saved_answers,
    saved_sources,
)


@dataclass(frozen=True)
class PageValues:
    """The values a page's fields show."""

    shown: dict[str, str]
    """The value in each field, by question id (saved, typed or pre-filled)."""
    crm: dict[str, str]
    """Fields that show the CRM value, marked as CRM data, by question id."""
    answered: int
    """Questions of the page with a saved answer."""


def merge_prefill(
    question_ids: Collection[str],
    saved: Mapping[str, str],
    typed: Mapping[str, str],
    prefill: Mapping[str, str],
    sources: Mapping[str, str],
) -> tuple[dict[str, str], dict[str, str]]:
    """The shown values and the CRM-marked ones for a page's ``question_ids``.

    ``saved`` are the stored answers as typed, ``typed`` the values just posted (they win),
    ``prefill`` the CRM values offered and ``sources`` where each stored answer came from.
    """
    shown = {**saved, **typed}
    crm: dict[str, str] = {}
    for qid, text in prefill.items():
        if qid not in question_ids:
            continue
        if qid not in shown:
            shown[qid] = text
            crm[qid] = text
        elif shown[qid] == text and (qid in typed or sources.get(qid) == SOURCE_CRM):
            crm[qid] = text
    return shown, crm


def page_values(
    session: Session,
    respondent: Respondent,
    q: Questionnaire,
    page: Page,
    typed: Mapping[str, str] | None = None,
) -> PageValues:
    """What ``page`` shows ``respondent``: saved answers, ``typed`` values kept on an error,
    and the CRM pre-fill of linked questions."""
    saved = {qid: a.raw for qid, a in saved_answers(session, respondent.id).items()}
    prefill = crm_prefill(session, respondent, q)
    sources = saved_sources(session, respondent.id) if prefill else {}
    shown, crm = merge_prefill(
        {question.id for question in page.questions}, saved, typed or {}, prefill, sources
    )
    answered = sum(1 for question in page.questions if question.id in saved)
    return PageValues(shown, crm, answered)
