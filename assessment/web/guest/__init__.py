"""Client guest access: a read-only session on one client's closed results and reports.

A guest arrives through a share link (``/s/<token>``) and its password.  From then on the
browser session holds only the guest marker, and :func:`init_app` installs a fence: every
endpoint outside this blueprint answers 404 to it, so a route added later is closed to
guests until it is written for them here.  Why a link and not a guest account, and what a
guest reads: docs/privacy.md, "Client guest access".
"""

from __future__ import annotations

from flask import Blueprint, Flask, abort, request, session

bp = Blueprint("guest", __name__)

GUEST = "guest"
"""The session key of a guest session: the link id and when the password was given."""


def in_guest_session() -> bool:
    """Whether this browser session is a guest's."""
    return GUEST in session


def _fence() -> None:
    """A guest session reaches this blueprint (and static files) only: 404 elsewhere."""
    if not in_guest_session():
        return
    endpoint = request.endpoint or ""
    if endpoint == "static" or endpoint.startswith("guest."):
        return
    abort(404)


def init_app(app: Flask) -> None:
    """Install the guest fence and tell templates whether a guest is browsing."""
    app.before_request(_fence)

    @app.context_processor
    def _guest_flag() -> dict[str, object]:
        return {"guest_session": in_guest_session()}


from assessment.web.guest import views  # noqa: E402,F401
