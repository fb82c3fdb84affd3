"""The respondent flow: link → intro → one page per element → review → submit → thanks.

The link's token is exchanged for a session cookie at once (and the browser redirected),
so it does not linger in the address bar or in Referer headers.  The session holds the
respondent id plus a prefix of the current token hash: reissuing or revoking the link
ends the session too.
"""

from __future__ import annotations

import hmac
from typing import Any

from flask import (
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from assessment.core.answers import AnswerKind
from assessment.db.models import AssessmentStatus, Respondent
from assessment.db.tenancy import bind_workspace, unscoped
from assessment.extensions import current_session, limiter
from assessment.services import prefill
from assessment.services import responding as svc
from assessment.services.assessments import questionnaire_of
from assessment.services.errors import Conflict, Invalid
from assessment.services.questionnaires import languages_of
from assessment.services.respondents import resolve_token
from assessment.web.i18n import LANGUAGES
from assessment.web.messages import localize
from assessment.web.respond import bp
from assessment.web.respond.widgets import offers_comment_box, widget_templates

SESSION_KEY = "respondent"
REF_MAX_AGE = 60 * 24 * 3600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="respondent-ref")


def respondent_ref(respondent: Respondent) -> str:
    """A signed reference carried in forms, so an expired session never loses typed answers."""
    return _serializer().dumps({"id": respondent.id, "t": (respondent.token_hash or "")[:16]})


def remember_respondent(respondent: Respondent) -> None:
    """Make ``respondent`` this browser session's respondent (after their link, or when a
    signed-in leader starts their own self-assessment, who keeps their account session)."""
    session.permanent = True
    session[SESSION_KEY] = {"id": respondent.id, "t": (respondent.token_hash or "")[:16]}


def _from_claim(claim: Any) -> Respondent | None:
    if not isinstance(claim, dict) or not isinstance(claim.get("id"), int):
        return None
    with unscoped(current_session()):
        respondent = current_session().get(Respondent, claim["id"])
    if respondent is None or respondent.token_hash is None:
        return None
    if not hmac.compare_digest(respondent.token_hash[:16], str(claim.get("t", ""))):
        return None
    return respondent


def current_respondent(restore_from_form: bool = False) -> Respondent | None:
    """The respondent of this browser session (optionally restored from a signed form field)."""
    respondent = _from_claim(session.get(SESSION_KEY))
    if respondent is None and restore_from_form and request.form.get("rk"):
        try:
            claim = _serializer().loads(request.form["rk"], max_age=REF_MAX_AGE)
        except BadSignature:
            claim = None
        respondent = _from_claim(claim)
        if respondent is not None:
            remember_respondent(respondent)
    if respondent is not None:
        bind_workspace(current_session(), respondent.workspace_id)
        g.page_language = respondent.language or respondent.assessment.language
        g.workspace_name = _workspace_name(respondent)
        g.self_assessment = respondent.assessment.is_self_assessment
    return respondent


def _require() -> Respondent:
    """The session's respondent; without one, the page asking to open the link again (403)."""
    respondent = current_respondent()
    if respondent is None:
        abort(403)
    return respondent


@bp.route("/r/<token>")
@limiter.limit("120 per minute; 1000 per hour")  # a whole office may share one IP
def open_link(token: str) -> Response:
    """Exchange the link token for a session and redirect (the token leaves the URL)."""
    respondent = resolve_token(current_session(), token)
    if respondent is None:
        abort(404)  # the error page in the browser's language (assessment/web/errors.py)
    remember_respondent(respondent)
    return redirect(url_for("respond.intro"))


def _pages(respondent: Respondent) -> tuple[Any, list[svc.Page]]:
    lang = respondent.language or respondent.assessment.language
    q = questionnaire_of(respondent.assessment, lang)
    return q, svc.pages_for(q, respondent.role)


@bp.route("/respond/")
def intro() -> str | Response:
    """Who runs the assessment, confidentiality, language choice, start or resume."""
    respondent = _require()
    if respondent.submitted_at:
        return redirect(url_for("respond.thanks"))
    assessment = respondent.assessment
    q, pages = _pages(respondent)
    answers = svc.saved_answers(current_session(), respondent.id)
    versions_langs = languages_of(assessment.questionnaire_version)
    return render_template(
        "web/respond/intro.html",
        respondent=respondent,
        assessment=assessment,
        workspace_name=_workspace_name(respondent),
        q=q,
        pages=pages,
        resume=svc.first_open_page(pages, answers) if answers else None,
        languages=[(code, LANGUAGES.get(code, code)) for code in versions_langs],
        current=respondent.language or assessment.language,
        rk=respondent_ref(respondent),
        is_open=assessment.status is AssessmentStatus.OPEN,
    )


def _workspace_name(respondent: Respondent) -> str:
    from assessment.db.models import Workspace

    with unscoped(current_session()):
        workspace = current_session().get(Workspace, respondent.workspace_id)
    return (workspace.firm_name or workspace.name) if workspace else ""


@bp.route("/respond/language", methods=["POST"])
def language() -> Response:
    """Choose the language to answer in."""
    respondent = _require()
    allowed = languages_of(respondent.assessment.questionnaire_version)
    try:
        svc.set_language(current_session(), respondent.id, request.form.get("lang", ""), allowed)
    except Invalid as exc:
        flash(localize(exc), "error")
    return redirect(url_for("respond.intro"))


@bp.route("/respond/start", methods=["POST"])
def start() -> Response:
    """Start (or resume) at the first page with an unanswered question."""
    respondent = _require()
    _q, pages = _pages(respondent)
    answers = svc.saved_answers(current_session(), respondent.id)
    number = svc.first_open_page(pages, answers)
    if number > len(pages):
        return redirect(url_for("respond.review"))
    return redirect(url_for("respond.page", number=number))


def _form_values(page: svc.Page) -> tuple[dict[str, str], str | None]:
    raw: dict[str, str] = {}
    for question in page.questions:
        special = request.form.get(f"{question.id}--special", "")
        if special in (AnswerKind.NA.value, AnswerKind.DK.value):
            raw[question.id] = special
        elif question.id in request.form:
            raw[question.id] = request.form.get(question.id, "")
    comment = request.form.get("comment") if "comment" in request.form else None
    return raw, comment


def _from_prefill(page: svc.Page, raw: dict[str, str]) -> set[str]:
    """Questions whose CRM pre-fill came back unchanged (the page posts the offered value)."""
    return {
        question.id
        for question in page.questions
        if question.id in raw and request.form.get(f"{question.id}--crm") == raw[question.id]
    }


def render_page(
    respondent: Respondent,
    number: int,
    *,
    values: dict[str, str] | None = None,
    comment: str | None = None,
    errors: dict[str, str] | None = None,
    notice: str | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """Render a page with saved answers, or with the values just typed (kept on errors)."""
    q, pages = _pages(respondent)
    page = pages[number - 1]
    comments = svc.saved_comments(current_session(), respondent.id)
    fields = prefill.page_values(current_session(), respondent, q, page, values)
    return (
        render_template(
            "web/respond/page.html",
            respondent=respondent,
            q=q,
            page=page,
            total=len(pages),
            values=fields.shown,
            comment=comments.get(page.element.id, "") if comment is None else comment,
            errors={qid: localize(text) for qid, text in (errors or {}).items()},
            notice=notice,
            rk=respondent_ref(respondent),
            answered=fields.answered,
            crm=fields.crm,
            widgets=widget_templates(page.questions),
            ranges={
                question.id: svc.range_text(question, unit=False) for question in page.questions
            },
            comment_box=offers_comment_box(page.questions),
        ),
        status,
    )


@bp.route("/respond/page/<int:number>", methods=["GET", "POST"])
def page(number: int) -> str | Response | tuple[str, int]:
    """One element's questions; POST saves them (the no-JavaScript path) and moves on."""
    respondent = current_respondent(restore_from_form=request.method == "POST") or _require()
    if respondent.submitted_at:
        return redirect(url_for("respond.thanks"))
    _q, pages = _pages(respondent)
    if not 1 <= number <= len(pages):
        abort(404)
    if request.method == "GET":
        return render_page(respondent, number)
    current = pages[number - 1]
    raw, comment = _form_values(current)
    lang = respondent.language or respondent.assessment.language
    try:
        errors = svc.save_page(
            current_session(),
            respondent.id,
            current,
            raw,
            comment,
            lang,
            from_prefill=_from_prefill(current, raw),
        )
    except Conflict as exc:
        return render_page(
            respondent, number, values=raw, comment=comment, notice=localize(exc), status=409
        )
    if errors:
        return render_page(
            respondent, number, values=raw, comment=comment, errors=errors, status=422
        )
    if request.form.get("go") == "back" and number > 1:
        return redirect(url_for("respond.page", number=number - 1))
    if number < len(pages) and request.form.get("go") != "review":
        return redirect(url_for("respond.page", number=number + 1))
    return redirect(url_for("respond.review"))


@bp.route("/respond/answer", methods=["POST"])
def autosave() -> tuple[Response, int]:
    """Save one answer or comment as it is given (JSON from the page script)."""
    respondent = current_respondent()
    if respondent is None:
        return jsonify({"saved": False, "error": _("Your session has expired.")}), 401
    data = request.get_json(silent=True) or {}
    value = str(data.get("value", ""))[:20000]
    try:
        if data.get("comment"):
            lang = respondent.language or respondent.assessment.language
            svc.save_comment(current_session(), respondent.id, str(data["comment"]), value, lang)
        else:
            svc.save_answer(current_session(), respondent.id, str(data.get("question", "")), value)
    except Invalid as exc:
        # A validation error, not a lost connection: the page shows it next to the field.
        body = {"saved": False, "invalid": True, "error": localize(exc), "code": exc.code}
        return jsonify({**body, "field": exc.field}), 422
    except Conflict as exc:
        return jsonify({"saved": False, "error": localize(exc), "code": exc.code}), 409
    return jsonify({"saved": True}), 200


@bp.route("/respond/review")
def review() -> str | Response:
    """Every page with what is still unanswered; the submit button."""
    respondent = _require()
    if respondent.submitted_at:
        return redirect(url_for("respond.thanks"))
    q, pages = _pages(respondent)
    answers = svc.saved_answers(current_session(), respondent.id)
    open_questions = {
        p.number: [qq for qq in p.questions if qq.scored and qq.id not in answers] for p in pages
    }
    return render_template(
        "web/respond/review.html",
        respondent=respondent,
        q=q,
        pages=pages,
        open_questions=open_questions,
        total=len(pages),
        is_open=respondent.assessment.status is AssessmentStatus.OPEN,
    )


@bp.route("/respond/submit", methods=["POST"])
def submit() -> Response:
    """Submit once; repeats and concurrent posts land on the same thank-you page."""
    respondent = current_respondent(restore_from_form=True) or _require()
    if respondent.submitted_at is None:
        svc.submit(current_session(), respondent.id)
    return redirect(url_for("respond.thanks"))


@bp.route("/respond/thanks")
def thanks() -> str | Response:
    """Thank-you page (what the link shows from now on)."""
    respondent = _require()
    if respondent.submitted_at is None:
        return redirect(url_for("respond.intro"))
    if respondent.assessment.is_self_assessment and session.get("_user_id"):
        return redirect(url_for("results.show", assessment_id=respondent.assessment_id))
    return render_template("web/respond/thanks.html", respondent=respondent)


def recover_from_csrf_error() -> tuple[str, int] | None:
    """On an expired form token, show the page again with everything the respondent typed."""
    if request.endpoint != "respond.page" or request.method != "POST":
        return None
    respondent = current_respondent(restore_from_form=True)
    if respondent is None:
        return None
    number = (request.view_args or {}).get("number", 1)
    _q, pages = _pages(respondent)
    if not 1 <= number <= len(pages) or respondent.submitted_at:
        return None
    raw, comment = _form_values(pages[number - 1])
    return render_page(
        respondent,
        number,
        values=raw,
        comment=comment,
        status=400,
        notice=_(
            "Your session had expired, so this page was not saved yet. Everything you "
            "typed is still here: press Save to keep it."
        ),
    )
