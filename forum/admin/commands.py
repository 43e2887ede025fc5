"""`flask forum create-category` and `flask forum set-role`: the admin console's first steps, for operators."""
from __future__ import annotations

import click

from forum import lookup
from forum.admin import categories, people
from forum.cli_group import fail, forum_cli
from forum.errors import DomainError
from forum.models import Role


@forum_cli.command("create-category")
@click.argument("slug")
@click.argument("name")
@click.option("--description", default="", help="One line that tells members what belongs in it.")
def create_category(slug: str, name: str, description: str) -> None:
    """Create a category (last in the order), so members can ask questions and share ideas in it."""
    try:
        category = categories.create_category(actor=None, slug=slug, name=name, description=description)
    except DomainError as error:
        fail(error)
    click.echo(f"Created category {category.name} ({category.slug}), position {category.position}.")


@forum_cli.command("set-role")
@click.argument("username")
@click.argument("role", type=click.Choice(Role.ORDER))
def set_role(username: str, role: str) -> None:
    """Give USERNAME a role (member, staff, moderator or admin); audited; the last admin stays an admin."""
    try:
        user = lookup.find_member(username)
        previous = user.role
        people.set_role(actor=None, user=user, role=role)
    except DomainError as error:
        fail(error)
    if previous == role:
        click.echo(f"{user.username} is already {role}; nothing changed.")
    else:
        click.echo(f"{user.username} is now {role} (was {previous}).")
