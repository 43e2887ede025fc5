"""Finding user-facing text that is not marked for translation: in templates, text between tags (and the
attributes people read) outside {% trans %}; in forum/, string literals handed to flash(), to the project's
user-facing errors (forum/errors.py), to Policy.ensure(), to field checks (FieldErrors.add, label=, hint=) and to
send_mail(subject=, text=). Also strings built inside _() (f-strings, .format, concatenation), which the
catalogue can never hold. Each finding is "path:line: text"."""
from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from html.parser import HTMLParser

from jinja2 import Environment

ROOT = Path(__file__).resolve().parents[2]
MARKERS = {"_", "_l", "gettext", "lazy_gettext", "ngettext", "lazy_ngettext"}
ERRORS = {"DomainError", "NotFound", "PermissionDenied", "Conflict", "Invalid", "BadRequest"}
# Text between tags that is no word of any language: symbols, and names that stay as they are in every language
# (formats, protocols). Compared after spaces are collapsed.
ALLOWED_TEXT = {"·", "©", "—", "–", "→", "←", "…", "×", "|", "/", "•", "»", "«", "✓", "↑", "↓",
                "UTC", "CSV", "JSON", "API", "RSS", "Atom", "Markdown", "OpenAPI", "ETag", "SLA", "ID", "Bearer",
                "English", "Nederlands",  # languages by their own names, never translated
                "&lt;token&gt;", "Authorization: Bearer &lt;token&gt;", "@username"}
READ_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt", "data-confirm", "aria-description"}
HOLE = "\ue000"  # stands for a Jinja expression or block: not a letter, so "{{ count }} ·" holds no words
_ENTITY = re.compile(r"&(?:[a-z]+|#\d+|#x[0-9a-f]+);", re.IGNORECASE)
_LETTER = re.compile(r"[^\W\d_]")


_ATTRIBUTE = re.compile(r"""[\w:.-]+\s*=\s*(?:"[^"]*"?|'[^']*'?)|^[^"]*"|"[^"]*$""")
_CODE = re.compile(r"[-_=/#{}\[\]<>]|\w[.:]\w|^[a-z]+[A-Z]")  # page-auth, aria-*, a/path, a.b, camelCase
_PUNCTUATION = ".,:;!?()\"'“”‘’…"
CODE_ELEMENTS = {"script", "style", "code", "pre", "kbd", "samp"}  # scripts mark their own strings (js_strings.py)


def _is_words(text: str, *, markup: bool = False) -> bool:
    """Whether `text` holds words a person reads. With `markup`, attribute fragments that macros write outside a
    tag (`aria-invalid="true"`, a class name between blocks) are no text."""
    text = _ENTITY.sub(" ", text.replace(HOLE, " "))
    if markup:
        text = _ATTRIBUTE.sub(" ", text)
        if all(_CODE.search(word.strip(_PUNCTUATION)) or not _LETTER.search(word) for word in text.split()):
            return False
    text = " ".join(text.split())
    if not text or text in ALLOWED_TEXT:
        return False
    return any(_LETTER.search(word) and word.strip(_PUNCTUATION) not in ALLOWED_TEXT for word in text.split())


def _untranslated_source(source: str, env: Environment) -> str:
    """The template with every Jinja expression, statement and {% trans %} block replaced by HOLE (and the
    newlines kept, so line numbers stay): what is left is the markup and text written straight into it."""
    out: list[str] = []
    line = 1
    in_trans = after_block_begin = False
    for lineno, kind, value in env.lex(source):
        if kind == "whitespace":  # inside {% %} and {{ }}: between block_begin and the statement's name
            continue
        if lineno > line:
            out.append("\n" * (lineno - line))
            line = lineno
        if kind == "block_begin":
            after_block_begin = True
            continue
        if after_block_begin and kind == "name":
            in_trans = value == "trans" or (in_trans and value != "endtrans")
        after_block_begin = False
        if kind == "data" and not in_trans:
            out.append(value)
        elif kind == "data":
            out.append(HOLE + "\n" * value.count("\n"))
        elif not out or not out[-1].endswith(HOLE):
            out.append(HOLE)
        line += value.count("\n") if kind == "data" else 0
    return "".join(out)


class _TextFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.found: list[tuple[int, str]] = []
        self.raw_text = 0  # inside CODE_ELEMENTS: code samples and scripts, not sentences

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in CODE_ELEMENTS:
            self.raw_text += 1
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value and _is_words(value):
                self.found.append((self.getpos()[0], f'{name}="{" ".join(value.split())}"'))

    def handle_endtag(self, tag: str) -> None:
        if tag in CODE_ELEMENTS:
            self.raw_text = max(0, self.raw_text - 1)

    def handle_data(self, data: str) -> None:
        if not self.raw_text and _is_words(data, markup=True):
            skipped = len(data) - len(data.lstrip())
            self.found.append((self.getpos()[0] + data[:skipped].count("\n"),
                               " ".join(data.replace(HOLE, "{{}}").split())[:80]))


def template_findings(path: Path, env: Environment) -> Iterator[str]:
    """Text and read attributes written straight into a template, outside {% trans %} and {{ _() }}."""
    finder = _TextFinder()
    finder.feed(_untranslated_source(path.read_text(encoding="utf-8"), env))
    finder.close()
    relative = path.relative_to(ROOT)
    for line, text in finder.found:
        yield f"{relative}:{line}: {text}"


def _callee(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _plain_text(node: ast.AST | None) -> str | None:
    """The text of a literal a reader would see: a str constant (with letters), an f-string, or a
    concatenation/format of them; None for anything else (a variable, a marked call)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value if _LETTER.search(node.value) else None
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value for part in node.values if isinstance(part, ast.Constant)) or "{...}"
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return _plain_text(node.left) or _plain_text(node.right)
    if isinstance(node, ast.Call) and _callee(node) == "format" and isinstance(node.func, ast.Attribute):
        return _plain_text(node.func.value)
    if isinstance(node, ast.IfExp):
        return _plain_text(node.body) or _plain_text(node.orelse)
    return None


def _message_texts(node: ast.Call) -> Iterator[ast.AST]:
    """The arguments of `node` a person reads, by what is called."""
    name = _callee(node)
    if name == "flash" and node.args:
        yield node.args[0]
    elif name in ERRORS:
        yield from node.args[:1]
        yield from (keyword.value for keyword in node.keywords if keyword.arg == "message")
        fields = node.args[1] if len(node.args) > 1 else next(
            (keyword.value for keyword in node.keywords if keyword.arg == "fields"), None)
        if isinstance(fields, ast.Dict):  # messages by field; codes ({"token": "expired"}) have no space
            yield from (value for value in fields.values if " " in (_plain_text(value) or ""))
    elif name == "ensure" and len(node.args) > 1:
        yield node.args[1]
    elif name == "add" and len(node.args) == 2 and isinstance(node.func, ast.Attribute):
        yield node.args[1]  # FieldErrors.add(field, message); set.add takes one argument
    elif name == "send_mail":
        yield from (keyword.value for keyword in node.keywords if keyword.arg in ("subject", "text"))
    yield from (keyword.value for keyword in node.keywords if keyword.arg in ("label", "hint")
                and name in ("text", "add", "number", "choice"))


def python_findings(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    relative = path.relative_to(ROOT)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if _callee(node) in MARKERS and isinstance(node.func, ast.Name):
            built = next((arg for arg in node.args[:2] if not isinstance(arg, ast.Constant)), None)
            if built is not None and _plain_text(built) is not None:
                yield f"{relative}:{node.lineno}: built inside {_callee(node)}(): {_plain_text(built)[:80]!r}"
            continue
        for argument in _message_texts(node):
            text = _plain_text(argument)
            if text is not None:
                yield f"{relative}:{argument.lineno}: {text[:80]!r}"


def all_findings() -> list[str]:
    env = Environment(extensions=["jinja2.ext.i18n"])
    found: list[str] = []
    for pattern in ("**/*.html", "**/*.txt"):
        for path in sorted((ROOT / "templates").glob(pattern)):
            found.extend(template_findings(path, env))
    for path in sorted((ROOT / "forum").rglob("*.py")):
        found.extend(python_findings(path))
    return found
