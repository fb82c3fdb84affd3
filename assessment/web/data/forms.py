"""Export and import forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, RadioField, SubmitField
from wtforms.validators import DataRequired

from assessment.io.formats import table_formats


class ExportForm(FlaskForm):
    """Choose the shape, format and identity of a responses export."""

    shape = RadioField(
        _l("Layout"),
        choices=[
            ("long", _l("Long: one row per answer (re-imports and re-scores)")),
            ("wide", _l("Wide: one row per respondent, one column per question")),
        ],
        default="long",
        validators=[DataRequired()],
    )
    fmt = RadioField(_l("Format"), default="csv", validators=[DataRequired()])
    identity = RadioField(
        _l("Respondents"),
        choices=[
            ("anonymous", _l("Anonymous: respondent codes, role and team")),
            (
                "identified",
                _l("Identified: also names, e-mail addresses, language and exact times"),
            ),
        ],
        default="anonymous",
        validators=[DataRequired()],
    )
    confirm = BooleanField(
        _l("I understand that an identified file links people to their answers.")
    )
    submit = SubmitField(_l("Download"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Every responses format of the registry (assessment.io.formats), in the user's
        # language; anything else fails validation.
        self.fmt.choices = [(f.name, _l(f.label)) for f in table_formats()]


class ImportForm(FlaskForm):
    """Upload an answers file (and a column mapping for a survey tool's wide export)."""

    upload = FileField(_l("Answers file (CSV)"), validators=[FileRequired(_l("Choose a file."))])
    shape = RadioField(
        _l("Layout of the file"),
        choices=[
            ("long", _l("Long: respondent, role, question, value[, comment] per row")),
            ("wide", _l("Wide: one row per respondent, one column per question")),
        ],
        default="long",
        validators=[DataRequired()],
    )
    mapping = FileField(_l("Column-mapping file (YAML, wide files from other tools only)"))
    submit = SubmitField(_l("Check and import"))
