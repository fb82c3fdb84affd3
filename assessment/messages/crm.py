"""Codes for CRM evidence: the opportunity export, its mapping file and the figures.

Field and setting names (``columns``, ``date_format``, ``amount``…) are the mapping file's
keys and stay as they are in every language; so do the status words of the export.
"""

from __future__ import annotations

from assessment.messages.base import N_, define

define(
    {
        # The mapping file (MAP.yaml).
        "crm.mapping_too_large": N_("file is larger than %(limit)s bytes"),
        "crm.mapping_not_mapping": N_("expected a mapping with 'columns:'"),
        "crm.unknown_setting": N_("unknown setting (known: %(known)s)"),
        "crm.columns_mapping": N_("expected a mapping of field: header"),
        "crm.unknown_field": N_("unknown field (fields: %(fields)s)"),
        "crm.header_names": N_("expected a header name or a list of them"),
        "crm.stages_mapping": N_("expected a mapping of stage name: probability in percent"),
        "crm.stage_percent": N_("expected a percentage from 0 to 100 (got %(value)s)"),
        "crm.date_format": N_("expected a strptime pattern such as '%%d.%%m.%%Y'"),
        "crm.decimal": N_("expected ',' or '.'"),
        "crm.currency_code": N_("expected a three-letter code (got '%(currency)s')"),
        # The export file.
        "crm.too_big": N_(
            "the file is %(mb)s MB; the limit is %(limit)s MB (about %(rows)s deals): "
            "export fewer deals, e.g. the last 12 months"
        ),
        "crm.bad_xlsx": N_("not a valid XLSX file"),
        "crm.xlsx_too_big": N_("the workbook unpacks to %(mb)s MB; refusing to read it"),
        "crm.unreadable_xlsx": N_("not a readable XLSX file: %(detail)s"),
        "crm.no_sheet": N_("no sheet '%(sheet)s' (sheets: %(sheets)s)"),
        "crm.no_column": N_("no column '%(header)s' in the header"),
        "crm.missing_columns": N_(
            "no column for %(fields)s (header: %(header)s); name the columns in a mapping "
            "file, e.g. 'columns: {amount: \"Deal value\"}'"
        ),
        "crm.too_many_rows": N_(
            "more than %(rows)s deals; export fewer deals (e.g. the last 12 months)"
        ),
        "crm.no_deals": N_("the file has a header but no deals"),
        "crm.slash_dates_mixed": N_(
            "dates such as dd/mm/yyyy or mm/dd/yyyy are both day-first and month-first; set "
            "date_format in the mapping file, e.g. date_format: '%%m/%%d/%%Y'"
        ),
        "crm.slash_dates_ambiguous": N_(
            "dates such as dd/mm/yyyy or mm/dd/yyyy are ambiguous (e.g. 03/04/2024); set "
            "date_format in the mapping file, e.g. date_format: '%%m/%%d/%%Y'"
        ),
        # The problems of all rows, counted (two counts: translations say "problems: N").
        "crm.summary": N_("%(num)s problem(s) in %(rows)s deal row(s); nothing was computed"),
        # One deal row.
        "crm.duplicate_id": N_("duplicate id '%(id)s' (first in row %(first_row)s)"),
        "crm.missing.id": N_("the id is missing"),
        "crm.missing.stage": N_("the stage is missing"),
        "crm.missing.amount": N_("the amount is missing"),
        "crm.missing.created": N_("the created date is missing"),
        "crm.unknown_status": N_("unknown status '%(status)s' (expected open, won, lost)"),
        "crm.close_date_required.won": N_("a close date is required for a won deal"),
        "crm.close_date_required.lost": N_("a close date is required for a lost deal"),
        "crm.close_before_created": N_(
            "close date %(close)s is before the created date %(created)s"
        ),
        "crm.currency": N_(
            "expected a three-letter currency code such as EUR (got '%(currency)s')"
        ),
        "crm.not_an_amount": N_("not an amount: %(value)s"),
        "crm.negative_amount": N_("amounts must not be negative (got %(value)s)"),
        "crm.not_a_date": N_("not a date: %(value)s (expected e.g. 2024-03-15 or 15.03.2024)"),
        "crm.not_a_date_format": N_("not a date: %(value)s (expected the format %(format)s)"),
        # Stage probabilities and the quota.
        "crm.stage_name": N_("a stage probability needs a stage name"),
        "crm.stage_probability": N_("stage '%(stage)s': probability must be between 0 and 100 %%"),
        "crm.quota_type": N_("the quota must be an amount, got %(value)s"),
        "crm.quota_finite": N_("the quota must be a finite amount above 0 (got %(value)s)"),
        "crm.quota_above_zero": N_("the quota must be an amount above 0 (got %(value)s)"),
        "crm.quota_period": N_("the quota period ends (%(end)s) before it starts (%(start)s)"),
        "crm.quota_currency": N_(
            "no deals in the quota currency %(currency)s (deals are in: %(found)s)"
        ),
        "crm.several_currencies": N_(
            "deals are in several currencies (%(currencies)s): say which currency the quota is in"
        ),
    }
)
