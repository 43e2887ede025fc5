"""`flask forum ...` commands: thin wrappers over services, for operators and cron."""
from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import AppGroup

from forum.errors import DomainError
from forum.extensions import db
from forum.models import Role, User

forum_cli = AppGroup("forum", help="Forum administration commands.")


def register(app: Flask) -> None:
    app.cli.add_command(forum_cli)


def fail(error: DomainError) -> None:
    details = "; ".join(f"{field}: {message}" for field, message in error.fields.items())
    raise click.ClickException(f"{error.message} {details}".strip())


@forum_cli.command("seed-demo")
@click.option("--force", is_flag=True, help="Seed even when the database already has users.")
def seed_demo(force: bool) -> None:
    """Load the demo community (only into an empty database unless --force)."""
    from forum import demo
    if not force and db.session.scalar(sa.select(sa.func.count()).select_from(User)):
        click.echo("The database already has data; demo not loaded (use --force to add it anyway).")
        return
    logins = demo.seed()
    click.echo("Demo community loaded. Log in with any of these (password for all: %s):" % demo.PASSWORD)
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
