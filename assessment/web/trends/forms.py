"""Forms of the follow-up and trend pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from assessment.io.version_mapping import MAX_BYTES


class FollowUpForm(FlaskForm):
    """Start a follow-up of a closed assessment."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    questionnaire = SelectField(_l("Questionnaire version"), coerce=int)
    submit = SubmitField(_l("Start the follow-up"))


class MappingUploadForm(FlaskForm):
    """Upload a version mapping file (YAML)."""

    upload = FileField(
        _l("Mapping file (YAML)"),
        validators=[
            FileRequired(),
            FileAllowed(["yaml", "yml"], _l("Upload a .yaml or .yml file.")),
            FileSize(MAX_BYTES),
        ],
    )
    submit = SubmitField(_l("Upload mapping"))
