"""Client pages."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from assessment.extensions import current_session
from assessment.services import clients as svc
from assessment.services.errors import Invalid
from assessment.services.listing import CLIENT_SORTS
from assessment.web.clients import bp
from assessment.web.clients.forms import ClientForm
from assessment.web.clients.page import client_page, clients_page
from assessment.web.messages import localize
from assessment.web.pagination import list_query
from assessment.web.tenancy import actor


def _data(form: ClientForm) -> svc.ClientData:
    return svc.ClientData(
        name=form.name.data or "",
        industry=form.industry.data or "",
        size_band=form.size_band.data or "",
        sales_motion=form.sales_motion.data or "",
        regions=form.regions.data or "",
        notes=form.notes.data or "",
    )


@bp.route("/")
@login_required
def index() -> str:
    """The workspace's clients, searched and sorted (by name unless asked), a page at a time."""
    page = clients_page(current_session(), list_query(CLIENT_SORTS))
    return render_template("web/clients/index.html", page=page)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new() -> str | Response:
    """Create a client."""
    actor().require_editor()
    form = ClientForm()
    if form.validate_on_submit():
        try:
            client = svc.create_client(current_session(), actor(), _data(form))
        except Invalid as exc:
            getattr(form, exc.field or "name").errors = [localize(exc)]
        else:
            flash(_("Client created."), "success")
            return redirect(url_for("clients.show", client_id=client.id))
    return render_template("web/clients/form.html", form=form, client=None)


@bp.route("/<int:client_id>")
@login_required
def show(client_id: int) -> str:
    """A client and its assessments."""
    client = svc.get_client(current_session(), client_id)
    return render_template("web/clients/show.html", page=client_page(current_session(), client))


@bp.route("/<int:client_id>/edit", methods=["GET", "POST"])
@login_required
def edit(client_id: int) -> str | Response:
    """Edit a client."""
    actor().require_editor()
    client = svc.get_client(current_session(), client_id)
    form = ClientForm(obj=client)
    if form.validate_on_submit():
        try:
            svc.update_client(current_session(), actor(), client_id, _data(form))
        except Invalid as exc:
            getattr(form, exc.field or "name").errors = [localize(exc)]
        else:
            flash(_("Client saved."), "success")
            return redirect(url_for("clients.show", client_id=client_id))
    return render_template("web/clients/form.html", form=form, client=client)
