"""Client form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from assessment.services.clients import SIZE_BANDS

SALES_MOTIONS = {
    "field": _l("Field sales"),
    "inside": _l("Inside sales"),
    "hybrid": _l("Hybrid"),
}
"""A client's sales motion as people read it (the stored value is never shown)."""


def sales_motion_label(value: str) -> str:
    """The stored sales motion in the page's language (empty when not set)."""
    label = SALES_MOTIONS.get(value)
    return str(label) if label is not None else value


class ClientForm(FlaskForm):
    """Create or edit a client."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    industry = StringField(_l("Industry"), validators=[Length(max=100)])
    size_band = SelectField(
        _l("Size (employees)"),
        choices=[SelectChoice("", "—")] + [SelectChoice(s, s) for s in SIZE_BANDS],
    )
    sales_motion = SelectField(
        _l("Sales motion"),
        choices=[SelectChoice("", "—")]
        + [SelectChoice(value, label) for value, label in SALES_MOTIONS.items()],
    )
    regions = StringField(_l("Regions"), validators=[Length(max=300)])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=10000)])
    submit = SubmitField(_l("Save"))
