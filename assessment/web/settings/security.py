"""Settings → security: the audit trail (view, filter, CSV export) and two-factor rules.

All of it is for owners only.  The audit trail is read-only here: there is no route that
changes or deletes an entry.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import BooleanField, DateField, SelectChoice, SelectField, SubmitField
from wtforms.validators import Optional

from assessment.db.models import Workspace
from assessment.db.tenancy import unscoped
from assessment.extensions import current_session
from assessment.io.safe_cells import safe_row
from assessment.services import accounts, audit, mfa
from assessment.services.audit import EntryFilter, EntryView
from assessment.services.errors import Invalid
from assessment.web.settings import bp
from assessment.web.settings.audit_labels import event_label
from assessment.web.tenancy import actor, client_ip

PER_PAGE = 50
CSV_COLUMNS = ("time_utc", "user", "user_id", "event", "target", "details", "ip")


class AuditFilterForm(FlaskForm):
    """Filter the audit trail (a GET form: nothing changes, no CSRF token needed)."""

    class Meta:
        csrf = False

    event = SelectField(_l("Event"), validators=[Optional()])
    user = SelectField(_l("Member"), validators=[Optional()])
    since = DateField(_l("From date"), validators=[Optional()])
    until = DateField(_l("To date"), validators=[Optional()])
    submit = SubmitField(_l("Filter"))


@dataclass(frozen=True)
class AuditPage:
    """Everything the audit page shows, as plain data; ``labels`` names each shown event
    code in the reader's language."""

    entries: list[EntryView]
    labels: dict[str, str]
    total: int
    page: int
    pages: int
    query: dict[str, str]


def _filter_form() -> AuditFilterForm:
    form = AuditFilterForm(request.args)
    form.event.choices = [SelectChoice("", _("All events"))] + [
        SelectChoice(e, event_label(e)) for e in audit.EVENTS
    ]
    members = accounts.list_members(current_session(), actor().workspace_id)
    form.user.choices = [SelectChoice("", _("All members"))] + [
        SelectChoice(str(user.id), f"{user.name} <{user.email}>") for user, _m in members
    ]
    return form


def _entry_filter(form: AuditFilterForm) -> EntryFilter:
    if not form.validate():
        return EntryFilter()
    user = form.user.data or ""
    since = form.since.data
    until = form.until.data
    return EntryFilter(
        event=form.event.data or "",
        actor_id=int(user) if user.isdigit() else None,
        since=datetime.combine(since, time.min, UTC) if since else None,
        until=datetime.combine(until, time.min, UTC) + timedelta(days=1) if until else None,
    )


def _query_args() -> dict[str, str]:
    return {k: v for k, v in request.args.items() if k in ("event", "user", "since", "until") and v}


@bp.route("/audit", endpoint="audit")
@login_required
def audit_page() -> str:
    """The workspace's audit trail, newest first, filtered and paginated (owners only)."""
    actor().require_owner()
    form = _filter_form()
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    entries, total = audit.list_entries(current_session(), _entry_filter(form), page, PER_PAGE)
    view = AuditPage(
        entries=entries,
        labels={e.event: event_label(e.event) for e in entries},
        total=total,
        page=page,
        pages=max((total + PER_PAGE - 1) // PER_PAGE, 1),
        query=_query_args(),
    )
    return render_template("web/settings/audit.html", form=form, view=view)


def _csv_row(entry: EntryView) -> list[str]:
    details = json.dumps(entry.details, ensure_ascii=False, sort_keys=True)
    return safe_row(
        [
            entry.created_at.astimezone(UTC).isoformat(timespec="seconds"),
            entry.actor_label,
            entry.actor_id,
            entry.event,
            entry.target,
            details,
            entry.ip,
        ]
    )


@bp.route("/audit.csv")
@login_required
def audit_export() -> Response:
    """The filtered audit trail as CSV; every cell is neutralised against formulas."""
    me = actor()
    me.require_owner()
    flt = _entry_filter(_filter_form())
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    count = 0
    for entry in audit.iter_entries(current_session(), flt):
        writer.writerow(_csv_row(entry))
        count += 1
    audit.record(
        current_session(),
        me.user_id,
        "audit.exported",
        f"workspace:{me.workspace_id}",
        {"rows": count, **_query_args()},
        client_ip(),
    )
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    return Response(
        out.getvalue().encode("utf-8-sig"),
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="audit-trail-{stamp}.csv"',
            "Cache-Control": "private, no-store",
        },
    )


class RequireMfaForm(FlaskForm):
    """Workspace rule: every member signs in with a second factor."""

    require_mfa = BooleanField(_l("Require two-factor sign-in for every member"))
    submit = SubmitField(_l("Save"))


@bp.route("/two-factor", methods=["GET", "POST"])
@login_required
def two_factor() -> str | Response:
    """Require two-factor sign-in for everyone (owners only)."""
    me = actor()
    me.require_owner()
    with unscoped(current_session()):
        workspace = current_session().get(Workspace, me.workspace_id)
    assert workspace is not None
    form = RequireMfaForm(data={"require_mfa": workspace.require_mfa})
    if form.validate_on_submit():
        try:
            mfa.set_required(
                current_session(), me, bool(request.form.get("require_mfa")), ip=client_ip()
            )
        except Invalid:
            form.require_mfa.errors = [_("Turn on your own two-factor sign-in first.")]
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("settings.two_factor"))
    return render_template("web/settings/two_factor.html", form=form)


@bp.route("/members/<int:user_id>/reset-two-factor", methods=["POST"])
@login_required
def reset_mfa(user_id: int) -> Response:
    """Turn a member's second factor off (lost phone); they are signed out. Audited."""
    me = actor()
    me.require_owner()
    if not FlaskForm().validate_on_submit():
        raise Invalid("form.expired")
    mfa.reset_member(current_session(), me, user_id, ip=client_ip())
    flash(
        _("Two-factor sign-in was reset; the member sets it up again at the next sign-in."),
        "success",
    )
    return redirect(url_for("settings.members"))
