"""Category use cases for admins: create, edit (old slugs keep working), reorder, archive, delete when empty, merge.

Each public function is one use case and one commit, with an audit entry. `actor=None` is the operator at the
command line (`flask forum create-category`), who is trusted like every other CLI command.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from forum import pagecache
from forum.admin.forms import FIELDS, SLUG_MAX, clean_category
from forum.audit import record_audit
from forum.errors import Conflict, Invalid, NotFound
from forum.extensions import db
from forum.i18n import _, ngettext
from forum.models import Category, CategorySlugRedirect, Idea, Thread, User
from forum.policy import Policy


@dataclass
class CategoryRow:
    """A category as the admin page shows it, with how much it holds (deleting needs it empty)."""

    category: Category
    threads: int
    ideas: int

    @property
    def is_empty(self) -> bool:
        return self.threads == 0 and self.ideas == 0


def _ensure_admin(actor: User | None) -> None:
    if actor is None:  # the command line
        return
    policy = Policy(actor)
    policy.ensure_active()
    policy.ensure(policy.can_manage_categories(), _("Only admins can manage categories."))


# -- reads ------------------------------------------------------------------------------------------

def all_categories() -> list[Category]:
    return list(db.session.scalars(sa.select(Category).order_by(Category.position, Category.name, Category.id)))


def admin_categories(*, actor: User | None) -> list[CategoryRow]:
    """Every category in order, with its question and idea counts (counted once per change to either list)."""
    _ensure_admin(actor)
    counts = pagecache.memo("admin:category-counts", [pagecache.QUESTIONS, pagecache.IDEAS, pagecache.SITE],
                            _count_contents)
    return [CategoryRow(category, *counts.get(category.id, (0, 0))) for category in all_categories()]


def _count_contents() -> dict[int, tuple[int, int]]:
    """Per category, from the category_id indexes: one range of index entries per category."""
    counts: dict[int, tuple[int, int]] = {}
    for category_id in db.session.scalars(sa.select(Category.id)):
        threads = db.session.scalar(sa.select(sa.func.count()).select_from(Thread)
                                    .where(Thread.category_id == category_id))
        ideas = db.session.scalar(sa.select(sa.func.count()).select_from(Idea).where(Idea.category_id == category_id))
        counts[category_id] = (threads or 0, ideas or 0)
    return counts


def find_category(slug: object) -> Category | None:
    """By its slug, or by a slug it had before a rename or a merge."""
    if not isinstance(slug, str) or not slug or len(slug) > SLUG_MAX:
        return None
    slug = slug.strip().lower()
    category = db.session.scalar(sa.select(Category).where(Category.slug == slug))
    if category is None:
        category = db.session.scalar(sa.select(Category).join(
            CategorySlugRedirect, CategorySlugRedirect.category_id == Category.id).where(
            CategorySlugRedirect.slug == slug))
    return category


def get_category(slug: object) -> Category:
    category = find_category(slug)
    if category is None:
        raise NotFound(_("No category with that slug."))
    return category


# -- writes -----------------------------------------------------------------------------------------

def create_category(*, actor: User | None, slug: object, name: object, description: object = "",
                    position: object = None, archived: object = False, sla_hours: object = None,
                    auto_escalate_hours: object = None) -> Category:
    """A new category, last in the order unless a position is given."""
    _ensure_admin(actor)
    values = clean_category({"slug": slug, "name": name, "description": description, "position": position,
                     "archived": archived, "sla_hours": sla_hours, "auto_escalate_hours": auto_escalate_hours},
                    current=None, required=("slug", "name"))
    category = Category(slug=values["slug"], name=values["name"], description=values.get("description") or "",
                        archived=values.get("archived", False), sla_hours=values.get("sla_hours"),
                        auto_escalate_hours=values.get("auto_escalate_hours"), position=0)
    db.session.add(category)
    _take_slug(values["slug"])
    ordered = [c for c in all_categories() if c is not category]
    ordered.insert(_index_for(values.get("position"), len(ordered)), category)
    _renumber(ordered)
    db.session.flush()
    record_audit(actor=actor, action="category.create", target_type="category", target_id=category.id,
                 label=category.name, note=f"slug {category.slug}" + (" (command line)" if actor is None else ""))
    _commit_or_slug_taken()
    return category


def update_category(*, actor: User | None, category: Category, changes: dict[str, Any]) -> Category:
    """Change any of FIELDS; fields not given stay as they are. A new slug keeps the old one as a redirect."""
    _ensure_admin(actor)
    unknown = sorted(set(changes) - set(FIELDS))
    if unknown:
        raise Invalid(_("Some fields need attention."), {name: _("Not a category field.") for name in unknown})
    values = clean_category(changes, current=category)
    described = []
    if "slug" in values and values["slug"] != category.slug:
        _take_slug(values["slug"])
        db.session.add(CategorySlugRedirect(slug=category.slug, category_id=category.id))
        described.append(f"slug {category.slug} → {values['slug']}")
    for field in ("slug", "name", "description", "archived", "sla_hours", "auto_escalate_hours"):
        if field in values and getattr(category, field) != values[field]:
            if field != "slug":
                described.append(f"{field} → {values[field]!r}" if field != "description" else "description")
            setattr(category, field, values[field])
    if "position" in values:
        ordered = [c for c in all_categories() if c is not category]
        index = _index_for(values["position"], len(ordered))
        ordered.insert(index, category)
        if category.position != index + 1:
            described.append(f"position → {index + 1}")
        _renumber(ordered)
    if described:
        record_audit(actor=actor, action="category.update", target_type="category", target_id=category.id,
                     label=category.name, note="; ".join(described))
    _commit_or_slug_taken()
    return category


def move_category(*, actor: User | None, category: Category, direction: str) -> Category:
    """One place up or down in the order every list and form shows."""
    _ensure_admin(actor)
    ordered = all_categories()
    index = ordered.index(category)
    target = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= target < len(ordered):
        raise Conflict(_("“%(name)s” is already first.", name=category.name) if direction == "up"
                       else _("“%(name)s” is already last.", name=category.name))
    ordered[index], ordered[target] = ordered[target], ordered[index]
    _renumber(ordered)
    record_audit(actor=actor, action="category.move", target_type="category", target_id=category.id,
                 label=category.name, note=f"{direction} to position {target + 1}")
    db.session.commit()
    return category


def delete_category(*, actor: User | None, category: Category) -> None:
    """Only an empty category goes; one with questions or ideas is merged or archived instead."""
    _ensure_admin(actor)
    threads, ideas = _holds(category)
    if threads or ideas:
        raise Conflict(_("“%(name)s” still holds %(questions)s and %(ideas)s: merge it into another category, or "
                         "archive it.", name=category.name,
                         questions=ngettext("%(num)d question", "%(num)d questions", threads),
                         ideas=ngettext("%(num)d idea", "%(num)d ideas", ideas)))
    db.session.execute(sa.delete(CategorySlugRedirect).where(CategorySlugRedirect.category_id == category.id))
    record_audit(actor=actor, action="category.delete", target_type="category", target_id=category.id,
                 label=category.name, note=f"slug {category.slug}")
    db.session.delete(category)
    db.session.flush()
    _renumber(all_categories())
    db.session.commit()


def merge_category(*, actor: User | None, category: Category, into: object) -> Category:
    """Move every question and idea of `category` into `into` (a slug), then remove `category`; its slugs now
    lead to `into`. Search documents and cached lists follow through the session's listeners."""
    _ensure_admin(actor)
    target = find_category(into) if isinstance(into, str) and into.strip() else None
    if target is None:
        raise Invalid(_("Some fields need attention."), {"into": _("Choose the category to merge into.")})
    if target.id == category.id:
        raise Invalid(_("Some fields need attention."), {"into": _("Choose another category: not this one.")})
    threads, ideas = _holds(category)
    # ORM bulk UPDATEs, so the search, page-cache and dashboard listeners see which rows move
    db.session.execute(sa.update(Thread).where(Thread.category_id == category.id).values(category_id=target.id))
    db.session.execute(sa.update(Idea).where(Idea.category_id == category.id).values(category_id=target.id))
    pagecache.touch(db.session, pagecache.QUESTIONS, pagecache.IDEAS, pagecache.SITE)
    db.session.execute(sa.update(CategorySlugRedirect).where(CategorySlugRedirect.category_id == category.id)
                       .values(category_id=target.id))
    old_slug, old_name = category.slug, category.name
    db.session.delete(category)
    db.session.flush()
    db.session.add(CategorySlugRedirect(slug=old_slug, category_id=target.id))
    _renumber(all_categories())
    record_audit(actor=actor, action="category.merge", target_type="category", target_id=target.id,
                 label=target.name, note=f"merged {old_name} ({old_slug}) into {target.name}: "
                                         f"{_plural(threads, 'question')}, {_plural(ideas, 'idea')} moved")
    db.session.commit()
    return target


# -- helpers ----------------------------------------------------------------------------------------

def _holds(category: Category) -> tuple[int, int]:
    threads = db.session.scalar(sa.select(sa.func.count()).select_from(Thread).where(Thread.category_id == category.id))
    ideas = db.session.scalar(sa.select(sa.func.count()).select_from(Idea).where(Idea.category_id == category.id))
    return threads or 0, ideas or 0


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _take_slug(slug: str) -> None:
    """A slug given to a category stops redirecting wherever it used to."""
    db.session.execute(sa.delete(CategorySlugRedirect).where(CategorySlugRedirect.slug == slug))


def _index_for(position: int | None, others: int) -> int:
    return others if position is None else min(position, others + 1) - 1


def _renumber(ordered: list[Category]) -> None:
    for number, category in enumerate(ordered, start=1):
        if category.position != number:
            category.position = number


def _commit_or_slug_taken() -> None:
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # another admin took the slug between our check and our write
        db.session.rollback()
        raise Invalid(_("Some fields need attention."),
                      {"slug": _("Another category already uses that slug.")}) from None
