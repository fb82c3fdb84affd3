"""Client form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from assessment.services.clients import SIZE_BANDS


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
        choices=[
            SelectChoice("", "—"),
            SelectChoice("field", _l("Field sales")),
            SelectChoice("inside", _l("Inside sales")),
            SelectChoice("hybrid", _l("Hybrid")),
        ],
    )
    regions = StringField(_l("Regions"), validators=[Length(max=300)])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=10000)])
    submit = SubmitField(_l("Save"))
