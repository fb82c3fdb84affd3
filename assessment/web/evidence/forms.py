"""The CRM evidence upload form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional, Regexp

from assessment.io.opportunities import MAX_BYTES


class EvidenceForm(FlaskForm):
    """Upload an opportunity export with an optional mapping, quota and stage probabilities."""

    export = FileField(
        _l("Opportunity export (CSV or XLSX)"),
        validators=[
            FileRequired(_l("Choose the export file.")),
            FileAllowed(["csv", "txt", "tsv", "xlsx"], _l("CSV or XLSX files only")),
            FileSize(MAX_BYTES, message=_l("The file is larger than 20 MB.")),
        ],
    )
    mapping = FileField(
        _l("Column mapping (MAP.yaml, optional)"),
        validators=[FileAllowed(["yaml", "yml"], _l("YAML files only")), FileSize(64 * 1024)],
    )
    quota = StringField(
        _l("Quota for the period the pipeline should cover (optional)"),
        validators=[Optional(), Length(max=40)],
    )
    quota_currency = StringField(
        _l("Quota currency (only needed when deals are in several currencies)"),
        validators=[
            Optional(),
            Regexp(r"^[A-Za-z]{3}$", message=_l("Use a three-letter code such as EUR.")),
        ],
    )
    stages = TextAreaField(
        _l("Stage probabilities in percent, one stage per line"),
        validators=[Optional(), Length(max=5000)],
    )
    submit = SubmitField(_l("Compute and save"))
