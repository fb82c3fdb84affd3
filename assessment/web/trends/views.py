"""Follow-up and trend pages."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from assessment.core.trends import Trend
from assessment.extensions import current_session
from assessment.services import followups
from assessment.services import trends as svc
from assessment.services.assessments import get_assessment
from assessment.services.clients import get_client
from assessment.services.errors import Conflict, Invalid
from assessment.services.followups import ChainLink
from assessment.web.assessments.summary import AssessmentHeader, links_page
from assessment.web.i18n import select_locale, shown_model
from assessment.web.messages import localize
from assessment.web.tenancy import actor
from assessment.web.trends import bp
from assessment.web.trends.forms import FollowUpForm, MappingUploadForm
from assessment.web.trends.page import reason_text, signed
from reports.trend_chart import Line, trend_chart


def _base_url() -> str:
    return str(current_app.config.get("PUBLIC_URL") or request.host_url).rstrip("/")


@bp.route("/assessments/<int:assessment_id>/follow-up", methods=["GET", "POST"])
@login_required
def followup(assessment_id: int) -> str | Response:
    """Start a follow-up of a closed assessment: same client, same people, new links."""
    actor().require_editor()
    session = current_session()
    previous = get_assessment(session, assessment_id)
    form = FollowUpForm()
    versions = followups.followup_versions(session, previous)
    if previous.questionnaire_version not in versions:
        versions.append(previous.questionnaire_version)
    form.questionnaire.choices = [
        SelectChoice(v.id, f"{shown_model(v).title} {v.version}") for v in versions
    ]
    if request.method == "GET":
        form.title.data = _("Follow-up: %(title)s", title=previous.title)[:200]
        form.questionnaire.data = followups.default_version(session, previous).id
    existing = followups.existing_followup(session, previous.id)
    if form.validate_on_submit():
        try:
            started = followups.start_followup(
                session, actor(), previous.id, form.title.data or "", form.questionnaire.data
            )
        except Invalid as exc:
            getattr(form, exc.field or "title", form.title).errors = [localize(exc)]
        except Conflict as exc:
            flash(localize(exc), "error")
            return redirect(url_for("assessments.show", assessment_id=previous.id))
        else:
            if started.dropped_overrides:
                flash(
                    _(
                        "Overrides not copied (elements not in the new version): %(ids)s",
                        ids=", ".join(started.dropped_overrides),
                    ),
                    "info",
                )
            page = links_page(
                started.assessment,
                started.issued,
                _base_url(),
                _("Follow-up started: new personal links"),
            )
            return render_template("web/assessments/links.html", page=page)
    return render_template(
        "web/trends/followup.html",
        form=form,
        previous=AssessmentHeader.of(previous),
        existing=ChainLink(existing.id, existing.title, existing.status.value)
        if existing
        else None,
    )


def trend_svg(trend: Trend, overall_label: str, title: str) -> Markup:
    """The trend chart for the web page."""
    labels = [f"{p.title}\n{p.when.isoformat()}" for p in trend.points]
    lines = [
        Line(
            overall_label,
            tuple(c.score for c in trend.overall.cells),
            tuple(c.comparable is not False for c in trend.overall.cells),
            emphasis=True,
        )
    ]
    for row in trend.elements:
        lines.append(
            Line(
                row.title,
                tuple(c.score for c in row.cells),
                tuple(c.comparable is not False for c in row.cells),
            )
        )
    return trend_chart(labels, lines, title, select_locale())


@bp.route("/clients/<int:client_id>/trend")
@login_required
def client_trend(client_id: int) -> str:
    """Scores across the client's assessments: chart, table, what is not comparable."""
    session = current_session()
    client = get_client(session, client_id)
    trend = svc.client_trend(session, client_id, select_locale())
    chart = (
        trend_svg(trend, _("Overall"), _("Scores across assessments"))
        if len(trend.points) >= 2
        else None
    )
    titles = {p.key: p.title for p in trend.points}
    return render_template(
        "web/trends/client.html",
        client=client,
        trend=trend,
        chart=chart,
        titles=titles,
        reason_text=reason_text,
        signed=signed,
        mappings=svc.list_mappings(session),
        upload=MappingUploadForm() if current_user.can_edit else None,
    )


@bp.route("/clients/<int:client_id>/trend/mappings", methods=["POST"])
@login_required
def upload_mapping(client_id: int) -> Response:
    """Store a version mapping file (validated against both versions)."""
    get_client(current_session(), client_id)
    actor().require_editor()
    form = MappingUploadForm()
    target = url_for("trends.client_trend", client_id=client_id) + "#mappings"
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(_("Mapping not saved:") + " " + "; ".join(map(str, errors)), "error")
        return redirect(target)
    upload = form.upload.data
    try:
        svc.upload_mapping(current_session(), actor(), upload.read(), upload.filename or "")
    except Invalid as exc:
        flash(_("Mapping not saved:") + "\n" + localize(exc), "error")
    else:
        flash(_("Mapping saved. The trend now uses it."), "success")
    return redirect(target)


@bp.route("/clients/<int:client_id>/trend/mappings/<int:mapping_id>/delete", methods=["POST"])
@login_required
def delete_mapping(client_id: int, mapping_id: int) -> Response:
    """Remove a stored version mapping."""
    get_client(current_session(), client_id)  # the CSRF token is checked by CSRFProtect
    svc.delete_mapping(current_session(), actor(), mapping_id)
    flash(_("Mapping removed."), "success")
    return redirect(url_for("trends.client_trend", client_id=client_id) + "#mappings")
