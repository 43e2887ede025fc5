"""Issue 20 (b): no template or module shows a person a sentence that is not marked for translation. The
scanner (tests/i18n/unmarked.py) is tested on planted examples first, so an empty list means something."""
from __future__ import annotations

from pathlib import Path

from jinja2 import Environment

from tests.i18n import unmarked

TEMPLATE = """{% extends "base.html" %}
{% block content %}
<h1>{{ _("Marked title") }}</h1>
<p class="lead page-head__meta">Unmarked sentence here.</p>
<button title="Unmarked tooltip" data-x="{{ y }}">{{ _("Marked") }}</button>
<p>{% trans n=3 %}Marked with {{ n }} inside{% endtrans %}</p>
<span>{{ count }} · {{ other }}</span>
<code>**bold**</code>
<script>var x = "not scanned";</script>
<input{% if e %} aria-invalid="true"{% endif %} class="{{ c }}">
{% endblock %}
"""
MODULE = '''
from flask import flash
from forum.errors import Invalid, NotFound
from forum.i18n import _


def view(name):
    flash("Saved without marking.", "success")
    flash(_("Saved, marked."), "success")
    raise NotFound(f"No member called {name}.")


def check(errors, policy):
    errors.add("title", "Give the question a title.")
    errors.add("title", _("Marked message."))
    errors.text("title", "", label="Title", max_len=10)
    policy.ensure(False, "You may not.")
    raise Invalid(_("Fix these."), {"token": "expired", "email": "That address is taken."})


def built():
    return _(f"Hello {name}")
'''


def test_the_scanner_finds_planted_unmarked_text_and_nothing_else(tmp_path, monkeypatch):
    monkeypatch.setattr(unmarked, "ROOT", tmp_path)
    page = tmp_path / "page.html"
    page.write_text(TEMPLATE)
    found = list(unmarked.template_findings(page, Environment(extensions=["jinja2.ext.i18n"])))
    assert found == ["page.html:4: Unmarked sentence here.", 'page.html:5: title="Unmarked tooltip"']
    module = tmp_path / "views.py"
    module.write_text(MODULE)
    found = sorted(unmarked.python_findings(module), key=lambda line: int(line.split(":")[1]))
    assert [line.split(": ", 1)[1] for line in found] == [
        "'Saved without marking.'", "'No member called .'", "'Give the question a title.'", "'Title'",
        "'You may not.'", "'That address is taken.'", "built inside _(): 'Hello '"]
    assert all(line.startswith("views.py:") for line in found)


def test_every_user_facing_string_is_marked():
    findings = unmarked.all_findings()
    assert findings == [], "unmarked user-facing text:\n" + "\n".join(findings)


def test_babel_extracts_the_mails_plain_text_templates_too():
    config = (Path(unmarked.ROOT) / "babel.cfg").read_text()
    assert "[jinja2: templates/**.html]" in config and "[jinja2: templates/**.txt]" in config
