"""Automatic reminders: the schedule's form errors and the reminder e-mail.

The e-mail is written in the respondent's language by the worker or the command line, which
have no request and no Flask-Babel: its parts are codes rendered with the compiled catalogue
(:func:`assessment.catalogues.translations_for`).  Greeting and body are separate texts so
each language keeps its own letter conventions (a Polish body goes on in lower case after
"Dzień dobry,", a Russian greeting ends with "!").
"""

from __future__ import annotations

from assessment.messages.base import N_, define

define(
    {
        "reminders.after_days": N_("enter a number of days from 1 to %(num)s"),
        "reminders.max_count": N_("enter a number of reminders from 0 to %(num)s"),
        "reminder.subject": N_("Reminder: %(title)s"),
        "reminder.greeting_named": N_("Hello %(name)s,"),
        "reminder.greeting": N_("Hello,"),
        "reminder.not_started": N_(
            "This is a short reminder about the assessment of our sales organization "
            "(%(title)s): we have not received your answers yet. Your view counts, and your "
            "individual answers are confidential."
        ),
        "reminder.in_progress": N_(
            "Thank you for starting the assessment of our sales organization (%(title)s). "
            "Your answers so far are saved, and your link takes you back to where you left "
            "off so you can finish."
        ),
        "reminder.link": N_("Your personal link: %(link)s"),
        "reminder.closing": N_("This link is yours alone, so please do not forward it. Thank you!"),
    }
)
