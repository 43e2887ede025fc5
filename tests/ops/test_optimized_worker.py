"""Workers may run with `python -OO` (docs/deploy.md, "Worker memory" in docs/configuration.md): docstrings and
assert statements are dropped from the loaded code, about 5 MB a worker. This checks the forum does not depend on
either at run time: the demo community's pages for visitor, member, staff and admin, the OpenAPI document, a
refused and an accepted write, all served by an app in a `python -OO` subprocess."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import json, sys
import sqlalchemy as sa
from config import TestingConfig
from forum import create_app
from forum.extensions import db
from forum.models import Idea, Role, Thread, User

config = TestingConfig()
config.SQLALCHEMY_DATABASE_URI = "sqlite:///" + sys.argv[1] + "/forum.db"
config.SEARCH_INDEX_DIR = sys.argv[1] + "/index"
app = create_app(config)
with app.app_context():
    db.create_all()
runner = app.test_cli_runner()
seeded = runner.invoke(args=["forum", "seed-demo"])
assert_ok = seeded.exit_code == 0
with app.app_context():
    thread = db.session.execute(sa.select(Thread.id, Thread.slug).order_by(Thread.id).limit(1)).one()
    idea_id = db.session.scalar(sa.select(Idea.id).order_by(Idea.id).limit(1))
    people = {role: db.session.scalar(sa.select(User.id).where(User.role == role).order_by(User.id).limit(1))
              for role in (Role.MEMBER, Role.STAFF, Role.ADMIN)}
pages = {
    None: ["/", "/questions", f"/questions/{thread.id}/{thread.slug}", "/ideas", "/ideas/roadmap",
           f"/ideas/{idea_id}", "/search?q=hub", "/login", "/register", "/api/v1/questions",
           "/api/v1/openapi.json"],
    Role.MEMBER: ["/", f"/questions/{thread.id}/{thread.slug}", "/questions/ask", "/notifications", "/settings"],
    Role.STAFF: ["/staff/dashboard", "/staff/escalations", "/staff/listening", "/api/v1/stats"],
    Role.ADMIN: ["/admin", "/admin/users", "/admin/settings", "/mod/flags", "/mod/audit"],
}
out = {"optimize": sys.flags.optimize, "seeded": assert_ok, "docstring": create_app.__doc__, "pages": {}}
for role, paths in pages.items():
    client = app.test_client()
    if role is not None:
        with client.session_transaction() as session:
            with app.app_context():
                user = db.session.get(User, people[role])
                session["_user_id"] = user.get_id()
                session["_fresh"] = True
    for path in paths:
        response = client.get(path)
        out["pages"][f"{role or 'visitor'} {path}"] = response.status_code
    if role == Role.MEMBER:
        refused = client.post("/questions/ask", data={"title": "Hi", "body": "", "category": ""})
        out["refused"] = [refused.status_code, "at least" in refused.get_data(as_text=True)]
        with app.app_context():
            category = db.session.execute(sa.text("SELECT slug FROM categories ORDER BY id LIMIT 1")).scalar()
        asked = client.post("/questions/ask", data={"title": "The hub blinks orange after the update",
                                                    "body": "Since this morning it blinks orange.",
                                                    "category": category})
        out["asked"] = asked.status_code
print(json.dumps(out))
"""


def test_the_forum_serves_under_python_OO(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "FORUM_CONFIG": "config.TestingConfig"}
    env.pop("PYTHONOPTIMIZE", None)
    result = subprocess.run([sys.executable, "-OO", "-c", SCRIPT, str(tmp_path)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["optimize"] == 2 and out["docstring"] is None  # really optimized: docstrings are gone
    assert out["seeded"]
    failed = {page: status for page, status in out["pages"].items() if status != 200}
    assert not failed, failed
    assert out["refused"] == [422, True]  # a form error still names the field's minimum
    assert out["asked"] in (302, 303)
