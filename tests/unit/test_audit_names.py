"""Issue 18 item 7: every audit code any module writes follows `<what>.<verb>` and has a name people read.

The writers are found by reading the source (every call of record_audit under forum/), so a new call site with
a new code fails here until forum/moderation/audit.py names it."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from forum.moderation.audit import ACTION_FAMILIES, ACTION_NAMES, action_groups, action_name

FORUM = Path(__file__).resolve().parents[2] / "forum"
CODE = re.compile(r"^[a-z_]+\.[a-z_]+$")


def _called(node: ast.Call) -> str:
    return getattr(node.func, "id", getattr(node.func, "attr", ""))


def _audit_calls() -> list[tuple[str, ast.expr]]:
    """(where, the action= expression) of every record_audit(...) call in the package. When the code is a
    parameter of a module's own helper (`_changed(actor, "synonym.create", ...)`), the helper's callers in that
    module supply the expressions instead."""
    calls = []
    for path in sorted(FORUM.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        functions = {node.name: node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
        for function in functions.values():
            for node in ast.walk(function):
                if not (isinstance(node, ast.Call) and _called(node) == "record_audit"):
                    continue
                where = f"{path.relative_to(FORUM.parent)}:{node.lineno}"
                action = next((kw.value for kw in node.keywords if kw.arg == "action"), None)
                assert action is not None, f"{where} calls record_audit without action="
                parameters = [arg.arg for arg in function.args.args + function.args.kwonlyargs]
                if isinstance(action, ast.Name) and action.id in parameters:
                    calls += _helper_arguments(tree, function, action.id, where)
                else:
                    calls.append((where, action))
    return calls


def _helper_arguments(tree: ast.Module, helper: ast.FunctionDef, name: str, where: str) -> list[tuple[str, ast.expr]]:
    index = [arg.arg for arg in helper.args.args].index(name) if name in [a.arg for a in helper.args.args] else None
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _called(node) == helper.name:
            value = next((kw.value for kw in node.keywords if kw.arg == name), None)
            if value is None and index is not None and index < len(node.args):
                value = node.args[index]
            assert value is not None, f"a call of {helper.name} at line {node.lineno} passes no {name}"
            found.append((f"{where} via line {node.lineno}", value))
    assert found, f"{where}: {helper.name} passes its {name} to record_audit but nothing calls it"
    return found


def _codes(expr: ast.expr) -> list[str]:
    """The literal codes an action= expression can produce; an f-string becomes a pattern (checked below)."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return [expr.value]
    if isinstance(expr, ast.IfExp):
        return _codes(expr.body) + _codes(expr.orelse)
    if isinstance(expr, ast.JoinedStr):
        return ["".join(re.escape(part.value) if isinstance(part, ast.Constant) else "[a-z_]+"
                        for part in expr.values)]
    raise AssertionError(f"an audit code must be a literal or an f-string, not {ast.dump(expr)}")


def test_the_source_has_audit_writers():
    assert len(_audit_calls()) >= 25  # a scan that finds nothing would pass everything below


def test_every_code_written_has_a_readable_name():
    for where, expr in _audit_calls():
        for code in _codes(expr):
            if isinstance(expr, ast.JoinedStr):
                assert any(re.fullmatch(code, known) for known in ACTION_NAMES), f"{where}: no name matches {code}"
            else:
                assert code in ACTION_NAMES, f"{where} writes {code!r}, which has no name in forum/moderation/audit.py"


def test_codes_built_at_run_time_have_names():
    """The two f-string writers: the thread tools (one code per tool) and the held-content review."""
    from forum.moderation.services import THREAD_ACTIONS
    for action in THREAD_ACTIONS:
        assert f"thread.{action}" in ACTION_NAMES
    for family in ("post", "idea", "idea_comment"):
        for verb in ("approve", "reject"):
            assert f"{family}.{verb}" in ACTION_NAMES


@pytest.mark.parametrize("code", sorted(ACTION_NAMES))
def test_codes_follow_one_scheme_and_names_read_as_sentences(code):
    assert CODE.match(code), code
    assert code.split(".")[0] in ACTION_FAMILIES, f"{code}: its family has no label in the filter"
    name = ACTION_NAMES[code]
    assert name[0].isupper() and "_" not in name and "." not in name


def test_unknown_codes_read_as_themselves_and_groups_follow_the_families():
    assert action_name("legacy_code") == "legacy_code"
    assert action_name("user.suspend") == "Suspended a member"
    assert action_name("idea.status") == "Changed an idea's status"
    groups = action_groups(["user.suspend", "thread.lock", "thread.pin", "legacy_code"])
    assert groups == [("thread", "Questions", [("thread.lock", "Locked a question"), ("thread.pin", "Pinned a question")]),
                      ("user", "Members", [("user.suspend", "Suspended a member")]),
                      ("", "Other", [("legacy_code", "legacy_code")])]


def test_target_types_read_as_words():
    from forum.moderation.audit import target_name
    assert target_name("thread") == "Question" and target_name("user") == "Member"
    assert target_name("legacy_type") == "legacy_type"


def test_the_log_page_reads_as_sentences_and_keeps_the_code_as_the_filter(app, client):
    """Rendered: the sentence and the readable target; the raw code is the filter's value and the API's field."""
    from forum.extensions import db
    from forum.models import Role, Thread
    from forum.moderation.services import lock_thread
    from tests.conftest import login_as
    from tests.factories import make_thread, make_user
    with app.app_context():
        moderator = make_user("mod", role=Role.MODERATOR)
        thread = make_thread(title="Hub drops off the network")
        lock_thread(actor=moderator, thread=db.session.get(Thread, thread.id))
        moderator_id, thread_id = moderator.id, thread.id
    login_as(client, moderator_id)
    page = client.get("/mod/audit").get_data(as_text=True)
    assert "Locked a question" in page and f"Question #{thread_id}" in page and "thread #" not in page
    assert 'href="/mod/audit?action=thread.lock"' in page and '<option value="thread.lock">Locked a question' in page
    only = client.get("/mod/audit?action=thread.lock").get_data(as_text=True)
    assert '<option value="thread.lock" selected>' in only and "Locked a question" in only
    entry = client.get("/api/v1/mod/audit?action=thread.lock").get_json()["items"][0]
    assert entry["action"] == "thread.lock" and entry["action_name"] == "Locked a question"
    assert entry["target_type"] == "thread"
