"""The organization profile of an assessment: entered once by a consultant, never scored.

Business type, people in sales, sales managers, the annual revenue target, the average deal
size (both in one currency) and the typical sales cycle (:mod:`assessment.core.profile`).
Recommendation conditions and evidence sentences read it, and the report sizes
improvements with it.  A new assessment's form is pre-filled from the profile of the same
client's latest earlier assessment, and its currency from the CRM evidence, until a
consultant saves one of its own.  Any member reads profiles; owners and consultants set
them, in one write transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment.core.profile import FIELDS, OrganizationProfile, ProfileError, parse_profile
from assessment.db import write_transaction
from assessment.db.base import utcnow
from assessment.db.models import Assessment, AssessmentProfile
from assessment.services.actor import Actor
from assessment.services.assessments import get_assessment
from assessment.services.errors import Invalid

COLUMNS = (*(f.id for f in FIELDS), "currency")
"""The stored fields, in the order a form shows them."""


@dataclass(frozen=True)
class ProfileView:
    """What the profile form and card show for one assessment."""

    profile: OrganizationProfile
    """The stored profile, or the suggested one when none is stored yet."""
    stored: bool
    """Whether this assessment has a profile of its own (else ``profile`` is a suggestion)."""
    from_assessment: str = ""
    """The title of the earlier assessment the suggestion comes from ("" if none)."""
    crm_currency: str | None = None
    """The currency of the assessment's CRM evidence, when it has exactly one."""
    from_crm: tuple[str, ...] = ()
    """Fields of the suggestion taken from the CRM evidence (the typical won cycle and the
    average won deal), when no earlier profile gave them."""


def _as_profile(row: AssessmentProfile | None) -> OrganizationProfile | None:
    if row is None:
        return None
    return OrganizationProfile.from_dict({c: getattr(row, c) for c in COLUMNS})


def _row(session: Session, assessment_id: int) -> AssessmentProfile | None:
    return session.scalar(
        select(AssessmentProfile).where(AssessmentProfile.assessment_id == assessment_id)
    )


def profile_of(session: Session, assessment: Assessment) -> OrganizationProfile | None:
    """The assessment's own profile (None when none was saved): what scoring reads."""
    return _as_profile(_row(session, assessment.id))


def previous_profile(
    session: Session, assessment: Assessment
) -> tuple[OrganizationProfile, str] | None:
    """The profile of the same client's latest earlier assessment that has one, and its title.

    The assessment this one follows up comes first; otherwise the latest created before it.
    """
    rows = session.execute(
        select(AssessmentProfile, Assessment.id, Assessment.title)
        .join(Assessment, Assessment.id == AssessmentProfile.assessment_id)
        .where(
            Assessment.client_id == assessment.client_id,
            Assessment.id != assessment.id,
            Assessment.created_at <= assessment.created_at,
        )
        .order_by(Assessment.created_at.desc(), Assessment.id.desc())
    ).all()
    if not rows:
        return None
    preferred = next((r for r in rows if r[1] == assessment.previous_id), rows[0])
    profile = _as_profile(preferred[0])
    return None if profile is None else (profile, preferred[2])


def crm_currency(session: Session, assessment: Assessment) -> str | None:
    """The currency of the assessment's current CRM evidence when there is exactly one
    (or the quota's), else None."""
    # Imported here: crm_evidence imports the assessments service, as this module does.
    from assessment.services.crm_evidence import current_evidence

    evidence = current_evidence(session, assessment.id)
    kpis: Mapping[str, Any] = (evidence.kpis or {}) if evidence is not None else {}
    quota = kpis.get("quota_currency")
    if isinstance(quota, str) and quota:
        return quota
    found = {c.get("currency") for c in kpis.get("currencies") or () if isinstance(c, Mapping)}
    found.discard(None)
    found.discard("")
    return str(found.pop()) if len(found) == 1 else None


def profile_view(session: Session, assessment_id: int) -> ProfileView:
    """The stored profile, or a suggestion from an earlier assessment and the CRM evidence."""
    assessment = get_assessment(session, assessment_id)
    currency = crm_currency(session, assessment)
    own = profile_of(session, assessment)
    if own is not None:
        return ProfileView(own, stored=True, crm_currency=currency)
    earlier = previous_profile(session, assessment)
    suggestion, title = earlier if earlier is not None else (OrganizationProfile(), "")
    fields = suggestion.to_dict()
    if fields.get("currency") is None and currency is not None:
        fields["currency"] = currency
    from_crm: list[str] = []
    for field, value in crm_suggestions(session, assessment).items():
        if fields.get(field) is None and (
            field != "avg_deal_size" or fields["currency"] in (None, currency)
        ):
            fields[field] = value
            from_crm.append(field)
    return ProfileView(
        OrganizationProfile.from_dict(fields),
        stored=False,
        from_assessment=title,
        crm_currency=currency,
        from_crm=tuple(from_crm),
    )


def crm_suggestions(session: Session, assessment: Assessment) -> dict[str, float | int]:
    """Profile fields the assessment's CRM evidence measures: the median won cycle (days)
    and the average won deal (in the evidence's one currency)."""
    from assessment.core.crm import current_metrics
    from assessment.services.crm_evidence import current_evidence

    evidence = current_evidence(session, assessment.id)
    if evidence is None:
        return {}
    metrics = current_metrics(evidence.kpis)
    out: dict[str, float | int] = {}
    cycle = metrics.get("crm.median_won_cycle_days")
    if cycle is not None:
        out["sales_cycle_days"] = max(1, round(cycle))
    deal = metrics.get("crm.average_deal_size")
    if deal is not None:
        out["avg_deal_size"] = deal
    return out


def check_profile(raw: Mapping[str, object]) -> OrganizationProfile:
    """The checked profile; Invalid names the field that breaks a rule."""
    try:
        return parse_profile(raw)
    except ProfileError as exc:
        raise Invalid(exc.code, field=exc.field, **dict(exc.params)) from None


def set_profile(
    session: Session,
    actor: Actor,
    assessment_id: int,
    raw: Mapping[str, object],
) -> OrganizationProfile | None:
    """Save the assessment's profile from raw values (form text or numbers), all or nothing.

    Empty values are "not filled in"; a profile with nothing filled in is removed.  Without
    a currency, amounts take the CRM evidence's currency when it has exactly one.
    """
    actor.require_editor()
    assessment = get_assessment(session, assessment_id)
    profile = check_profile({k: v for k, v in raw.items() if k in COLUMNS or v not in (None, "")})
    if profile.currency is None and (profile.revenue_target or profile.avg_deal_size):
        currency = crm_currency(session, assessment)
        if currency is not None:
            profile = OrganizationProfile.from_dict({**profile.to_dict(), "currency": currency})
    row = _row(session, assessment_id)
    with write_transaction(session):
        if profile.empty and profile.currency is None:
            if row is not None:
                session.delete(row)
            return None
        if row is None:
            row = AssessmentProfile(assessment_id=assessment.id)
            session.add(row)
        for column, value in profile.to_dict().items():
            setattr(row, column, value)
        row.entered_by_id = actor.user_id
        row.entered_at = utcnow()
    return profile
