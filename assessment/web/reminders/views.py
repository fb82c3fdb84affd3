"""The reminder schedule of an assessment: after how many quiet days, how many at most, and
who will be reminded when (sending is the worker's or ``saleshealth reminders``' job)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import IntegerField, SubmitField
from wtforms.validators import InputRequired

from assessment.db.models import AssessmentStatus
from assessment.extensions import current_session
from assessment.services import reminders as svc
from assessment.services.assessments import get_assessment
from assessment.services.errors import Invalid
from assessment.web.assessments.summary import AssessmentHeader
from assessment.web.messages import localize
from assessment.web.reminders import bp
from assessment.web.tenancy import actor
from assessment.workers.reminders import off_reason


class ReminderForm(FlaskForm):
    """An assessment's reminder schedule (the service checks the ranges)."""

    after_days = IntegerField(
        _l("Remind after this many days without an answer"), validators=[InputRequired()]
    )
    max_count = IntegerField(
        _l("Reminders per person at most"),
        description=_l("0 turns automatic reminders off for this assessment."),
        validators=[InputRequired()],
    )
    submit = SubmitField(_l("Save"))


@dataclass(frozen=True)
class RemindersPage:
    """Everything the page shows."""

    assessment: AssessmentHeader
    mail_off: str
    """Why nothing is sent: ``smtp`` (no e-mail), ``public_url`` (no site address), or ""."""
    settings: svc.ReminderSettings
    upcoming: list[svc.Upcoming]
    closed: bool
    """The assessment is closed: nobody is reminded any more."""


def _mail_off() -> str:
    reason = off_reason(current_app.config)
    if not reason:
        return ""
    return "smtp" if reason.startswith("SMTP") else "public_url"


@bp.route("/<int:assessment_id>/reminders", methods=["GET", "POST"])
@login_required
def settings(assessment_id: int) -> str | Response:
    """Show and change the schedule (editors change it; viewers read it)."""
    session = current_session()
    assessment = get_assessment(session, assessment_id)
    current = svc.reminder_settings(session, assessment_id)
    form = ReminderForm(data={"after_days": current.after_days, "max_count": current.max_count})
    if form.is_submitted():
        actor().require_editor()
    if form.validate_on_submit():
        wanted = svc.ReminderSettings(int(form.after_days.data), int(form.max_count.data))
        try:
            svc.save_reminder_settings(session, actor(), assessment_id, wanted)
        except Invalid as exc:
            getattr(form, exc.field or "after_days").errors = [localize(exc)]
        else:
            flash(_("Reminder schedule saved."), "success")
            return redirect(url_for("reminders.settings", assessment_id=assessment_id))
    page = RemindersPage(
        assessment=AssessmentHeader.of(assessment),
        mail_off=_mail_off(),
        settings=current,
        upcoming=svc.upcoming_reminders(session, assessment_id),
        closed=assessment.status is AssessmentStatus.CLOSED,
    )
    return render_template("web/reminders/settings.html", page=page, form=form)
