"""Codes for answer values and answers files (the core's parser and the file readers).

Locations compose: ``Message("at", where=Message("where.row", row=3), problem=...)`` reads
"row 3: …", so each problem is written once and every reader can say where it was found.
Quoted values keep the quotes of the English text; translations use their own.
"""

from __future__ import annotations

from assessment.messages.base import N_, Nn_, define

define(
    {
        # Where a problem was found, and the glue between place and problem.
        "at": N_("%(where)s: %(problem)s"),
        "where.row": N_("row %(row)s"),
        "where.row_column": N_("row %(row)s, column '%(column)s'"),
        "where.row_value": N_("row %(row)s: value"),
        "where.line": N_("line %(line)s"),
        "where.joined_comment": N_(
            "row %(row)s: respondent '%(respondent)s', element '%(element)s' "
            "(its rows' comments joined)"
        ),
        # One answer value (assessment.core.answers).
        "answer.not_a_value": N_("expected a value, got %(value)s"),
        "answer.na_not_offered": N_("N/A is not offered for this question"),
        "answer.dk_not_offered": N_('"don\'t know" is not offered for this question'),
        "answer.empty": N_("empty value"),
        "answer.text_too_long": Nn_(
            "text longer than %(num)s character", "text longer than %(num)s characters"
        ),
        "answer.not_an_option": N_("'%(value)s' is not an option (options: %(options)s)"),
        "answer.ambiguous_number": N_(
            "'%(value)s' is ambiguous; write numbers without thousands separators"
        ),
        "answer.not_a_number": N_("'%(value)s' is not a number"),
        "answer.not_finite": N_("'%(value)s' is not a finite number"),
        "answer.out_of_range": N_("%(value)s is outside the allowed range %(min)s..%(max)s"),
        "answer.out_of_range_unit": N_(
            "%(value)s is outside the allowed range %(min)s..%(max)s %(unit)s"
        ),
        "answer.no_band": N_("%(value)s falls in no scoring band"),
        "answer.option_number": N_(
            "'%(value)s' maps to %(target)s, but the options are numbered 1..%(count)s"
        ),
        # Answers files (assessment.io): the file as a whole.
        "file.more_problems": Nn_("... and %(num)s more problem", "... and %(num)s more problems"),
        "file.cannot_read": N_("cannot read the file: %(reason)s"),
        "file.too_large_bytes": N_("file is %(size)s bytes; the limit is %(limit)s"),
        "file.too_large": N_(
            "the file is %(size)s bytes; the limit is %(limit)s bytes (%(mb)s MB)"
        ),
        "file.not_utf8": N_(
            "not valid UTF-8 (first bad byte at offset %(offset)s); save it as UTF-8"
        ),
        "file.empty": N_("the file is empty; expected a header row"),
        "file.malformed_csv": N_("malformed CSV: %(detail)s"),
        "file.no_answer_rows": N_("no answer rows after the header"),
        "file.no_respondent_rows": N_("no respondent rows after the header"),
        # The header row.
        "file.missing_columns": N_("missing column(s) %(columns)s"),
        "file.unknown_columns": N_(
            "unknown column(s) %(columns)s; expected %(required)s and optionally %(optional)s"
        ),
        "file.column_name_twice": N_("a column name appears twice"),
        "file.column_twice": N_("column '%(column)s' appears twice"),
        "file.mapped_columns_missing": N_(
            "the mapping names column(s) the file does not have: %(columns)s"
        ),
        "file.not_own_format": N_(
            "column(s) %(columns)s are neither respondent fields nor question ids of "
            "%(qid)s %(version)s; for another tool's export, upload a column-mapping file"
        ),
        "file.not_own_format_more": Nn_(
            "column(s) %(columns)s and %(num)s more are neither respondent fields nor "
            "question ids of %(qid)s %(version)s; for another tool's export, upload a "
            "column-mapping file",
            "column(s) %(columns)s and %(num)s more are neither respondent fields nor "
            "question ids of %(qid)s %(version)s; for another tool's export, upload a "
            "column-mapping file",
        ),
        # One row.
        "file.field_count": Nn_(
            "%(num)s field, expected %(expected)s", "%(num)s fields, expected %(expected)s"
        ),
        "file.field_too_long": Nn_(
            "a field is longer than %(num)s character", "a field is longer than %(num)s characters"
        ),
        "file.respondent_empty": N_("respondent is empty"),
        "file.unknown_role": N_("unknown role '%(role)s' (roles: %(roles)s)"),
        "file.unknown_role_mapped": N_(
            "unknown role '%(role)s' (roles: %(roles)s; add a 'roles' map to the mapping file)"
        ),
        "file.role_changes": N_(
            "respondent '%(respondent)s' has role '%(role)s' here but '%(first_role)s' in row "
            "%(first_row)s; a respondent has one role"
        ),
        "file.unknown_question": N_("unknown question '%(question)s'"),
        "file.question_not_for_role": N_(
            "question '%(question)s' is not asked of role '%(role)s' (asked of: %(roles)s)"
        ),
        "file.question_not_for_role_short": N_(
            "question '%(question)s' is not asked of role '%(role)s'"
        ),
        "file.duplicate_answer": N_(
            "duplicate answer of respondent '%(respondent)s' to '%(question)s' "
            "(first in row %(first_row)s)"
        ),
        "file.no_answers": N_("no answers in any question column"),
        # The person on a row of an import.
        "person.code_empty": N_("respondent code is empty"),
        "person.code_too_long": N_("respondent code '%(code)s' is longer than %(max)s"),
        "person.code_again": N_("respondent '%(code)s' appears again (first in row %(first_row)s)"),
        "person.name_too_long": Nn_(
            "name is longer than %(num)s character", "name is longer than %(num)s characters"
        ),
        "person.team_too_long": Nn_(
            "team is longer than %(num)s character", "team is longer than %(num)s characters"
        ),
        "person.region_too_long": Nn_(
            "region is longer than %(num)s character", "region is longer than %(num)s characters"
        ),
        "person.segment_too_long": Nn_(
            "segment is longer than %(num)s character",
            "segment is longer than %(num)s characters",
        ),
        "person.bad_email": N_("'%(email)s' is not an e-mail address"),
        "person.email_too_long": N_("'%(email)s…' is too long for an e-mail address"),
        "person.bad_language": N_("'%(language)s' is not a language code such as en or pl"),
        "person.identity_changes": N_(
            "respondent '%(code)s' has a different name or e-mail than in row %(first_row)s"
        ),
        "person.comment_too_long": Nn_(
            "the comment has %(num)s character; the limit is %(max)s",
            "the comment has %(num)s characters; the limit is %(max)s",
        ),
        # A version mapping file (how a trend maps ids of one version onto another's).
        "vmap.cannot_read": N_("cannot read: %(reason)s"),
        "vmap.not_utf8": N_("file is not valid UTF-8"),
        "vmap.not_a_mapping": N_("expected a mapping with from, to, elements, questions"),
        "vmap.unknown_top_key": N_("unknown key (expected one of %(keys)s)"),
        "vmap.unknown_key": N_("unknown key"),
        "vmap.onto_itself": N_("maps a version onto itself"),
        "vmap.side_required": N_('required: {questionnaire: ID, version: "X.Y.Z"}'),
        "vmap.questionnaire_id": N_("expected a questionnaire id, got %(value)s"),
        "vmap.version": N_("expected a version string, got %(value)s"),
        "vmap.version_quote": N_('expected a version string (quote it, e.g. "1.0"), got %(value)s'),
        "vmap.ids_mapping": N_("expected a mapping of old id: new id (or null)"),
        "vmap.not_an_id": N_("%(value)s is not an id"),
        "vmap.new_id": N_("expected a new id or null, got %(value)s"),
        "vmap.side_mismatch": N_("expected %(qid)s %(version)s, the file names %(named)s"),
        "vmap.unknown_element": N_("unknown element '%(id)s' in %(qid)s %(version)s"),
        "vmap.unknown_question": N_("unknown question '%(id)s' in %(qid)s %(version)s"),
        # The column-mapping file of a wide import.
        "element.unknown": N_("unknown element '%(element)s'"),
        "yaml.aliases": N_("anchors and aliases (*name) are not allowed"),
        "yaml.invalid": N_("not valid YAML: %(detail)s"),
        "yaml.too_deep": N_("the YAML is nested too deeply"),
        "mapping.not_a_mapping": N_(
            "expected a mapping with at least 'respondent' and 'questions'"
        ),
        "mapping.unknown_keys": N_("unknown key(s) %(keys)s; expected %(expected)s"),
        "mapping.column_name": N_("expected the name of a column"),
        "mapping.respondent_column": N_("name the column that holds the respondent code"),
        "mapping.unknown_role": N_("unknown role '%(role)s' (%(roles)s)"),
        "mapping.role_column": N_("name the role column, or give default_role for every row"),
        "mapping.role_pairs": N_("expected 'text in the file: role id' pairs"),
        "mapping.not_a_role": N_("'%(role)s' is not a role (%(roles)s)"),
        "mapping.question_entries": N_("expected 'column: question id' entries"),
        "mapping.question_entry": N_("expected a question id or {id: ..., values: {...}}"),
        "mapping.unknown_question": N_("unknown question id '%(id)s'"),
        "mapping.question_twice": N_("question '%(question)s' is mapped from two columns"),
        "mapping.value_pairs": N_("expected 'answer text: option value or number' pairs"),
        "mapping.value_pair": N_("expected a text mapped to an option or number"),
        "mapping.texts": N_("expected a text or a list of texts"),
        "mapping.comment_entries": N_("expected 'column: element id' entries"),
        "mapping.columns_twice": N_("column(s) used for two things: %(columns)s"),
        "file.mapping_too_large": N_("the mapping file is %(size)s bytes; the limit is %(limit)s"),
        "file.mapping_not_utf8": N_("not valid UTF-8 (offset %(offset)s)"),
    }
)
