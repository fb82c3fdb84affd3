"""Respondents of an assessment: add, edit, delete, copy, replace and revoke links, invite.

Every change answers with a redirect (post/redirect/get), so reloading a result page never
adds people or replaces links again.  Links are shown on a GET page that reads the current
(encrypted) links, so showing them twice changes nothing.
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from assessment.extensions import current_session
from assessment.services import assessments as svc
from assessment.services import invitations
from assessment.services import respondents as people
from assessment.services.errors import Conflict, Invalid
from assessment.services.link_cipher import LinkCipher, cipher_for
from assessment.services.mailer import SmtpSettings, send_all
from assessment.web.assessments import bp
from assessment.web.assessments.forms import (
    ActionForm,
    BulkRespondentsForm,
    EditRespondentForm,
    RespondentForm,
)
from assessment.web.assessments.mails import invitation_mail
from assessment.web.assessments.summary import AssessmentHeader, links_page
from assessment.web.assessments.views import render_show
from assessment.web.i18n import shown_questionnaire
from assessment.web.messages import localize
from assessment.web.tenancy import actor


def link_cipher() -> LinkCipher:
    """The cipher for link tokens, keyed from this app's secret."""
    return cipher_for(str(current_app.config["SECRET_KEY"]))


def base_url() -> str:
    """Where respondents reach this site (links are built on it)."""
    return str(current_app.config.get("PUBLIC_URL") or request.host_url).rstrip("/")


def _back(assessment_id: int) -> Response:
    return redirect(url_for("assessments.show", assessment_id=assessment_id))


def _check_action() -> None:
    if not ActionForm().validate_on_submit():
        raise Invalid("form.expired")


def _to_links(assessment_id: int, issued: list[people.IssuedLink], kind: str) -> Response:
    """Redirect to the links page for these respondents (added or replaced just now)."""
    ids = [link.respondent.id for link in issued]
    if not ids:
        return _back(assessment_id)
    return redirect(
        url_for(
            "assessments.show_links",
            assessment_id=assessment_id,
            first=min(ids),
            last=max(ids),
            kind=kind,
        )
    )


def _person(form: RespondentForm | EditRespondentForm) -> people.RespondentData:
    return people.RespondentData(
        role=form.role.data or "",
        name=form.name.data or "",
        email=(form.email.data or "").strip(),
        team=form.team.data or "",
        region=form.region.data or "",
        segment=form.segment.data or "",
    )


@bp.route("/<int:assessment_id>/respondents", methods=["POST"])
@login_required
def add_respondent(assessment_id: int) -> str | Response:
    """Add one respondent, then show their link."""
    assessment = svc.get_assessment(current_session(), assessment_id)
    actor().require_editor()
    q = shown_questionnaire(assessment)
    form = RespondentForm()
    form.role.choices = [SelectChoice(r.id, r.label) for r in q.roles]
    if form.validate_on_submit():
        try:
            issued = people.add_respondents(
                current_session(), actor(), assessment_id, [_person(form)], link_cipher()
            )
        except Invalid as exc:
            getattr(form, exc.field or "name", form.name).errors = [localize(exc)]
        else:
            flash(_("Respondent added."), "success")
            return _to_links(assessment_id, issued, "new")
    # Shown again with what was typed and the errors next to the fields.
    return render_show(assessment_id, form=form)


@bp.route("/<int:assessment_id>/respondents/bulk", methods=["POST"])
@login_required
def add_bulk(assessment_id: int) -> str | Response:
    """Add a pasted or uploaded list of respondents (all or none)."""
    assessment = svc.get_assessment(current_session(), assessment_id)
    actor().require_editor()
    q = shown_questionnaire(assessment)
    form = BulkRespondentsForm()
    if not form.validate_on_submit():
        return render_show(assessment_id, bulk=form)
    text = form.people.data or ""
    if form.upload.data:
        try:
            text = form.upload.data.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            form.upload.errors = [_("The uploaded file is not UTF-8 text.")]
            return render_show(assessment_id, bulk=form)
    try:
        parsed = people.parse_people(text, list(q.role_ids), {r.id: r.label for r in q.roles})
        issued = people.add_respondents(
            current_session(), actor(), assessment_id, parsed, link_cipher()
        )
    except Invalid as exc:
        # Keep what was typed (an uploaded file's text too) and list every bad line.
        form.people.data = text
        form.people.errors = [_("Nothing was added:"), *localize(exc).splitlines()]
        return render_show(assessment_id, bulk=form)
    flash(_("%(n)d respondent(s) added.", n=len(issued)), "success")
    return _to_links(assessment_id, issued, "new")


@bp.route("/<int:assessment_id>/links", methods=["GET"])
@login_required
def show_links(assessment_id: int) -> str:
    """Current links, shown without replacing them: the respondents ``first``..``last`` (just
    added or replaced), or everyone with a working link who has not submitted."""
    actor().require_editor()
    session = current_session()
    assessment = svc.get_assessment(session, assessment_id)
    first = request.args.get("first", type=int)
    last = request.args.get("last", type=int)
    if first is not None and last is not None:
        ids = [
            r.id for r in people.list_respondents(session, assessment_id) if first <= r.id <= last
        ]
    else:
        ids = people.pending_ids(session, assessment_id)
    titles = {
        "new": _("New respondent links"),
        "replaced": _("New link"),
        "one": _("Personal link"),
    }
    title = titles.get(request.args.get("kind", ""), _("Links for everyone who has not submitted"))
    current = people.current_links(session, assessment_id, link_cipher(), ids)
    return render_template(
        "web/assessments/links.html",
        page=links_page(assessment, current, base_url(), title),
        action=ActionForm(),
    )


@bp.route("/<int:assessment_id>/links", methods=["POST"])
@login_required
def links(assessment_id: int) -> Response:
    """Replace the links of everyone who has not submitted (the old ones stop working)."""
    _check_action()
    issued = people.reissue_links(current_session(), actor(), assessment_id, cipher=link_cipher())
    flash(_("New links issued; the old links no longer work."), "success")
    return _to_links(assessment_id, issued, "replaced")


@bp.route("/<int:assessment_id>/respondents/<int:respondent_id>/reissue", methods=["POST"])
@login_required
def reissue(assessment_id: int, respondent_id: int) -> Response:
    """Issue a new link for one respondent (the old one stops working)."""
    _check_action()
    issued = people.reissue_links(
        current_session(), actor(), assessment_id, [respondent_id], link_cipher()
    )
    flash(_("New link issued; the old link no longer works."), "success")
    return _to_links(assessment_id, issued, "replaced")


@bp.route("/<int:assessment_id>/respondents/<int:respondent_id>/revoke", methods=["POST"])
@login_required
def revoke(assessment_id: int, respondent_id: int) -> Response:
    """Make a respondent's link stop working."""
    _check_action()
    people.revoke_link(current_session(), actor(), assessment_id, respondent_id)
    flash(_("Link revoked. Answers already saved are kept."), "success")
    return _back(assessment_id)


@bp.route("/<int:assessment_id>/respondents/<int:respondent_id>/edit", methods=["GET", "POST"])
@login_required
def edit_respondent(assessment_id: int, respondent_id: int) -> str | Response:
    """Correct a respondent's name, e-mail, role and team."""
    session = current_session()
    assessment = svc.get_assessment(session, assessment_id)
    respondent = people.get_respondent(session, assessment_id, respondent_id)
    actor().require_editor()
    q = shown_questionnaire(assessment)
    form = EditRespondentForm(obj=respondent)
    form.role.choices = [SelectChoice(r.id, r.label) for r in q.roles]
    if form.validate_on_submit():
        try:
            people.update_respondent(session, actor(), assessment_id, respondent_id, _person(form))
        except Invalid as exc:
            getattr(form, exc.field or "name", form.name).errors = [localize(exc)]
        except Conflict:
            form.role.errors = [_("The role cannot change after the respondent has answered.")]
        else:
            flash(_("Respondent %(code)s saved.", code=respondent.code), "success")
            return _back(assessment_id)
    return render_template(
        "web/assessments/respondent_edit.html",
        form=form,
        assessment=AssessmentHeader.of(assessment),
        code=respondent.code,
    )


@bp.route("/<int:assessment_id>/respondents/<int:respondent_id>/delete", methods=["POST"])
@login_required
def delete_respondent(assessment_id: int, respondent_id: int) -> Response:
    """Delete a respondent who has not answered (added by mistake)."""
    _check_action()
    respondent = people.get_respondent(current_session(), assessment_id, respondent_id)
    code = respondent.code
    try:
        people.delete_respondent(current_session(), actor(), assessment_id, respondent_id)
    except Conflict:
        flash(
            _(
                "%(code)s has already answered and cannot be deleted; revoke the link instead.",
                code=code,
            ),
            "error",
        )
    else:
        flash(_("Respondent %(code)s deleted.", code=code), "success")
    return _back(assessment_id)


@bp.route("/<int:assessment_id>/invite", methods=["POST"])
@login_required
def invite(assessment_id: int) -> Response:
    """E-mail their current link to everyone with an address who has not submitted."""
    _check_action()
    # Existence and permission first: the answer must not depend on the mail set-up.
    assessment = svc.get_assessment(current_session(), assessment_id)
    actor().require_editor()
    settings = SmtpSettings.from_config(current_app.config)
    if settings is None:
        flash(_("E-mail is not configured; copy the links instead."), "error")
        return _back(assessment_id)
    targets = invitations.invitation_targets(current_session(), assessment_id)
    if not targets:
        flash(_("Nobody to invite: add e-mail addresses first."), "info")
        return _back(assessment_id)
    links = invitations.links_to_send(
        current_session(), actor(), assessment_id, targets, link_cipher()
    )
    base = base_url()
    mails = [invitation_mail(assessment.title, link, base) for link in links]
    sent = send_all(settings, mails)
    invitations.record_invitations(
        current_session(), actor(), assessment_id, [link.respondent.id for link in links]
    )
    flash(_("%(n)d invitation(s) sent.", n=sent), "success")
    return _back(assessment_id)
