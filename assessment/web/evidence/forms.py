"""The CRM evidence upload form."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import DateField, Field, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional, Regexp, ValidationError

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
    as_of = DateField(
        _l("Figures as of (optional, default today)"),
        validators=[Optional()],
        description=_l(
            "The date of the export. Stale deals are measured to it, the win rate covers "
            "deals closed in the 365 days up to it, and the quota period is its quarter."
        ),
    )
    quota = StringField(
        _l("Target (quota) for the quarter of the as-of date (optional)"),
        validators=[Optional(), Length(max=40)],
        description=_l(
            "Coverage divides the open deals at stage 'qualified' or later whose close date "
            "falls in that quarter by this target."
        ),
    )
    quota_currency = StringField(
        _l("Quota currency (only needed when deals are in several currencies)"),
        validators=[
            Optional(),
            Regexp(r"^[A-Za-z]{3}$", message=_l("Use a three-letter code such as EUR.")),
        ],
    )
    growth = StringField(
        _l("Expected growth next month, in percent"),
        validators=[Optional(), Length(max=20)],
        description=_l("Used by the run-rate forecast; e.g. 5 or -3. Leave empty for none."),
    )
    new_reps = StringField(
        _l("New reps starting this month"), validators=[Optional(), Length(max=20)]
    )
    new_rep_deals = StringField(
        _l("Deals each new rep closes in the first month"),
        validators=[Optional(), Length(max=20)],
    )
    new_rep_deal_size = StringField(
        _l("Size of a new rep's deal (optional)"),
        validators=[Optional(), Length(max=40)],
        description=_l("Default: the average deal won in the 365 days up to the as-of date."),
    )
    new_rep_currency = StringField(
        _l("Currency of the new reps' deals (only with several currencies)"),
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

    def validate_as_of(self, field: Field) -> None:
        """An as-of date cannot lie in the future (a day's slack for time zones)."""
        if field.data is not None and field.data > date.today() + timedelta(days=1):
            raise ValidationError(_l("The as-of date cannot be in the future."))
