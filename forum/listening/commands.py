"""`flask forum detect-spikes`: for cron, every few minutes, on as many servers as run it."""
from __future__ import annotations

import click

from forum.cli_group import forum_cli
from forum.listening import alerts


@forum_cli.command("detect-spikes")
def detect_spikes() -> None:
    """Open an alert for every watch or tag whose last hour spiked; staff who follow it are told at once."""
    run = alerts.detect_spikes()
    for alert in run.opened:
        click.echo(f"Opened alert {alert.id}: {alert.subject_name}, {alert.hour_count} posts in the last hour "
                   f"(baseline {alert.baseline:.1f}).")
    click.echo(f"Checked {run.subjects} busy watches and tags: {len(run.opened)} alerts opened, "
               f"{len(run.updated)} continuing.")
