"""Forms of the plan pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from assessment.core import plans as core
from assessment.services import plans as svc


class ItemForm(FlaskForm):
    """An item: what, who, when, where it stands and what to watch."""

    title = StringField(
        _l("What is to be done"), validators=[DataRequired(), Length(max=core.MAX_TITLE)]
    )
    element = SelectField(_l("Element"), validators=[Optional()])
    phase = SelectField(_l("Phase"), coerce=int)
    owner = SelectField(_l("Member or person at the client"), validators=[Optional()])
    owner_name = StringField(
        _l("Name of the person at the client"), validators=[Optional(), Length(max=svc.MAX_NAME)]
    )
    owner_email = StringField(
        _l("Their e-mail (for reminders, optional)"), validators=[Optional(), Length(max=254)]
    )
    due = DateField(_l("Due date"), validators=[Optional()])
    status = SelectField(_l("Status"))
    drop_reason = TextAreaField(
        _l("Why it is dropped"), validators=[Optional(), Length(max=svc.MAX_REASON)]
    )
    kpi_question = SelectField(
        _l("KPI to watch"),
        description=_l("Leave empty to watch the practice score of the element."),
        validators=[Optional()],
    )
    baseline = StringField(_l("Baseline"), validators=[Optional(), Length(max=30)])
    target = StringField(_l("Target"), validators=[Optional(), Length(max=30)])
    submit = SubmitField(_l("Save"))


PERSON = "person"
"""The owner choice for a named person at the client."""


def owner_choices(members: list[tuple[int, str]]) -> list[SelectChoice]:
    """Nobody yet, each member, or a person at the client."""
    return [
        SelectChoice("", _l("Nobody named yet")),
        *(SelectChoice(f"user:{uid}", name) for uid, name in members),
        SelectChoice(PERSON, _l("A person at the client (name below)")),
    ]


class NoteForm(FlaskForm):
    """A dated note on an item."""

    text = TextAreaField(_l("Note"), validators=[DataRequired(), Length(max=svc.MAX_NOTE)])
    submit = SubmitField(_l("Add note"))


class RecommendationForm(FlaskForm):
    """Add one recommendation of the results to the plan."""

    recommendation = SelectField(_l("Recommendation"), validators=[DataRequired()])
    submit = SubmitField(_l("Add to the plan"))


class RhythmForm(FlaskForm):
    """The client's re-assessment cadence and the plan reminders."""

    cadence = SelectField(_l("Re-assess"), validators=[Optional()])
    reminders = BooleanField(_l("E-mail owners before and after their due dates"))
    submit = SubmitField(_l("Save"))


class NextRoundForm(FlaskForm):
    """Start the next round."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Create the next round"))
