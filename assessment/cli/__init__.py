"""The ``saleshealth`` command line."""

from __future__ import annotations

import click

from assessment.cli.backup_cmd import backup_command, restore_command
from assessment.cli.crm_cmd import crm_kpis_command
from assessment.cli.questionnaire_cmd import questionnaire
from assessment.cli.report_cmd import report_command
from assessment.cli.score_cmd import score_command
from assessment.cli.web_cmd import db_upgrade, demo, serve, worker


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="saleshealth")
def main() -> None:
    """Assess the health of a sales organization against twelve elements."""


main.add_command(questionnaire)
main.add_command(score_command)
main.add_command(report_command)
main.add_command(serve)
main.add_command(demo)
main.add_command(db_upgrade)
main.add_command(worker)
main.add_command(backup_command)
main.add_command(restore_command)
main.add_command(crm_kpis_command)
