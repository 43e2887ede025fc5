"""No company is named in the product itself: only the demo data (forum/demo_data/) names the demo's company,
and `flask forum seed-demo` puts that name into the demo's site settings."""
from __future__ import annotations

import json
import re
from pathlib import Path

from forum import site
from forum.demo import SITE as DEMO_SITE
from forum.demo import _seed_site_settings
from forum.extensions import db

ROOT = Path(__file__).resolve().parents[2]
DEMO_DATA = ROOT / "forum" / "demo_data"
TREE = [ROOT / "forum", ROOT / "templates", ROOT / "static", ROOT / "config.py"]
TEXT = {".py", ".html", ".txt", ".css", ".js", ".svg", ".json", ".md", ".xml", ".cfg", ".toml"}


def _demo_names() -> set[str]:
    """Every name the demo data uses for its company, e.g. "Brightwave" and "Brightwave Community"."""
    data = json.loads((DEMO_DATA / "community.json").read_text(encoding="utf-8"))["site"]
    return {data["company_name"], data["community_name"]}


def _files() -> list[Path]:
    found = []
    for root in TREE:
        paths = [root] if root.is_file() else root.rglob("*")
        found += [p for p in paths if p.is_file() and p.suffix in TEXT and DEMO_DATA not in p.parents
                  and "__pycache__" not in p.parts]
    return found


def test_no_template_module_or_static_file_names_a_company():
    names = _demo_names()
    pattern = re.compile("|".join(re.escape(name) for name in sorted(names)), re.IGNORECASE)
    files = _files()
    assert {"logo.svg", "forum.css", "forum.js", "base.html", "config.py", "demo.py"} <= {p.name for p in files}
    assert not any(DEMO_DATA in p.parents for p in files) and pattern.search((DEMO_DATA / "community.json").read_text())
    offenders = [f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}"
                 for path in files
                 for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
                 if pattern.search(line)]
    assert offenders == [], "the product names a company outside forum/demo_data/:\n" + "\n".join(offenders)


def test_readme_and_docs_mention_the_demos_name_only_as_the_demo():
    company = DEMO_SITE["company_name"].lower()
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        paragraphs = path.read_text(encoding="utf-8").split("\n\n")
        for paragraph in paragraphs:
            if company in paragraph.lower():
                assert "demo" in paragraph.lower(), f"{path.name}: {paragraph[:120]}"


def test_the_logo_and_favicon_spell_no_name():
    for name in ("logo.svg", "favicon.svg"):
        svg = (ROOT / "static" / "img" / name).read_text(encoding="utf-8")
        assert "<text" not in svg and "aria-label" not in svg


def test_the_demo_sets_its_own_name_in_the_site_settings(ctx):
    _seed_site_settings()
    db.session.commit()
    site.forget()
    current = site.settings()
    assert current.company_name == DEMO_SITE["company_name"] and current.community_name == DEMO_SITE["community_name"]
    assert current.guidelines_html.startswith("<p>") and current.accent_color == DEMO_SITE["accent_color"]
