"""Action plans, the re-assessment rhythm and the plan reminders' e-mail.

The e-mail is written by the worker or the command line in the language of the round that
committed the item, from these codes (see :mod:`assessment.messages.reminders`).
"""

from __future__ import annotations

from assessment.messages.base import N_, define

define(
    {
        "plan.not_found": N_("plan item not found"),
        "plan.title_required": N_("say what is to be done"),
        "plan.too_long": N_("use at most %(max)s characters"),
        "plan.phase": N_("choose one of the phases"),
        "plan.element": N_("choose an element of this assessment's questionnaire"),
        "plan.status": N_("choose one of the statuses"),
        "plan.drop_reason": N_("say why the item is dropped"),
        "plan.owner": N_("choose a member of this workspace"),
        "plan.owner_name": N_("add the name of the person this address belongs to"),
        "plan.kpi": N_("choose a KPI question of this assessment's questionnaire"),
        "plan.note_required": N_("write the note first"),
        "plan.number": N_("enter a number, such as 12 or 12.5"),
        "plan.no_results": N_("the plan is made from the results: wait for the first answers"),
        "plan.recommendation": N_("this recommendation is not among the assessment's results"),
        "plan.share_results": N_(
            "Share the results with the front line and agree the next steps together"
        ),
        "rhythm.cadence": N_("choose quarterly, half-yearly or yearly"),
        "rhythm.nothing_closed": N_(
            "the next round follows a closed assessment, and this client has none yet"
        ),
        "rhythm.in_progress": N_("the next round has started already: %(title)s"),
        "plan_reminder.subject_soon": N_("Due on %(date)s: %(title)s"),
        "plan_reminder.subject_overdue": N_("Past its due date (%(date)s): %(title)s"),
        "plan_reminder.soon": N_(
            "A short reminder about an action you own in the %(client)s action plan: "
            "“%(title)s” is due on %(date)s."
        ),
        "plan_reminder.overdue": N_(
            "An action you own in the %(client)s action plan was due on %(date)s: "
            "“%(title)s”. If it is done, or the date has moved, please say so, so that the "
            "plan stays current."
        ),
        "plan_reminder.link": N_("The whole plan: %(link)s"),
        "plan_reminder.closing": N_("Thank you!"),
    }
)
