"""Codes for CRM evidence: the opportunity export, its mapping file and the figures.

Field and setting names (``columns``, ``date_format``, ``amount``…) are the mapping file's
keys and stay as they are in every language; so do the status words of the export.
"""

from __future__ import annotations

from assessment.messages.base import N_, Nn_, define

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

# The forecasting methods (assessment/core/forecast_methods.py): the run-rate options, each
# method's name, the one line saying what it assumes, why a method has no figure, and notes.
define(
    {
        "forecast.growth": N_(
            "expected growth must be a percentage from -100 to 1000, such as 5 (got '%(value)s')"
        ),
        "forecast.new_reps": N_(
            "the number of new reps must be a whole number from 0 to 10000 (got '%(value)s')"
        ),
        "forecast.new_rep_deals": N_(
            "deals per new rep in the first month must be a number from 0 to 10000 "
            "(got '%(value)s')"
        ),
        "forecast.new_rep_deal_size": N_(
            "the new reps' deal size must be an amount above 0 (got '%(value)s')"
        ),
        "forecast.currency_code": N_(
            "the new reps' currency must be a three-letter code such as EUR (got '%(currency)s')"
        ),
        "forecast.new_rep_deals_needed": N_(
            "say how many deals each new rep closes in the first month"
        ),
        "forecast.new_reps_needed": N_(
            "deals per new rep, their deal size and currency only count with a number of new reps"
        ),
        "forecast.new_rep_currency": N_(
            "no deals in the new reps' currency %(currency)s (deals are in: %(found)s)"
        ),
        "forecast.new_rep_currency_needed": N_(
            "deals are in several currencies (%(currencies)s): say which currency the new "
            "reps' deals are in"
        ),
        "forecast.deal_size_unknown": N_(
            "no deal in %(currency)s was won in the 365 days up to the as-of date, so there is "
            "no average deal size for the new reps: give their deal size"
        ),
        "forecast.method.stage_weighted": N_("Stage-weighted pipeline"),
        "forecast.method.cycle_age": N_("Deal age against the sales cycle"),
        "forecast.method.run_rate": N_("Historical run rate"),
        "forecast.method.commit": N_("Reps' commit"),
        "forecast.assumes.stage_weighted": N_(
            "Open deals due to close in the month, each counted at its stage's probability."
        ),
        "forecast.assumes.cycle_age": Nn_(
            "Open deals due to close in the month, each counted at its age ÷ the median won "
            "cycle of %(days)s days (at most 100 %%); %(num)s deal older than %(stale)s days "
            "is stale and counts 0.",
            "Open deals due to close in the month, each counted at its age ÷ the median won "
            "cycle of %(days)s days (at most 100 %%); %(num)s deals older than %(stale)s days "
            "are stale and count 0.",
        ),
        "forecast.assumes.cycle_age_unknown": N_(
            "Open deals due to close in the month, each counted at its age ÷ the median won "
            "cycle (at most 100 %%)."
        ),
        "forecast.assumes.run_rate": N_(
            "Won in the last 90 days (%(won)s) ÷ 3 = %(rate)s a month, with %(growth)s %% "
            "growth and no new reps."
        ),
        "forecast.assumes.run_rate_new_reps": N_(
            "Won in the last 90 days (%(won)s) ÷ 3 = %(rate)s a month, plus %(growth)s %% "
            "growth, plus %(reps)s new reps × %(deals)s deals × %(size)s."
        ),
        "forecast.assumes.commit": N_(
            "Open deals due to close in the month that the reps marked as commit: their own "
            "judgement."
        ),
        "forecast.absent.no_close_dates": N_(
            "No open deal has an expected close date, so no deal can be placed in the month."
        ),
        "forecast.absent.no_won_cycle": N_(
            "No deal was won in the 365 days up to the as-of date, so there is no typical "
            "cycle to measure a deal's age against."
        ),
        "forecast.absent.no_category": N_(
            "The export has no forecast category (Salesforce “Forecast Category”, HubSpot "
            "“Forecast category”), so the reps' commit is not known."
        ),
        "forecast.note.undated": Nn_(
            "%(num)s open deal has no expected close date and is in no month's forecast.",
            "%(num)s open deals have no expected close date and are in no month's forecast.",
        ),
        "forecast.note.before_month": Nn_(
            "%(num)s open deal is due to close before the forecast month (overdue or due "
            "this month) and is not counted in it.",
            "%(num)s open deals are due to close before the forecast month (overdue or due "
            "this month) and are not counted in it.",
        ),
        "forecast.note.no_probability": Nn_(
            "%(num)s open deal due in the month is at a stage without a probability and is "
            "left out of the stage-weighted forecast.",
            "%(num)s open deals due in the month are at stages without a probability and are "
            "left out of the stage-weighted forecast.",
        ),
    }
)
