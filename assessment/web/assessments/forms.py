"""Assessment and respondent forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileSize
from wtforms import IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional


class AssessmentForm(FlaskForm):
    """Create an assessment or edit its settings."""

    client_id = SelectField(_l("Client"), coerce=int)
    questionnaire = SelectField(_l("Questionnaire"), coerce=int)
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    language = SelectField(_l("Default language"))
    min_group_size = IntegerField(
        _l("Minimum group size"), default=3, validators=[DataRequired(), NumberRange(1, 50)]
    )
    roadmap_per_phase = IntegerField(
        _l("Initiatives per roadmap phase"),
        default=3,
        description=_l("At most this many initiatives in each of the 30/60/90-day phases (1–6)."),
        validators=[DataRequired(), NumberRange(1, 6)],
    )
    overrides = TextAreaField(
        _l("Element weight and target overrides"),
        description=_l("One element per line, e.g. crm: weight=2 target=85"),
        validators=[Optional(), Length(max=5000)],
    )
    submit = SubmitField(_l("Save"))


class RespondentForm(FlaskForm):
    """Add one respondent."""

    name = StringField(_l("Name (optional)"), validators=[Optional(), Length(max=200)])
    email = StringField(_l("E-mail (optional)"), validators=[Optional(), Email(), Length(max=254)])
    role = SelectField(_l("Role"), validators=[DataRequired()])
    team = StringField(_l("Team (optional)"), validators=[Optional(), Length(max=100)])
    region = StringField(_l("Region (optional)"), validators=[Optional(), Length(max=100)])
    segment = StringField(_l("Segment (optional)"), validators=[Optional(), Length(max=100)])
    submit = SubmitField(_l("Add respondent"))


class BulkRespondentsForm(FlaskForm):
    """Paste or upload a list of respondents."""

    people = TextAreaField(
        _l("One per line: name, e-mail, role, team, region, segment"),
        validators=[Optional(), Length(max=500_000)],
    )
    upload = FileField(
        _l("…or upload a CSV file"),
        validators=[FileAllowed(["csv", "txt"], _l("CSV files only")), FileSize(2 * 1024 * 1024)],
    )
    submit = SubmitField(_l("Add all"))


class ActionForm(FlaskForm):
    """A button that posts (CSRF-protected) with no other fields."""

    submit = SubmitField()


class EditRespondentForm(FlaskForm):
    """Correct a respondent's details."""

    name = StringField(_l("Name (optional)"), validators=[Optional(), Length(max=200)])
    email = StringField(_l("E-mail (optional)"), validators=[Optional(), Email(), Length(max=254)])
    role = SelectField(_l("Role"), validators=[DataRequired()])
    team = StringField(_l("Team (optional)"), validators=[Optional(), Length(max=100)])
    region = StringField(_l("Region (optional)"), validators=[Optional(), Length(max=100)])
    segment = StringField(_l("Segment (optional)"), validators=[Optional(), Length(max=100)])
    submit = SubmitField(_l("Save"))
