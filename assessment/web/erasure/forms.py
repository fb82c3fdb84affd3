"""Confirmation forms: type the name, or tick an explicit box."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import DataRequired, Length


class ConfirmNameForm(FlaskForm):
    """Deleting a client or an assessment: repeat its name."""

    confirm = StringField(_l("Type the name to confirm"), validators=[Length(max=300)])
    submit = SubmitField(_l("Delete for good"))


class ConfirmBoxForm(FlaskForm):
    """Erasing a respondent or anonymizing an assessment: tick the box."""

    confirm = BooleanField(
        _l("I understand that this cannot be undone."),
        validators=[DataRequired(_l("Tick the box to confirm."))],
    )
    submit = SubmitField(_l("Confirm"))
