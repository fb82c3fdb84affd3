"""Human labels for the audit trail's event codes, in the reader's language.

The codes (:data:`assessment.services.audit.EVENTS`) stay stable: they are stored, filtered
on and exported as they are.  The audit page shows these labels instead, with the code
beside them for support staff.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l

# One label per code in audit.EVENTS, saying what happened (tests/web/test_audit_trail.py
# checks that none is missing).  Lazy: translated when shown, in the reader's language.
EVENT_LABELS: Mapping[str, object] = {
    "auth.sign_in": _l("Signed in"),
    "auth.sign_in_failed": _l("Sign-in failed"),
    "auth.mfa_failed": _l("Two-factor code rejected"),
    "mfa.enrolled": _l("Two-factor sign-in turned on"),
    "mfa.disabled": _l("Two-factor sign-in turned off"),
    "mfa.reset": _l("Member's two-factor sign-in reset"),
    "mfa.recovery_used": _l("Recovery code used"),
    "member.added": _l("Member added"),
    "member.removed": _l("Member removed"),
    "member.role_changed": _l("Member's role changed"),
    "member.invited": _l("Member invited"),
    "member.invitation_revoked": _l("Invitation withdrawn"),
    "member.joined": _l("Invitation accepted"),
    "settings.branding": _l("Branding changed"),
    "settings.require_mfa": _l("Two-factor requirement changed"),
    "settings.retention": _l("Retention periods changed"),
    "export.identified": _l("Identified data exported"),
    "report.downloaded": _l("Report downloaded"),
    "assessment.status": _l("Assessment status changed"),
    "api_token.created": _l("API token created"),
    "api_token.used": _l("API token used"),
    "api_token.revoked": _l("API token revoked"),
    "share_link.created": _l("Share link created"),
    "share_link.used": _l("Share link opened"),
    "share_link.failed": _l("Share link: wrong password"),
    "share_link.revoked": _l("Share link revoked"),
    "audit.exported": _l("Audit trail exported"),
    "client.delete": _l("Client deleted"),
    "assessment.delete": _l("Assessment deleted"),
    "assessment.anonymize": _l("Assessment anonymized"),
    "respondent.erase": _l("Respondent's data erased"),
    "retention.applied": _l("Old data removed under the retention periods"),
    "reminders.sent": _l("Reminders sent to respondents"),
    "plan.item_added": _l("Plan item added"),
    "plan.item_changed": _l("Plan item changed"),
    "plan.item_deleted": _l("Plan item deleted"),
    "plan.note_added": _l("Note added to a plan item"),
    "plan.seeded": _l("Plan made from the roadmap"),
    "plan.carried": _l("Unfinished plan items carried over"),
    "plan.reminders_sent": _l("Reminders sent to plan item owners"),
    "client.rhythm": _l("Re-assessment rhythm changed"),
}


def event_label(code: str) -> str:
    """The label of an event code in the current language; an unknown code (an old entry's
    event no longer recorded) reads as itself."""
    label = EVENT_LABELS.get(code)
    return code if label is None else str(label)
