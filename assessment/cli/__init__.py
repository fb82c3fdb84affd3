"""The ``saleshealth`` command line.

Subcommands are imported when they are run, not when the program starts: ``saleshealth
report`` must not pay for Flask, SQLAlchemy or gunicorn.  To add a command, put its
``"name": "module:attribute"`` into ``LAZY_COMMANDS`` (``main.add_command(cmd)`` still
works, but imports the command's module at start-up).
"""

from __future__ import annotations

import importlib

import click

LAZY_COMMANDS: dict[str, str] = {
    "questionnaire": "assessment.cli.questionnaire_cmd:questionnaire",
    "score": "assessment.cli.score_cmd:score_command",
    "report": "assessment.cli.report_cmd:report_command",
    "serve": "assessment.cli.web_cmd:serve",
    "demo": "assessment.cli.web_cmd:demo",
    "db-upgrade": "assessment.cli.web_cmd:db_upgrade",
    "worker": "assessment.cli.web_cmd:worker",
    "backup": "assessment.cli.backup_cmd:backup_command",
    "restore": "assessment.cli.backup_cmd:restore_command",
    "crm-kpis": "assessment.cli.crm_cmd:crm_kpis_command",
    "export": "assessment.cli.data_cmd:export_command",
    "import": "assessment.cli.data_cmd:import_command",
    "retention": "assessment.cli.retention_cmd:retention_command",
    "reminders": "assessment.cli.reminders_cmd:reminders_command",
    "plan-reminders": "assessment.cli.plan_reminders_cmd:plan_reminders_command",
}


class LazyGroup(click.Group):
    """A command group that imports a subcommand's module only when it is looked up."""

    def __init__(self, *args: object, lazy: dict[str, str] | None = None, **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command name, eager and lazy, sorted."""
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command, importing its module on first use."""
        if cmd_name in self.commands or cmd_name not in self.lazy:
            return super().get_command(ctx, cmd_name)
        module, attribute = self.lazy[cmd_name].split(":")
        command = getattr(importlib.import_module(module), attribute)
        if not isinstance(command, click.Command):  # pragma: no cover - a wrong table entry
            raise TypeError(f"{self.lazy[cmd_name]} is not a click command")
        self.add_command(command, cmd_name)
        return command

    def invoke(self, ctx: click.Context) -> object:
        """Run the command; a configuration error is one line naming the setting, exit 2."""
        from assessment.config import ConfigError

        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            click.echo(f"saleshealth: configuration error: {exc}", err=True)
            ctx.exit(2)


@click.group(
    cls=LazyGroup,
    lazy=LAZY_COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(package_name="saleshealth")
def main() -> None:
    """Assess the health of a sales organization against twelve elements."""


def run() -> None:
    """The ``saleshealth`` console script: :func:`main`, ending quickly when a command asks.

    See :mod:`assessment.cli.quick_exit` (``saleshealth report`` asks once its output is
    written).
    """
    from assessment.cli.quick_exit import run_console

    run_console(main)
