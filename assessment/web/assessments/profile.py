"""The organization profile card and form: entered once per assessment by a consultant.

The card on the assessment page shows the profile (or the suggestion taken from the
client's earlier assessment) with the form for editors; ``/assessments/<id>/profile``
saves it, and shows the same form with the problem when the service refuses a value.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response
from wtforms import SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import Length, Optional

from assessment.core.placeholders import format_amount
from assessment.core.profile import (
    BUSINESS_TYPE_LABELS,
    BUSINESS_TYPES,
    FIELDS,
    FieldKind,
    OrganizationProfile,
)
from assessment.extensions import current_session
from assessment.services import assessments as svc
from assessment.services import profiles as profiles_svc
from assessment.services.errors import Invalid
from assessment.web.assessments import bp
from assessment.web.assessments.summary import AssessmentHeader
from assessment.web.messages import localize
from assessment.web.tenancy import actor


class ProfileForm(FlaskForm):
    """The organization profile (every field optional)."""

    business_type = SelectField(_l("Business type"))
    sales_headcount = StringField(_l("People in sales"), validators=[Optional(), Length(max=20)])
    sales_managers = StringField(_l("Sales managers"), validators=[Optional(), Length(max=20)])
    revenue_target = StringField(
        _l("Annual revenue target"), validators=[Optional(), Length(max=30)]
    )
    avg_deal_size = StringField(_l("Average deal size"), validators=[Optional(), Length(max=30)])
    currency = StringField(
        _l("Currency of the amounts"),
        description=_l("Three letters, e.g. EUR or PLN"),
        validators=[Optional(), Length(max=3)],
    )
    sales_cycle_days = StringField(
        _l("Typical sales cycle (days)"), validators=[Optional(), Length(max=20)]
    )
    submit = SubmitField(_l("Save profile"))

    def choices(self) -> ProfileForm:
        """Fill the business types in the user's language; returns the form."""
        self.business_type.choices = [
            SelectChoice("", _("Not specified")),
            *(SelectChoice(b, _(BUSINESS_TYPE_LABELS[b])) for b in BUSINESS_TYPES),
        ]
        return self

    def raw(self) -> dict[str, str]:
        """The typed values by profile field."""
        return {name: str(getattr(self, name).data or "").strip() for name in profiles_svc.COLUMNS}


def _text(value: float | str | None) -> str:
    """A value as the form shows it: 12500000, 3200.5 (no exponent, no grouping)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def profile_form(profile: OrganizationProfile, *, formdata: bool = False) -> ProfileForm:
    """The form filled with ``profile`` (``formdata``: read the request instead)."""
    if formdata:
        return ProfileForm().choices()
    data = {f.id: _text(profile.value(f.id)) for f in FIELDS if f.kind is not FieldKind.CHOICE}
    form = ProfileForm(
        formdata=None,
        data={
            **data,
            "business_type": profile.business_type or "",
            "currency": profile.currency or "",
        },
    )
    return form.choices()


@dataclass(frozen=True)
class ProfileRow:
    """A filled-in field as shown: its label and formatted value."""

    label: str
    value: str


@dataclass(frozen=True)
class ProfileCard:
    """The organization profile on the assessment page."""

    stored: bool
    rows: list[ProfileRow]
    from_assessment: str
    """The earlier assessment a suggestion comes from ("" when none)."""
    crm_currency: str | None
    from_crm: bool = False
    """Whether the suggestion's cycle or deal size comes from the CRM evidence."""


def shown_rows(profile: OrganizationProfile) -> list[ProfileRow]:
    """The filled-in fields with their values in the user's language."""
    rows = []
    for field in FIELDS:
        value = profile.value(field.id)
        if value is None:
            continue
        if field.kind is FieldKind.CHOICE:
            text = _(BUSINESS_TYPE_LABELS.get(str(value), str(value)))
        elif field.kind is FieldKind.AMOUNT and profile.currency:
            text = format_amount(float(value), profile.currency, str(get_locale() or "en"))
        else:
            text = str(format_decimal(float(value), format="#,##0"))
        rows.append(ProfileRow(_(field.label), text))
    return rows


def profile_card(session: Session, assessment_id: int) -> tuple[ProfileCard, ProfileForm]:
    """The card and its form, filled with the stored profile or the suggestion."""
    view = profiles_svc.profile_view(session, assessment_id)
    card = ProfileCard(
        stored=view.stored,
        rows=shown_rows(view.profile),
        from_assessment=view.from_assessment,
        crm_currency=view.crm_currency,
        from_crm=bool(view.from_crm),
    )
    return card, profile_form(view.profile)


@bp.route("/<int:assessment_id>/profile", methods=["GET", "POST"])
@login_required
def profile(assessment_id: int) -> str | Response:
    """Save the organization profile (editors); on a refused value, show the form again."""
    actor().require_editor()
    session = current_session()
    assessment = svc.get_assessment(session, assessment_id)
    card, form = profile_card(session, assessment_id)
    problem = ""
    if request.method == "POST":
        form = profile_form(OrganizationProfile(), formdata=True)
        if form.validate():
            try:
                profiles_svc.set_profile(session, actor(), assessment_id, form.raw())
            except Invalid as exc:
                problem = localize(exc)
                field = getattr(form, exc.field or "", None)
                if field is not None:
                    field.errors = [*field.errors, problem]
            else:
                flash(_("Organization profile saved."), "success")
                return redirect(
                    url_for("assessments.show", assessment_id=assessment_id, _anchor="profile")
                )
    return render_template(
        "web/assessments/profile.html",
        assessment=AssessmentHeader.of(assessment),
        card=card,
        form=form,
        problem=problem,
    )
