"""Codes the services raise: what a user tried to do and why it was refused.

The texts start in lower case: forms show them under a field, and the command line after a
file name.  Codes of ``NotFound`` name the object; the web and the API answer those with
one deliberately vague page (an object of another workspace must look the same).
"""

from __future__ import annotations

from assessment.messages.base import N_, Nn_, define

define(
    {
        # Objects that are not there (or belong to another workspace).
        "assessment.not_found": N_("assessment not found"),
        "client.not_found": N_("client not found"),
        "member.not_found": N_("member not found"),
        "questionnaire.not_found": N_("questionnaire version not found"),
        "report.not_found": N_("report not found"),
        "respondent.not_found": N_("respondent not found"),
        "token.not_found": N_("API token not found"),
        "trend_mapping.not_found": N_("version mapping not found"),
        "workspace.not_found": N_("workspace not found"),
        # Roles.
        "permission.read_only": N_("viewers have read-only access"),
        "permission.owner_only": N_("only the workspace owner can do this"),
        # Shared form rules.
        "form.expired": N_("The form expired. Please try again."),
        "form.min_chars": Nn_("use at least %(num)s character", "use at least %(num)s characters"),
        "form.max_chars": Nn_("use at most %(num)s character", "use at most %(num)s characters"),
        "form.language": N_("language must be one of %(languages)s"),
        "form.questionnaire": N_("choose a questionnaire"),
        "form.detail": N_("%(detail)s"),
        # Accounts and members.
        "setup.done": N_("set-up is already done; sign in instead"),
        "member.email_taken": N_("a user with this e-mail already exists"),
        "member.remove_self": N_("you cannot remove yourself"),
        "member.already_member": N_("this person is already a member of this workspace"),
        "member.last_owner": N_("the workspace needs an owner: make another member an owner first"),
        "member.role_choice": N_("choose one of the roles offered"),
        "invitation.not_found": N_("invitation not found"),
        "invitation.name_required": N_("enter your name"),
        "invitation.sign_in": N_(
            "this e-mail address already has an account; sign in to accept the invitation"
        ),
        "invitation.other_account": N_(
            "this invitation is for %(email)s; sign in with that address to accept it"
        ),
        "password.wrong": N_("the current password is wrong"),
        # Two-factor sign-in.
        "mfa.unreadable": N_("the second factor cannot be read; ask an owner to reset it"),
        "mfa.already_on": N_("two-factor sign-in is already on"),
        "mfa.wrong_code_next": N_("the code is wrong or has expired; try the next one"),
        "mfa.wrong_code": N_("the code is wrong or has expired"),
        "mfa.own_account": N_("use your own account page to change your second factor"),
        "mfa.owner_first": N_("turn on your own two-factor sign-in first"),
        "mfa.reset_shared": N_(
            "this member also belongs to another workspace, which their second factor "
            "protects too; they turn it off themselves with a recovery code"
        ),
        # Share links (client guest access).
        "share_link.not_found": N_("share link not found"),
        "share.days": N_("a link is valid for 1 to %(max)s days"),
        # API tokens.
        "token.name_required": N_("give the token a name, e.g. the tool that will use it"),
        "token.too_many": Nn_(
            "a workspace can have at most %(num)s active token; revoke one you no longer use",
            "a workspace can have at most %(num)s active tokens; revoke one you no longer use",
        ),
        "token.malformed": N_("malformed token"),
        "token.unknown": N_("unknown token"),
        "token.revoked": N_("revoked token"),
        "token.form_used": N_("that form was already used; no second token was created"),
        "form.stale": N_("the form is not valid; reload the page"),
        # Clients.
        "client.name_required": N_("a name is required"),
        "client.size_band": N_("size band must be one of %(bands)s"),
        "client.sales_motion": N_("sales motion must be field, inside or hybrid"),
        # Assessments and their settings.
        "assessment.title_required": N_("a title is required"),
        "assessment.group_size": N_("minimum group size must be between %(min)s and %(max)s"),
        "assessment.per_phase": N_(
            "initiatives per roadmap phase must be between %(min)s and %(max)s"
        ),
        "assessment.unknown_status": N_("unknown status '%(status)s'"),
        "assessment.transition": N_("cannot go from %(current)s to %(new)s"),
        "status.draft": N_("draft"),
        "status.open": N_("open"),
        "status.closed": N_("closed"),
        "overrides.unknown_settings": Nn_(
            "%(element)s: unknown setting %(settings)s",
            "%(element)s: unknown settings %(settings)s",
        ),
        "overrides.weight": N_("%(element)s: weight must be between 0 and %(max)s"),
        "overrides.target": N_("%(element)s: target must be between 0 and 100"),
        "overrides.no_weight": N_("at least one element needs a weight above 0"),
        "overrides.line": N_("line %(line)s: expected 'element: weight=N target=N'"),
        "overrides.item": N_("line %(line)s: '%(item)s' is not key=number"),
        # Respondents and their links.
        "respondent.role": N_("role must be one of %(roles)s"),
        "respondent.too_long": N_("name, team, region or segment is too long"),
        "respondent.role_fixed": N_("the role cannot change after the respondent has answered"),
        "respondent.answered": N_("this respondent has answered and cannot be deleted"),
        "respondents.too_many": Nn_(
            "at most %(num)s respondent at once", "at most %(num)s respondents at once"
        ),
        "people.columns": N_("expected name, email, role[, team, region, segment]"),
        "people.role": N_("unknown role '%(role)s' (use one of %(roles)s)"),
        "people.none": N_(
            "no respondents found; one per line: name, email, role, team, region, segment"
        ),
        # Answering.
        "answers.submitted": N_("your answers have already been submitted"),
        "assessment.not_open": N_("this assessment is not open for answers"),
        "answer.unknown_question": N_("unknown question"),
        "comment.unknown_element": N_("unknown element"),
        "comment.too_long": Nn_(
            "comments are limited to %(num)s character",
            "comments are limited to %(num)s characters",
        ),
        # Follow-ups and trends.
        "followup.not_closed": N_("only a closed assessment can be followed up"),
        "followup.exists": N_("this assessment already has a follow-up: %(title)s"),
        "followup.roles": N_(
            "these respondents' roles do not exist in the chosen questionnaire: %(roles)s"
        ),
        "trend_mapping.no_version": N_(
            "%(file)s: %(side)s: no questionnaire %(qid)s %(version)s is available here"
        ),
        "trend_mapping.ambiguous": Nn_(
            "%(file)s: %(side)s: %(qid)s %(version)s is ambiguous (%(num)s published version)",
            "%(file)s: %(side)s: %(qid)s %(version)s is ambiguous (%(num)s published versions)",
        ),
        # Questionnaires.
        "questionnaire.standard_id": N_(
            "'%(id)s' is the id of a standard questionnaire; give your questionnaire its own id "
            "(for example %(id)s-custom)"
        ),
        "questionnaire.version_exists": N_(
            "version %(version)s of %(id)s already exists with different content: "
            "choose a new version number"
        ),
        # Deleting, erasing and keeping data (docs/privacy.md).
        "erase.confirm_client": N_("type the client's name to confirm"),
        "erase.confirm_assessment": N_("type the assessment's title to confirm"),
        "erase.confirm_erasure": N_("tick the box to confirm the erasure"),
        "erase.confirm_box": N_("tick the box to confirm"),
        "erase.close_first": N_("close the assessment before anonymizing it"),
        "retention.period": N_("a period must be between 1 and %(num)s days"),
        # Reports.
        "report.language": N_("no report language '%(language)s'"),
        "report.edition": N_("no report edition '%(edition)s'"),
        "report.too_many_in_flight": Nn_(
            "you already have %(num)s report being prepared; wait until it is ready",
            "you already have %(num)s reports being prepared; wait until one is ready",
        ),
        # Data exchange.
        "export.shape": N_("shape must be one of %(shapes)s"),
        "export.format": N_("format must be one of %(formats)s"),
        "export.identified_results": N_(
            "results hold no personal data; an identified export applies to responses"
        ),
        "import.rejected": Nn_(
            "%(file)s: %(num)s problem; nothing was imported",
            "%(file)s: %(num)s problems; nothing was imported",
        ),
        "import.too_large": N_("the file is %(size)s bytes; the limit is %(mb)s MB"),
        "import.mapping_wide_only": N_("a column-mapping file applies to wide files only"),
        "import.closed": N_("this assessment is closed; reopen it to import answers"),
        "import.codes_taken": N_(
            "respondent code(s) already in this assessment: %(codes)s; rename them in the file "
            "(codes must be unique per assessment)"
        ),
        # CRM evidence.
        "crm.stage_line": N_(
            "line %(line)s: write 'stage: percent' with a percent from 0 to 100 (got '%(text)s')"
        ),
        "crm.quota_amount": N_("the quota must be an amount such as 1200000"),
        "crm.quota_positive": N_("the quota must be above 0"),
        "crm.invalid_file": N_("invalid file"),
        # The JSON API's query parameters (pydantic's error types).
        "query.greater_than_equal": N_("must be at least %(ge)s"),
        "query.less_than_equal": N_("must be at most %(le)s"),
        "query.int_parsing": N_("must be a whole number"),
        "query.bool_parsing": N_("must be true or false"),
        "query.literal_error": N_("must be one of %(expected)s"),
    }
)
