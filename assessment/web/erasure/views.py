"""Confirmation pages and actions: delete a client or an assessment, anonymize a closed
assessment, erase one respondent, and download a respondent's data-access export.

Each action is a GET page that says what goes and a CSRF-protected POST that needs the
name typed (deletions) or a box ticked (erasure, anonymization).  Existence is checked
before the role, so another workspace's ids answer 404 whoever asks.
"""

from __future__ import annotations

import json

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response as BaseResponse

from assessment.extensions import current_session
from assessment.services import erasure as svc
from assessment.services.assessments import get_assessment
from assessment.services.clients import get_client
from assessment.services.errors import Invalid
from assessment.services.respondents import get_respondent
from assessment.services.subject_access import respondent_record
from assessment.web.erasure import bp
from assessment.web.erasure.forms import ConfirmBoxForm, ConfirmNameForm
from assessment.web.erasure.page import ConfirmPage, removed_rows
from assessment.web.messages import localize
from assessment.web.tenancy import actor, client_ip

PAGE = "web/erasure/confirm.html"


def _field_error(form: ConfirmNameForm | ConfirmBoxForm, exc: Invalid) -> None:
    form.confirm.errors = [localize(exc)] if exc.field == "confirm" else []
    if exc.field != "confirm":
        raise exc


@bp.route("/clients/<int:client_id>/delete", methods=["GET", "POST"])
@login_required
def delete_client(client_id: int) -> str | BaseResponse:
    """Delete a client with all its assessments (owners; type the name)."""
    session = current_session()
    client = get_client(session, client_id)
    preview = svc.preview_client_deletion(session, actor(), client_id)
    form = ConfirmNameForm()
    if form.validate_on_submit():
        try:
            svc.delete_client(session, actor(), client_id, form.confirm.data or "")
        except Invalid as exc:
            _field_error(form, exc)
        else:
            flash(_("The client and all its data were deleted."), "success")
            return redirect(url_for("clients.index"))
    page = ConfirmPage(
        title=_("Delete client %(name)s", name=client.name),
        lead=_(
            "This deletes the client with every assessment, respondent, answer, comment, "
            "PDF report and CRM upload. It cannot be undone."
        ),
        name=client.name,
        removed=removed_rows(preview),
        cancel_url=url_for("clients.show", client_id=client_id),
        danger_label=_("Delete for good"),
    )
    return render_template(PAGE, page=page, form=form)


@bp.route("/assessments/<int:assessment_id>/delete", methods=["GET", "POST"])
@login_required
def delete_assessment(assessment_id: int) -> str | BaseResponse:
    """Delete an assessment with its respondents and answers (type the title)."""
    session = current_session()
    assessment = get_assessment(session, assessment_id)
    client_id = assessment.client_id
    preview = svc.preview_assessment_deletion(session, actor(), assessment_id)
    form = ConfirmNameForm()
    if form.validate_on_submit():
        try:
            svc.delete_assessment(session, actor(), assessment_id, form.confirm.data or "")
        except Invalid as exc:
            _field_error(form, exc)
        else:
            flash(_("The assessment and all its data were deleted."), "success")
            return redirect(url_for("clients.show", client_id=client_id))
    page = ConfirmPage(
        title=_("Delete assessment %(title)s", title=assessment.title),
        lead=_(
            "This deletes the assessment with its respondents, answers, comments, PDF "
            "reports and CRM uploads. A follow-up assessment stays. It cannot be undone."
        ),
        name=assessment.title,
        removed=removed_rows(preview),
        cancel_url=url_for("assessments.show", assessment_id=assessment_id),
        danger_label=_("Delete for good"),
    )
    return render_template(PAGE, page=page, form=form)


@bp.route("/assessments/<int:assessment_id>/anonymize", methods=["GET", "POST"])
@login_required
def anonymize(assessment_id: int) -> str | BaseResponse:
    """Drop the names, e-mails and links of a closed assessment (tick the box)."""
    session = current_session()
    assessment = get_assessment(session, assessment_id)
    actor().require_editor()
    svc.require_closed(assessment)
    preview = svc.preview_anonymization(session, actor(), assessment_id)
    form = ConfirmBoxForm()
    if form.validate_on_submit():
        try:
            n = svc.anonymize_assessment(session, actor(), assessment_id, confirmed=True)
        except Invalid as exc:
            _field_error(form, exc)
        else:
            flash(_("%(n)d respondent(s) anonymized.", n=n), "success")
            return redirect(url_for("assessments.show", assessment_id=assessment_id))
    lead = _(
        "The names, e-mail addresses and links of %(n)d respondent(s) are erased. Answers "
        "and comments stay under the respondents' codes, so the results do not change. "
        "It cannot be undone.",
        n=preview.changed["respondent"],
    )
    if preview.changed["plan_item"]:
        lead += " " + _(
            "The names and e-mail addresses of the people at the client who own %(n)d item(s) "
            "of this round's action plan are erased too, with the PDF reports that may show "
            "them; the items keep their role, dates, status and measures.",
            n=preview.changed["plan_item"],
        )
    page = ConfirmPage(
        title=_("Anonymize %(title)s", title=assessment.title),
        lead=lead,
        name="",
        removed=removed_rows(preview),
        cancel_url=url_for("assessments.show", assessment_id=assessment_id),
        danger_label=_("Anonymize"),
    )
    return render_template(PAGE, page=page, form=form)


@bp.route(
    "/assessments/<int:assessment_id>/respondents/<int:respondent_id>/erase",
    methods=["GET", "POST"],
)
@login_required
def erase_respondent(assessment_id: int, respondent_id: int) -> str | BaseResponse:
    """Erase one respondent's answers, comments, identity and link (tick the box)."""
    session = current_session()
    get_assessment(session, assessment_id)
    respondent = get_respondent(session, assessment_id, respondent_id)
    label = respondent.name or respondent.code
    preview = svc.preview_respondent_erasure(session, actor(), assessment_id, respondent_id)
    form = ConfirmBoxForm()
    if form.validate_on_submit():
        try:
            svc.erase_respondent(session, actor(), assessment_id, respondent_id, confirmed=True)
        except Invalid as exc:
            _field_error(form, exc)
        else:
            flash(_("The respondent's data was erased; results are recomputed."), "success")
            return redirect(url_for("assessments.show", assessment_id=assessment_id))
    page = ConfirmPage(
        title=_("Erase respondent %(name)s", name=label),
        lead=_(
            "This erases the person's answers, comments, name, e-mail address and link, and "
            "the assessment's PDF reports (they were made with these answers). Results are "
            "recomputed; a group that falls under the minimum size is then hidden. It cannot "
            "be undone. Download the person's data first if they asked for it."
        ),
        name="",
        removed=removed_rows(preview),
        cancel_url=url_for("assessments.show", assessment_id=assessment_id),
        danger_label=_("Erase"),
    )
    return render_template(PAGE, page=page, form=form)


@bp.route("/assessments/<int:assessment_id>/respondents/<int:respondent_id>/data")
@login_required
def respondent_data(assessment_id: int, respondent_id: int) -> BaseResponse:
    """Everything held about one respondent, as a JSON download (data-access request)."""
    record = respondent_record(
        current_session(), actor(), assessment_id, respondent_id, ip=client_ip()
    )
    body = json.dumps(record, ensure_ascii=False, indent=2)
    filename = f"respondent-{assessment_id}-{record['person']['code']}.json"
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
