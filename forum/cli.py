"""`flask forum ...` commands: thin wrappers over services, for operators and cron."""
from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Flask

from forum import lookup
from forum.cli_group import fail, forum_cli
from forum.errors import DomainError
from forum.extensions import db
from forum.models import Role, User

def register(app: Flask) -> None:
    from forum.admin import commands  # noqa: F401  (create-category, set-role attach to forum_cli)
    from forum.listening import commands as listening_commands  # noqa: F401  (detect-spikes)
    app.cli.add_command(forum_cli)


@forum_cli.command("seed-demo")
@click.option("--force", is_flag=True, help="Seed even when the database already has users.")
def seed_demo(force: bool) -> None:
    """Load the demo community (only into an empty database unless --force)."""
    from forum import demo
    if not force and db.session.scalar(sa.select(sa.func.count()).select_from(User)):
        click.echo("The database already has data; demo not loaded (use --force to add it anyway).")
        return
    logins = demo.seed()
    click.echo(f"Demo community loaded. Log in with any of these (password for all: {demo.PASSWORD}):")
    for username, role in logins:
        click.echo(f"  {role:<10} {username}")


@forum_cli.command("create-user")
@click.argument("username")
@click.argument("email")
@click.option("--password", required=True, help="At least 8 characters.")
@click.option("--role", default=Role.MEMBER, type=click.Choice(Role.ORDER), show_default=True)
def create_user(username: str, email: str, password: str, role: str) -> None:
    """Create an account with a role."""
    from forum.auth.services import register_user
    try:
        user = register_user(username=username, email=email, password=password, role=role)
    except DomainError as error:
        fail(error)
    click.echo(f"Created {user.role} {user.username} (id {user.id}).")


@forum_cli.command("create-token")
@click.argument("username")
@click.option("--name", default="cli", help="A label to recognise the token by.")
def create_token(username: str, name: str) -> None:
    """Print a new API token for USERNAME (the last word of the output)."""
    from forum.auth.services import create_token as make_token, find_user
    user = find_user(username)
    if user is None:
        raise click.ClickException(f"No user named {username!r}.")
    click.echo(f"API token for {user.username}: {make_token(user=user, name=name)}")


@forum_cli.command("escalate-overdue")
def escalate_overdue() -> None:
    """Escalate questions with no answer after their category's auto-escalation delay, else the site's, else
    AUTO_ESCALATE_AFTER_HOURS (cron: hourly; safe to run twice)."""
    from forum.escalations.services import escalate_overdue_questions
    count = escalate_overdue_questions()
    click.echo(f"Escalated {count} unanswered question{'s' if count != 1 else ''}.")


@forum_cli.command("flush-views")
def flush_views() -> None:
    """Write buffered thread views to the database now. With REDIS_URL this takes every worker's counts (safe
    beside the workers' own flushes: none is counted twice); without it, each worker flushes its own
    counts and this process has none."""
    from forum import viewcounts
    click.echo(f"Flushed {viewcounts.flush()} views.")


@forum_cli.command("refresh-stats")
@click.option("--all", "everything", is_flag=True, help="Recompute every day from the first row on, not only "
              "the days changed or not rolled up yet.")
def refresh_stats(everything: bool) -> None:
    """Store the dashboard's daily rollups (cron: every 5 minutes; the first run rolls up all of history)."""
    from forum.dashboard import rollups
    done = rollups.refresh_stats(everything=everything)
    click.echo(f"Rolled up {done['days']} day{'s' if done['days'] != 1 else ''} "
               f"({done['markers']} change marker{'s' if done['markers'] != 1 else ''} cleared).")


@forum_cli.command("export-ideas")
@click.option("--format", "fmt", default="csv", type=click.Choice(["csv", "json"]), show_default=True)
@click.option("--status", default="", help="Only ideas with this status (new, under_review, planned, ...).")
@click.option("--category", default="", help="Only ideas in this category (its slug).")
@click.option("--since", default="", help="Only ideas created on or after this date (YYYY-MM-DD).")
@click.option("--limit", default="100", show_default=True, help="At most this many ideas, most votes first.")
@click.option("--output", default="-", type=click.Path(dir_okay=False, allow_dash=True),
              help="File to write (default: standard output).")
def export_ideas(fmt: str, status: str, category: str, since: str, limit: str, output: str) -> None:
    """Export top ideas for the product team, streamed row by row (operators are trusted: no role check)."""
    from forum.ideas import export
    try:
        filters = export.parse_filters({"format": fmt, "status": status, "category": category, "since": since,
                                        "limit": limit})
    except DomainError as error:
        fail(error)
    if output == "-":
        for chunk in export.stream(filters):
            click.echo(chunk, nl=False)
        return
    with open(output, "w", encoding="utf-8", newline="") as handle:
        for chunk in export.stream(filters):
            handle.write(chunk)
    click.echo(f"Wrote {output}.", err=True)


@forum_cli.command("reindex")
@click.option("--check", is_flag=True, help="Only compare: report missing and stale documents, exit 1 if any.")
@click.option("--pending", is_flag=True, help="Only index the queued documents (what the workers do every second).")
def reindex(check: bool, pending: bool) -> None:
    """Rebuild the search index from the database (or, with --check, verify it; with --pending, catch up)."""
    from forum.search import service as search
    if pending:
        queued = search.count_pending()
        done = search.drain_pending()
        click.echo(f"Indexed {done} of {queued} queued document{'s' if queued != 1 else ''}.")
        return
    if check:
        report = search.check()
        if report.error:
            click.echo(f"Search index problem: {report.error}")
        for label, ids in (("missing", report.missing), ("stale", report.stale), ("not in the database", report.extra)):
            if ids:
                shown = ", ".join(ids[:20]) + (f" and {len(ids) - 20} more" if len(ids) > 20 else "")
                click.echo(f"{len(ids)} {label}: {shown}")
        if not report.ok:
            raise click.ClickException("The search index is out of step; run `flask forum reindex`.")
        click.echo("The search index matches the database.")
        return
    with click.progressbar(length=search.count_documents(), label="Indexing") as bar:
        count = search.reindex(progress=bar.update)
    click.echo(f"Indexed {count} documents.")


@forum_cli.command("send-mail")
@click.option("--digests/--no-digests", default=True, show_default=True,
              help="Also queue the daily digests (once per member per UTC day, however often this runs).")
def send_mail(digests: bool) -> None:
    """Send queued mail: pending, failed-and-due (with back-off) and abandoned sends, plus daily digests.
    Without MAIL_SERVER nothing is sent (the outbox keeps it) and the command says so and fails."""
    from forum.notifications import outbox
    from forum.notifications.mail import mail_configured
    queued = outbox.build_digests() if digests else 0
    if not mail_configured():
        waiting = outbox.count_unsent()
        raise click.ClickException(f"MAIL_SERVER is not set, so nothing was sent (digests queued: {queued}); "
                                   f"{waiting} mail{' waits' if waiting == 1 else 's wait'} in the outbox. "
                                   "Set MAIL_SERVER and run this again.")
    result = outbox.send_due()
    click.echo(f"Digests queued: {queued}. Sent: {result['sent']}, failed: {result['failed']}, "
               f"skipped: {result['skipped']}.")
    if result["failed"]:
        raise SystemExit(1)  # cron mails the operator; the failed ones are retried on the next run


@forum_cli.command("export-user")
@click.argument("username")
@click.option("--output", default="", type=click.Path(dir_okay=False, allow_dash=True),
              help="ZIP file to write (default: forum-data-NAME-DATE.zip here; - for standard output).")
def export_user(username: str, output: str) -> None:
    """Write everything the forum holds about USERNAME as a ZIP of JSON files (a data-access request)."""
    import sys

    from forum.privacy import export
    try:
        user = lookup.find_member(username)
    except DomainError as error:
        fail(error)
    if output == "-":
        export.write_to(user.id, sys.stdout.buffer)
        return
    output = output or export.filename(user)
    with open(output, "wb") as handle:
        size = export.write_to(user.id, handle)
    click.echo(f"Wrote {output} ({size:,} bytes).", err=True)
