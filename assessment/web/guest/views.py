"""Guest pages: the password step, the client's closed results, its trend and PDF reports.

Every page but the password step needs a live guest session: the link must still be active
(a revoked or expired link ends the session at the next request) and the password must have
been given less than :data:`SESSION_HOURS` ago.  Nothing here changes the client's data; the
only rows a guest adds are audit entries and the report jobs of the PDFs they download.
"""

from __future__ import annotations

import time
from typing import Any

from flask import (
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import PasswordField, SubmitField
from wtforms.validators import DataRequired, Length

from assessment.db.tenancy import bind_workspace
from assessment.extensions import current_session, db, limiter
from assessment.services import audit, share_links
from assessment.services import clients as clients_svc
from assessment.services import guest as svc
from assessment.services import report_jobs as jobs
from assessment.services import trends as trends_svc
from assessment.services.deck import build_assessment_deck
from assessment.services.errors import Invalid, NotFound
from assessment.services.share_links import GuestScope
from assessment.web.guest import GUEST, bp
from assessment.web.guest.page import GuestHeader, overview_page
from assessment.web.i18n import LANGUAGES, select_locale
from assessment.web.plans.page import plan_page, today
from assessment.web.reports.views import _filename, deck_response
from assessment.web.results.page import results_page
from assessment.web.tenancy import client_ip
from assessment.web.trends.page import reason_text, signed
from assessment.web.trends.views import trend_svg
from assessment.workers.reports import runner_for

SESSION_HOURS = 12
PASSWORD_LIMIT = "5 per minute; 30 per hour"
"""Password attempts per link, from any address (a link is one secret to guess)."""
ADDRESS_LIMIT = "20 per minute"
"""Password attempts per address, over every link."""
REPORT_LIMIT = "20 per hour"
"""PDF requests per link (identical requests are served from one job anyway)."""


def _link_key() -> str:
    token = str((request.view_args or {}).get("token", ""))
    return "share-link:" + share_links.token_hash(token)[:32]


def _address_key() -> str:
    return f"share-ip:{get_remote_address()}"


def _session_link_key() -> str:
    data = session.get(GUEST)
    link = data.get("link") if isinstance(data, dict) else None
    return f"share-report:{link}"


def scope() -> GuestScope:
    """The current guest session's scope (set for every guest page)."""
    found: GuestScope = g.guest_scope
    return found


def _render(template: str, **context: Any) -> str:
    return render_template(template, header=GuestHeader.of(scope()), guest_view=True, **context)


@bp.before_request
def _guest_session() -> tuple[str, int] | None:
    """Resolve the guest session: bind the workspace, or end a session whose link ended."""
    if request.endpoint == "guest.enter":
        return None
    data = session.get(GUEST)
    if not isinstance(data, dict):
        abort(404)
    found = None
    if time.time() - float(data.get("at", 0)) <= SESSION_HOURS * 3600:
        found = share_links.guest_scope(current_session(), int(data.get("link", 0)))
    if found is None:
        session.pop(GUEST, None)
        return render_template("web/guest/invalid.html", ended=True), 404
    g.guest_scope = found
    bind_workspace(current_session(), found.workspace_id)
    return None


class PasswordForm(FlaskForm):
    """The password the consultant gave the guest."""

    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Open the results"))


@bp.route("/s/<token>", methods=["GET", "POST"])
@limiter.limit("120 per minute", methods=["GET"])
@limiter.limit(PASSWORD_LIMIT, methods=["POST"], key_func=_link_key)
@limiter.limit(ADDRESS_LIMIT, methods=["POST"], key_func=_address_key)
def enter(token: str) -> str | Response | tuple[str, int]:
    """The password step; a correct password starts a guest session for the link's client."""
    if not share_links.link_is_active(current_session(), token):
        return render_template("web/guest/invalid.html", ended=False), 404
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            found = share_links.enter(
                current_session(), token, form.password.data or "", ip=client_ip()
            )
        except NotFound:
            return render_template("web/guest/invalid.html", ended=False), 404
        if found is None:
            form.password.errors = [_("The password is wrong.")]
        else:
            language = session.get("ui_lang")
            session.clear()  # a member signed in in this browser is signed out
            if language:
                session["ui_lang"] = language
            session[GUEST] = {"link": found.link_id, "at": int(time.time())}
            return redirect(url_for("guest.overview"))
    return render_template("web/guest/enter.html", form=form)


@bp.route("/guest/")
def overview() -> str:
    """The client's closed assessments, with their results, reports and the trend."""
    return _render("web/guest/overview.html", page=overview_page(current_session(), scope()))


@bp.route("/guest/assessments/<int:assessment_id>")
def results(assessment_id: int) -> str:
    """Results of one closed assessment, read-only (comments per docs/privacy.md)."""
    assessment = svc.guest_assessment(current_session(), scope(), assessment_id)
    page = results_page(
        current_session(),
        assessment,
        select_locale(),
        industry="",
        size_band="",
        guest=True,
        team=request.args.get("team", "")[:100],
    )
    return _render("web/guest/results.html", page=page)


@bp.route("/guest/trend")
def trend() -> str:
    """Scores across the client's closed assessments."""
    trend = trends_svc.client_trend(
        current_session(), scope().client_id, select_locale(), closed_only=True
    )
    chart = (
        trend_svg(trend, _("Overall"), _("Scores across assessments"))
        if len(trend.points) >= 2
        else None
    )
    return _render(
        "web/guest/trend.html",
        trend=trend,
        chart=chart,
        titles={p.key: p.title for p in trend.points},
        reason_text=reason_text,
        signed=signed,
    )


@bp.route("/guest/plan")
def plan() -> str:
    """The client's action plan, read-only (no e-mail addresses; items of closed rounds)."""
    client = clients_svc.get_client(current_session(), scope().client_id)
    page = plan_page(
        current_session(), client, select_locale(), request.args.get("by", ""), today(), guest=True
    )
    return _render("web/guest/plan.html", page=page)


@bp.route("/guest/assessments/<int:assessment_id>/report", methods=["POST"])
@limiter.limit(REPORT_LIMIT, key_func=_session_link_key)
def report(assessment_id: int) -> Response:
    """Ask for the PDF report of a closed assessment in a language."""
    assessment = svc.guest_assessment(current_session(), scope(), assessment_id)
    if not FlaskForm().validate_on_submit():
        raise Invalid("form.expired")
    requested = jobs.request_guest_report(
        current_session(),
        scope().link_id,
        assessment,
        request.form.get("language", "en"),
        request.form.get("edition") or jobs.DEFAULT_EDITION,
    )
    if requested.new:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        runner_for(app.config, app.extensions, db.engine).submit(requested.job.id)
    return redirect(
        url_for("guest.report_status", assessment_id=assessment_id, job_id=requested.job.id)
    )


@bp.route("/guest/assessments/<int:assessment_id>/deck", methods=["POST"])
@limiter.limit(REPORT_LIMIT, key_func=_session_link_key)
def deck(assessment_id: int) -> Response:
    """The PowerPoint deck of a closed assessment, by the guest's rules, built at once."""
    assessment = svc.guest_assessment(current_session(), scope(), assessment_id)
    if not FlaskForm().validate_on_submit():
        raise Invalid("form.expired")
    built = build_assessment_deck(
        current_session(), assessment, request.form.get("language", "en"), guest=True
    )
    audit.record(
        current_session(),
        None,
        "report.downloaded",
        f"assessment:{assessment.id}",
        {
            "assessment": assessment.id,
            "language": built.language,
            "format": "pptx",
            "share_link": scope().link_id,
        },
        client_ip(),
    )
    return deck_response(built)


@bp.route("/guest/assessments/<int:assessment_id>/report/<int:job_id>")
def report_status(assessment_id: int, job_id: int) -> str:
    """Progress of a guest's report; offers the file when it is ready."""
    assessment = svc.guest_assessment(current_session(), scope(), assessment_id)
    job = jobs.get_guest_job(current_session(), assessment.id, job_id)
    return _render(
        "web/guest/report.html",
        assessment_id=assessment.id,
        title=assessment.title,
        job_id=job.id,
        status=job.status,
        pages=job.pages or 0,
        error=job.error,
    )


@bp.route("/guest/assessments/<int:assessment_id>/report/<int:job_id>/download")
def download(assessment_id: int, job_id: int) -> Response:
    """The PDF of a guest's report; recorded in the audit trail."""
    assessment = svc.guest_assessment(current_session(), scope(), assessment_id)
    job = jobs.get_guest_job(current_session(), assessment.id, job_id)
    if job.status != "done" or job.pdf is None:
        return redirect(url_for("guest.report_status", assessment_id=assessment.id, job_id=job.id))
    audit.record(
        current_session(),
        None,
        "report.downloaded",
        f"report_job:{job.id}",
        {"assessment": assessment.id, "language": job.language, "share_link": scope().link_id},
        client_ip(),
    )
    name = _filename(scope().client_name, assessment.title, job.language, edition=job.edition)
    return Response(
        job.pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.route("/guest/language", methods=["POST"])
def language() -> Response:
    """Switch the guest's interface language (kept in the session)."""
    if not FlaskForm().validate_on_submit():
        raise Invalid("form.expired")
    lang = request.form.get("lang", "")
    if lang in LANGUAGES:
        session["ui_lang"] = lang
    target = request.form.get("next", "")
    return redirect(target if target.startswith("/guest/") else url_for("guest.overview"))


@bp.route("/guest/leave", methods=["POST"])
def leave() -> str:
    """End the guest session in this browser."""
    if not FlaskForm().validate_on_submit():
        raise Invalid("form.expired")
    language = session.get("ui_lang")
    session.clear()
    if language:
        session["ui_lang"] = language
    return render_template("web/guest/left.html")
