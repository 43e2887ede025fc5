"""Categories as every domain reads them: the list to browse, the ones open to new posts, the new home of a
renamed slug, and the one a form or API body names (questions and ideas). Managing them is
forum/admin/categories.py."""
from __future__ import annotations

import sqlalchemy as sa

from forum.extensions import db
from forum.i18n import _
from forum.models import Category, CategorySlugRedirect
from forum.validation import FieldErrors


def categories() -> list[Category]:
    """Every category, archived ones too: where content is browsed, they stay listed."""
    return list(db.session.scalars(sa.select(Category).order_by(Category.position, Category.name)))


def open_categories() -> list[Category]:
    """The categories that take new questions and ideas (the ask and idea forms); empty until an admin adds one."""
    return [category for category in categories() if not category.archived]


def moved_category(slug: str | None, known: list[Category]) -> str | None:
    """The current slug for a list filter naming a category's old slug (renamed or merged away), else None.
    `known` is the page's category list: only a slug missing from it costs a lookup."""
    if not slug or len(slug) > 60 or any(category.slug == slug for category in known):
        return None
    return db.session.scalar(sa.select(Category.slug).join(
        CategorySlugRedirect, CategorySlugRedirect.category_id == Category.id).where(CategorySlugRedirect.slug == slug))


def chosen_category(errors: FieldErrors, slug: object) -> Category | None:
    """The category a form or API body names by slug (questions and ideas), or a message on "category"."""
    if not slug or not isinstance(slug, str):
        errors.add("category", _("Choose a category."))
        return None
    category = db.session.scalar(sa.select(Category).where(Category.slug == slug))
    if category is None:
        errors.add("category", _("That category does not exist."))
    elif category.archived:  # still readable, but closed to new posts (an admin archived it)
        errors.add("category", _("“%(name)s” is archived and takes no new questions or ideas: choose another "
                                 "category.", name=category.name))
    return category
