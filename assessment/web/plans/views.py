"""Plan pages: a client's plan, its items, the calendar export, the rhythm and the next round.

Any member reads the plan and its calendar; owners and consultants change it.  Views
translate HTTP only: the services decide and record (:mod:`assessment.services.plans`,
:mod:`assessment.services.rhythm`).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import SelectChoice

from assessment.core import plans as core
from assessment.core.model import Questionnaire
from assessment.db.models import PlanItem
from assessment.extensions import current_session
from assessment.io.ics import MIMETYPE, CalendarEntry, calendar
from assessment.messages import Message
from assessment.services import accounts
from assessment.services import assessments as assessment_svc
from assessment.services import clients as client_svc
from assessment.services import plans as svc
from assessment.services import rhythm as rhythm_svc
from assessment.services.errors import Invalid
from assessment.services.facts import kpi_questions
from assessment.web.i18n import select_locale, shown_questionnaire
from assessment.web.messages import localize
from assessment.web.plans import bp
from assessment.web.plans.forms import (
    PERSON,
    ItemForm,
    NextRoundForm,
    NoteForm,
    RecommendationForm,
    RhythmForm,
    owner_choices,
)
from assessment.web.plans.page import (
    cadence_labels,
    item_view,
    phase_labels,
    plan_page,
    rounds_of,
    status_labels,
    today,
)
from assessment.web.tenancy import actor


def _plan_url(client_id: int, item_id: int | None = None) -> str:
    anchor = f"#item-{item_id}" if item_id else ""
    return url_for("plans.show", client_id=client_id) + anchor


@bp.route("/clients/<int:client_id>/plan")
@login_required
def show(client_id: int) -> str:
    """The client's action plan across its assessments, by phase, owner or status."""
    session = current_session()
    client = client_svc.get_client(session, client_id)
    page = plan_page(session, client, select_locale(), request.args.get("by", ""), today())
    rhythm_form = RhythmForm(formdata=None)
    rhythm_form.cadence.choices = _cadence_choices()
    if page.rhythm is not None:
        rhythm_form.cadence.data = str(page.rhythm.months or "")
        rhythm_form.reminders.data = page.rhythm.reminders
    round_form = NextRoundForm(
        formdata=None, title=f"{client.name} · {format_date(today(), 'MMMM yyyy')}"[:200]
    )
    return render_template(
        "web/plans/plan.html",
        page=page,
        rhythm_form=rhythm_form,
        round_form=round_form,
        cadences=cadence_labels(),
    )


def _cadence_choices() -> list[SelectChoice]:
    return [SelectChoice("", _("No fixed rhythm"))] + [
        SelectChoice(str(m), label) for m, label in cadence_labels().items()
    ]


@bp.route("/clients/<int:client_id>/plan.ics")
@login_required
def calendar_file(client_id: int) -> Response:
    """The open items' due dates as an iCalendar file (one all-day event per item)."""
    session = current_session()
    client = client_svc.get_client(session, client_id)
    rows = svc.client_rows(session, client.id, notes=False)
    everything = [svc.to_core(r, notes=False) for r in rows]
    root = _roots(everything)
    rounds = rounds_of(session, client.id, select_locale())
    stamps = {r.id: r.updated_at for r in rows}
    host = request.host.split(":")[0] or "saleshealth"
    plan = url_for("plans.show", client_id=client.id, _external=True)
    entries = []
    for item in core.live(everything):
        if item.due is None or not item.is_open:
            continue
        view = item_view(item, rounds, today())
        details = [
            line
            for line in (
                _("Owner: %(owner)s", owner=view.owner) if view.owner else "",
                _("Element: %(element)s", element=view.element) if view.element else "",
                _("Status: %(status)s", status=view.status_label),
                _("From: %(assessment)s", assessment=view.round_title),
            )
            if line
        ]
        entries.append(
            CalendarEntry(
                uid=f"plan-item-{root[item.id]}@{host}",
                day=item.due,
                summary=item.title,
                description="\n".join(details),
                url=plan,
                modified=stamps.get(item.id),
            )
        )
    data = calendar(
        entries, _("Action plan: %(client)s", client=client.name), dt.datetime.now(dt.UTC)
    )
    name = re.sub(r"[^A-Za-z0-9]+", "-", client.name).strip("-").lower() or "client"
    return Response(
        data,
        mimetype=MIMETYPE,
        headers={
            "Content-Disposition": f'attachment; filename="plan-{name}.ics"',
            "Cache-Control": "private, no-store",
        },
    )


def _roots(items: list[core.PlanItem]) -> dict[int, int]:
    """Each item's first version: a carried copy keeps its calendar event's UID."""
    by_id = {i.id: i for i in items}
    out = {}
    for item in items:
        current, seen = item, {item.id}
        while current.carried_from in by_id and current.carried_from not in seen:
            current = by_id[current.carried_from]
            seen.add(current.id)
        out[item.id] = current.id
    return out


@bp.route("/clients/<int:client_id>/rhythm", methods=["POST"])
@login_required
def save_rhythm(client_id: int) -> WerkzeugResponse:
    """Set the re-assessment cadence and the plan reminders."""
    actor().require_editor()
    client_svc.get_client(current_session(), client_id)
    form = RhythmForm()
    form.cadence.choices = _cadence_choices()
    if not form.validate_on_submit():
        raise Invalid("form.expired")
    months = int(form.cadence.data) if form.cadence.data else None
    rhythm_svc.set_rhythm(current_session(), actor(), client_id, months, bool(form.reminders.data))
    flash(_("Rhythm saved."), "success")
    return redirect(_plan_url(client_id) + "#rhythm")


@bp.route("/clients/<int:client_id>/next-round", methods=["POST"])
@login_required
def next_round(client_id: int) -> WerkzeugResponse:
    """Create the next round's draft with the respondents and the unfinished plan."""
    actor().require_editor()
    client_svc.get_client(current_session(), client_id)
    form = NextRoundForm()
    if not form.validate_on_submit():
        raise Invalid("form.expired")
    started = rhythm_svc.start_next_round(
        current_session(), actor(), client_id, form.title.data or ""
    )
    flash(
        _(
            "The next round is ready as a draft, with %(people)d respondents and the unfinished "
            "plan carried over. Check it, then open it for answers.",
            people=len(started.issued),
        ),
        "success",
    )
    return redirect(url_for("assessments.show", assessment_id=started.assessment.id))


@bp.route("/assessments/<int:assessment_id>/plan/roadmap", methods=["POST"])
@login_required
def from_roadmap(assessment_id: int) -> WerkzeugResponse:
    """Make the plan from the assessment's 30/60/90-day roadmap (one click)."""
    actor().require_editor()
    assessment = assessment_svc.get_assessment(current_session(), assessment_id)
    if not FlaskForm().validate_on_submit():
        raise Invalid("form.expired")
    report = svc.seed_from_roadmap(current_session(), actor(), assessment.id, today())
    if report.added:
        flash(
            _(
                "%(num)d roadmap items added to the plan, due at day 30, 60 and 90. Name their "
                "owners and check the dates.",
                num=len(report.added),
            ),
            "success",
        )
    else:
        flash(_("Everything on the roadmap is in the plan already."), "info")
    return redirect(_plan_url(assessment.client_id))


@bp.route("/assessments/<int:assessment_id>/plan/recommendation", methods=["POST"])
@login_required
def add_recommendation(assessment_id: int) -> WerkzeugResponse:
    """Add one recommendation of the results to the plan."""
    actor().require_editor()
    assessment = assessment_svc.get_assessment(current_session(), assessment_id)
    form = RecommendationForm()
    form.recommendation.choices = [SelectChoice(form.recommendation.data or "", "")]
    if not form.validate_on_submit():
        raise Invalid("form.expired")
    report = svc.add_recommendation(
        current_session(), actor(), assessment.id, form.recommendation.data or "", today()
    )
    added = report.added[0].id if report.added else None
    flash(_("Added to the plan.") if added else _("It is in the plan already."), "success")
    return redirect(_plan_url(assessment.client_id, added))


def _fill_choices(form: ItemForm, q: Questionnaire) -> None:
    form.element.choices = [SelectChoice("", _("None"))] + [
        SelectChoice(el.id, el.title) for el in q.elements
    ]
    form.phase.choices = [SelectChoice(p, label) for p, label in phase_labels().items()]
    members = accounts.list_members(current_session(), actor().workspace_id)
    form.owner.choices = owner_choices([(u.id, u.name) for u, _m in members])
    form.status.choices = [SelectChoice(s, label) for s, label in status_labels().items()]
    form.kpi_question.choices = [SelectChoice("", _("Practice score of the element"))] + [
        SelectChoice(question.id, question.text) for question in kpi_questions(q)
    ]


def _number(form: ItemForm, name: str) -> float | None:
    field = getattr(form, name)
    text = (field.data or "").strip().replace(",", ".").replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        field.errors = [localize(Message("plan.number"))]
        raise _FormProblem from None


class _FormProblem(Exception):
    """A field could not be read (its error is set on the form)."""


def _data(form: ItemForm) -> svc.ItemData:
    owner = form.owner.data or ""
    user_id = int(owner.split(":", 1)[1]) if owner.startswith("user:") else None
    person = owner == PERSON or (not owner and bool((form.owner_name.data or "").strip()))
    return svc.ItemData(
        title=(form.title.data or "").replace("\r\n", " ").replace("\n", " "),
        phase=int(form.phase.data or 0),
        element=form.element.data or "",
        owner_user_id=user_id,
        owner_name=(form.owner_name.data or "") if person else "",
        owner_email=(form.owner_email.data or "") if person else "",
        due=form.due.data,
        status=form.status.data or core.Status.PLANNED.value,
        drop_reason=form.drop_reason.data or "",
        kpi_question=form.kpi_question.data or "",
        baseline=_number(form, "baseline"),
        target=_number(form, "target"),
    )


def _save(form: ItemForm, save: Any) -> PlanItem | None:
    """Validate and save; None (errors set on the form) when refused."""
    if not form.validate_on_submit():
        return None
    try:
        data = _data(form)
    except _FormProblem:
        return None
    try:
        found: PlanItem = save(data)
    except Invalid as exc:
        field = {"owner_user_id": "owner"}.get(exc.field or "", exc.field or "title")
        getattr(form, field, form.title).errors = [localize(exc)]
        return None
    return found


def _number_text(value: float | None) -> str:
    """A stored measure for the form: at most two decimals (a practice score of 32.6726
    reads 32.67)."""
    return "" if value is None else f"{round(value, 2):g}"


@bp.route("/assessments/<int:assessment_id>/plan/new", methods=["GET", "POST"])
@login_required
def new_item(assessment_id: int) -> str | WerkzeugResponse:
    """Write an item of one's own into the plan of this assessment's client."""
    actor().require_editor()
    session = current_session()
    assessment = assessment_svc.get_assessment(session, assessment_id)
    q = shown_questionnaire(assessment)
    form = ItemForm()
    _fill_choices(form, q)
    if not form.is_submitted():
        form.phase.data = 0
        form.status.data = core.Status.PLANNED.value
    row = _save(form, lambda data: svc.add_item(session, actor(), assessment.id, data))
    if row is not None:
        flash(_("Added to the plan."), "success")
        return redirect(_plan_url(assessment.client_id, row.id))
    return render_template(
        "web/plans/item.html",
        form=form,
        item=None,
        note_form=None,
        client_id=assessment.client_id,
        client_name=assessment.client.name,
        round_title=assessment.title,
    )


@bp.route("/plan/items/<int:item_id>", methods=["GET", "POST"])
@login_required
def edit_item(item_id: int) -> str | WerkzeugResponse:
    """An item: change owner, date, status and measure; its notes."""
    actor().require_editor()
    session = current_session()
    row = svc.get_item(session, item_id)
    assessment = assessment_svc.get_assessment(session, row.assessment_id)
    q = shown_questionnaire(assessment)
    form = ItemForm()
    _fill_choices(form, q)
    if not form.is_submitted():
        form.title.data = row.title
        form.element.data = row.element_id
        form.phase.data = row.phase
        form.owner.data = (
            f"user:{row.owner_user_id}"
            if row.owner_user_id is not None
            else (PERSON if row.owner_name else "")
        )
        form.owner_name.data = row.owner_name
        form.owner_email.data = row.owner_email
        form.due.data = row.due_date
        form.status.data = row.status
        form.drop_reason.data = row.drop_reason
        form.kpi_question.data = row.kpi_question
        form.baseline.data = _number_text(row.baseline)
        form.target.data = _number_text(row.target)
    saved = _save(form, lambda data: svc.update_item(session, actor(), row.id, data))
    if saved is not None:
        flash(_("Plan item saved."), "success")
        return redirect(_plan_url(saved.client_id, saved.id))
    rounds = rounds_of(session, row.client_id, select_locale())
    return render_template(
        "web/plans/item.html",
        form=form,
        item=item_view(svc.to_core(row), rounds, today(), svc.owner_email(row)),
        note_form=NoteForm(formdata=None),
        client_id=row.client_id,
        client_name=assessment.client.name,
        round_title=assessment.title,
    )


@bp.route("/plan/items/<int:item_id>/notes", methods=["POST"])
@login_required
def add_note(item_id: int) -> WerkzeugResponse:
    """Add a dated note."""
    actor().require_editor()
    row = svc.get_item(current_session(), item_id)
    form = NoteForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            raise Invalid("form.expired")
        raise Invalid("plan.note_required", field="text")
    svc.add_note(current_session(), actor(), row.id, form.text.data or "")
    flash(_("Note added."), "success")
    return redirect(url_for("plans.edit_item", item_id=row.id) + "#notes")


@bp.route("/plan/items/<int:item_id>/delete", methods=["POST"])
@login_required
def delete_item(item_id: int) -> WerkzeugResponse:
    """Remove an item from the plan."""
    actor().require_editor()
    row = svc.get_item(current_session(), item_id)
    client_id = row.client_id
    if not FlaskForm().validate_on_submit():
        raise Invalid("form.expired")
    svc.delete_item(current_session(), actor(), row.id)
    flash(_("Removed from the plan."), "success")
    return redirect(_plan_url(client_id))
