"""The invitation and reminder e-mail, written in the current locale."""

from __future__ import annotations

from flask_babel import gettext as _

from assessment.services.mailer import Mail
from assessment.services.respondents import IssuedLink


def invitation_mail(title: str, link: IssuedLink, base_url: str) -> Mail:
    """The e-mail that carries a respondent's personal link (invitation or reminder)."""
    return Mail(
        to=link.respondent.email,
        subject=_("Your input: %(title)s", title=title),
        body=_(
            "Hello %(name)s,\n\nyou are invited to a short assessment of our sales "
            "organization (%(title)s). Your individual answers are confidential.\n\n"
            "Your personal link: %(link)s\n\nThank you!",
            name=link.respondent.name or "",
            title=title,
            link=f"{base_url}/r/{link.token}",
        ),
    )
