"""The `flask forum` command group and its error helper: below forum/cli.py and the domains' command modules,
so each domain attaches its commands without importing cli.py (which imports them to register the group)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from forum.errors import DomainError

forum_cli = AppGroup("forum", help="Forum administration commands.")


def fail(error: DomainError) -> None:
    details = "; ".join(f"{field}: {message}" for field, message in error.fields.items())
    raise click.ClickException(f"{error.message} {details}".strip())
