"""Forms of the questionnaires pages; the clone form gets one row per element at run time."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import FloatField, HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Regexp

from assessment.core.model import Questionnaire
from assessment.services.assessments import MAX_WEIGHT
from assessment.services.questionnaires import MAX_UPLOAD_BYTES

ID_PATTERN = r"^[a-z0-9][a-z0-9_\-]*$"
VERSION_PATTERN = r"^[0-9A-Za-z][0-9A-Za-z.+_\-]*$"


class UploadForm(FlaskForm):
    """Upload one self-contained questionnaire YAML file."""

    file = FileField(
        _l("Questionnaire file (YAML, UTF-8, up to 1 MB)"),
        validators=[
            FileRequired(_l("Choose a file.")),
            FileAllowed(["yaml", "yml"], _l("Upload a .yaml or .yml file.")),
        ],
    )
    submit = SubmitField(_l("Check the file"))


class EditorForm(FlaskForm):
    """Edit a questionnaire as YAML text."""

    source = TextAreaField(
        _l("Questionnaire (YAML)"),
        validators=[DataRequired(), Length(max=MAX_UPLOAD_BYTES)],
    )
    submit = SubmitField(_l("Check and preview"))


class PublishForm(FlaskForm):
    """Publish the previewed questionnaire (its YAML travels in a hidden field)."""

    source = HiddenField()
    name = HiddenField()
    based_on = HiddenField()
    submit = SubmitField(_l("Publish this version"))


class CloneForm(FlaskForm):
    """A new version from an existing one: identity, and per-element weight and target."""

    qid = StringField(
        _l("Questionnaire id"),
        description=_l("Lower-case letters, digits, - and _; your own id, not the standard one."),
        validators=[
            DataRequired(),
            Length(max=64),
            Regexp(ID_PATTERN, message=_l("Use lower-case letters, digits, - and _.")),
        ],
    )
    version = StringField(
        _l("Version"),
        description=_l("For example 1.0.1. A published version never changes."),
        validators=[
            DataRequired(),
            Length(max=32),
            Regexp(VERSION_PATTERN, message=_l("Use letters, digits and . - + _ only.")),
        ],
    )
    title = StringField(
        _l("Title"),
        description=_l("Tell it apart from the standard questionnaire in the new-assessment list."),
        validators=[DataRequired(), Length(max=300)],
    )
    submit = SubmitField(_l("Preview"))


def clone_form_class(q: Questionnaire) -> type[CloneForm]:
    """A CloneForm with ``weight_<i>`` and ``target_<i>`` fields for each element ``i``.

    Call it inside a request: the labels are translated when the class is built.
    """

    class ElementsCloneForm(CloneForm):
        pass

    for i, el in enumerate(q.elements):
        setattr(
            ElementsCloneForm,
            f"weight_{i}",
            FloatField(
                # gettext, not lazy: a lazy string counts as safe HTML, and titles are data
                _("Weight of %(element)s", element=el.title),
                validators=[InputRequired(), NumberRange(0, MAX_WEIGHT)],
            ),
        )
        setattr(
            ElementsCloneForm,
            f"target_{i}",
            FloatField(
                _("Target of %(element)s", element=el.title),
                validators=[InputRequired(), NumberRange(0, 100)],
            ),
        )
    return ElementsCloneForm
