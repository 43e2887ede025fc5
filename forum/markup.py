"""User text to safe HTML: Markdown, @mentions, sanitizing, plain text and search snippets."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from functools import cache
from html import unescape
from types import SimpleNamespace
from typing import TYPE_CHECKING

import nh3
from markupsafe import Markup, escape

if TYPE_CHECKING:  # markdown-it itself loads on the first post rendered (see _parser)
    from markdown_it import MarkdownIt
    from markdown_it.rules_core import StateCore
    from markdown_it.rules_inline import StateInline
    from markdown_it.token import Token

log = logging.getLogger(__name__)

MAX_MENTIONS = 50  # one resolver query per post, and no mass-pinging by pasting a member list


def _scan_link_label(state: StateInline, start: int, disableNested: bool = False) -> int:
    """markdown-it's parseLinkLabel, reading the skip cache before calling skipToken.

    Same results; 50,000 characters of `![` took 1.15 s with the stock helper, 0.6 s with this.
    """
    src, cache, end, skip = state.src, state.cache, state.posMax, state.md.inline.skipToken
    old, pos, level = state.pos, start + 1, 1
    try:
        while pos < end:
            marker = src[pos]
            if marker == "]":
                level -= 1
                if level == 0:
                    return pos
            nxt = cache.get(pos)
            if nxt is None:
                state.pos = pos
                skip(state)
                nxt = state.pos
            if marker == "[":
                if nxt == pos + 1:  # a bare "[" opens a nested label
                    level += 1
                elif disableNested:
                    return -1
            pos = nxt
        return -1
    finally:
        state.pos = old


@cache
def _parser() -> MarkdownIt:
    """The one Markdown parser, built on first use: a worker that only serves pages never renders Markdown
    (posts are rendered once, when written), so it never holds markdown-it and linkify (~1 MB each worker).

    Raw HTML off: every tag in the output is one markdown-it made, and nh3 still checks it.
    maxNesting stays at the preset's 20: deeper quotes and lists are cut, never a RecursionError."""
    from markdown_it import MarkdownIt, helpers
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
    md.enable(["table", "strikethrough", "linkify"])
    md.helpers = SimpleNamespace(  # type: ignore[assignment]  # this instance only; markdown_it's module stays untouched
        **{name: getattr(helpers, name) for name in helpers.__all__}
        | {"parseLinkLabel": _scan_link_label})
    md.core.ruler.at("inline", _inline_or_plain)
    return md

# More Markdown punctuation than this in one paragraph is not prose but an attack on the inline parser, which
# spends ~15 us per delimiter (50,000 characters of `[*` took ~1 s); such a paragraph is shown as plain text.
MAX_INLINE_MARKUP = 5_000
_INLINE_MARKUP = "[]*_`!<&\\~"


def _inline_or_plain(state: StateCore) -> None:
    """markdown-it's core "inline" rule, except that a paragraph dense with markup stays one text token."""
    for token in state.tokens:
        if token.type != "inline":
            continue
        if token.children is None:
            token.children = []
        if sum(map(token.content.count, _INLINE_MARKUP)) > MAX_INLINE_MARKUP:
            from markdown_it.token import Token
            text = Token("text", "", 0)
            text.content = token.content
            token.children.append(text)
        else:
            state.md.inline.parse(token.content, state.md, state.env, token.children)


# Exactly what markdown-it emits for our rules (no span: nothing makes one). img is kept
# because a screenshot is how members show a problem; its src must be absolute http(s).
_TAGS = {"p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "s",
         "blockquote", "ul", "ol", "li", "code", "pre", "a", "img",
         "table", "thead", "tbody", "tr", "th", "td"}
_ALIGN = {"align": {"left", "center", "right"}}
_CODE_CLASS = re.compile(r"language-[\w+#.-]{1,40}", re.ASCII)
_ABSOLUTE_HTTP = re.compile(r"https?://[^\s/]", re.IGNORECASE)


def _filter_attribute(tag: str, name: str, value: str) -> str | None:
    """Narrow the allowed attributes to the values this module itself produces."""
    if name == "class":
        ok = (tag == "code" and _CODE_CLASS.fullmatch(value)) or (tag == "a" and value == "mention")
        return value if ok else None
    if tag == "img" and name == "src":  # never a relative URL to one of our own endpoints
        return value if _ABSOLUTE_HTTP.match(value) else None
    if tag == "ol" and name == "start":
        return value if value.isascii() and value.isdigit() and len(value) <= 9 else None
    return value


_post_cleaner = nh3.Cleaner(
    tags=_TAGS,
    attributes={"a": {"href", "title", "class"}, "img": {"src", "alt", "title"},
                "code": {"class"}, "ol": {"start"}},
    tag_attribute_values={"th": _ALIGN, "td": _ALIGN},
    # Images load from the author's choice of host: no referrer leaks the thread URL to it.
    set_tag_attribute_values={"img": {"loading": "lazy", "referrerpolicy": "no-referrer"}},
    attribute_filter=_filter_attribute,
    url_schemes={"http", "https", "mailto"},
    link_rel="nofollow ugc noopener",
)
_snippet_cleaner = nh3.Cleaner(tags={"mark", "b"}, attributes={},
                               tag_attribute_values={"b": {"class": {"match"}}}, link_rel=None)
_text_cleaner = nh3.Cleaner(tags=set(), attributes={}, link_rel=None)

# A name is letters, digits, _ . - (3-30); trailing . and - are the sentence's punctuation.
# Not after a word character, @ . + - or /: that is an email address or a URL path.
_MENTION = re.compile(r"(?<![\w.@+/-])@([A-Za-z0-9_][A-Za-z0-9_.-]*)")
_BLOCK_TAG = re.compile(r"<(/?(?:p|br|hr|h[1-6]|li|blockquote|pre|tr|th|td|div)\b)", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_SURROGATE = re.compile("[\ud800-\udfff]")  # JSON can smuggle lone ones in; nh3 cannot encode them


def _valid(text: str | None) -> str:
    """The text with lone surrogates replaced, so every later step can encode it."""
    return _SURROGATE.sub("\ufffd", text or "")


def _mentions_in(text: str) -> Iterator[tuple[int, int, str]]:
    """Yield (start, end, name) of each @name in a piece of ordinary text."""
    for match in _MENTION.finditer(text):
        name = match.group(1).rstrip(".-")
        if 3 <= len(name) <= 30 and not text.startswith("@", match.end()):
            yield match.start(), match.start() + 1 + len(name), name


def rename_mention(text: str, old: str, new: str) -> str:
    """`text` with every @old (in any case) written as @new, by the same rule that finds mentions, so a deleted
    member's name also leaves the posts where others mentioned them."""
    def swap(match: re.Match[str]) -> str:
        name = match.group(1).rstrip(".-")
        if name.lower() != old.lower():
            return match.group(0)
        return f"@{new}{match.group(0)[1 + len(name):]}"

    return _MENTION.sub(swap, text)


def _text_flags(inline: Token) -> Iterator[tuple[Token, bool]]:
    """Each child of an inline token, flagged when it is text outside links (code spans are
    "code_inline", image alt text is nested in the image token, code blocks are never inline)."""
    depth = 0
    for child in inline.children or ():
        depth += (child.type == "link_open") - (child.type == "link_close")
        yield child, child.type == "text" and depth == 0


def _candidates(tokens: list[Token]) -> list[str]:
    """The first MAX_MENTIONS distinct names, case-insensitively, in order of appearance."""
    seen: dict[str, str] = {}
    for inline in tokens:
        for child, is_text in _text_flags(inline):
            if not is_text:
                continue
            for _start, _end, name in _mentions_in(child.content):
                seen.setdefault(name.lower(), name)
                if len(seen) == MAX_MENTIONS:
                    return list(seen.values())
    return list(seen.values())


def _with_links(child: Token, urls: dict[str, str]) -> list[Token]:
    """A text token split around its resolved @names, which become mention links."""
    from markdown_it.token import Token
    parts, pos = [], 0
    for start, end, name in _mentions_in(child.content):
        if (url := urls.get(name.lower())) is not None:
            parts += [Token("text", "", 0, content=child.content[pos:start]),
                      Token("link_open", "a", 1, attrs={"href": url, "class": "mention"}),
                      Token("text", "", 0, content=child.content[start:end]),
                      Token("link_close", "a", -1)]
            pos = end
    return [*parts, Token("text", "", 0, content=child.content[pos:])] if parts else [child]


def _link_mentions(tokens: list[Token], names: list[str], resolver: Callable) -> None:
    """Ask the resolver once, then turn the @names it knows into links in ordinary text."""
    found = resolver(names) or {}
    wanted = {name.lower() for name in names}
    urls = {key.lower(): url for key, url in found.items() if key.lower() in wanted}
    for inline in tokens:
        if inline.children:
            inline.children = [part for child, is_text in _text_flags(inline)
                               for part in (_with_links(child, urls) if is_text else (child,))]


def extract_mentions(text: str) -> list[str]:
    """Candidate @usernames in `text` (not in code, links or emails), deduplicated, at most 50."""
    try:
        return _candidates(_parser().parse(_valid(text)))
    except Exception:  # a mention list is never worth failing a post over
        log.exception("markdown parse failed while extracting mentions")
        return []


def render_markdown(
    text: str, *, mention_resolver: Callable[[list[str]], dict[str, str]] | None = None
) -> str:
    """Render a post once, at write time, to sanitized HTML that is stored and shown as is.

    `mention_resolver` gets the candidate names in one call (none when there are no
    candidates) and returns {lowercased name: profile URL} for the members that exist.
    """
    text = _valid(text)
    try:
        md = _parser()
        tokens = md.parse(text)
    except Exception:  # noqa: BLE001 - a post must always save and show, even if the parser trips
        return _escaped(text)
    if mention_resolver is not None and (names := _candidates(tokens)):
        _link_mentions(tokens, names, mention_resolver)  # its (database) errors are the caller's
    try:
        for token in tokens:  # style="text-align:x" -> align="x": style attributes are never kept
            if token.type in ("th_open", "td_open") and "style" in token.attrs:
                token.attrs["align"] = str(token.attrs.pop("style")).removeprefix("text-align:")
        return _post_cleaner.clean(md.renderer.render(tokens, md.options, {}))
    except Exception:  # noqa: BLE001 - as above: the renderer tripping shows the text escaped
        return _escaped(text)


def _escaped(text: str) -> str:
    """The fallback when markdown-it fails: the author's text, escaped, in one paragraph."""
    log.exception("markdown rendering failed; storing escaped text")
    return f"<p>{escape(text)}</p>"


def stored_html(html: str | None) -> Markup:
    """Mark stored post HTML safe for templates.

    It must only be given HTML produced by render_markdown (sanitized at write time);
    anything else would reach the page unescaped.
    """
    return Markup(html or "")


def plain_text(html_or_md: str, limit: int | None = None) -> str:
    """Tagless text for snippets, feeds and meta descriptions; the caller still escapes it.

    Cut on a word boundary with "…" so the result is at most `limit` characters.
    """
    spaced = _BLOCK_TAG.sub(r" <\1", _valid(html_or_md))  # "</p><p>" must not glue words together
    text = _SPACE.sub(" ", unescape(_text_cleaner.clean(spaced))).strip()
    if limit is None or len(text) <= limit:
        return text
    cut = text[: max(limit - 1, 0)]
    if " " in cut and text[len(cut)] != " ":
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


def sanitize_snippet(html: str) -> Markup:
    """Clean a search-highlight fragment down to <mark> and <b class="match">, safe to show.

    Returned as Markup (a str) because this module is the one place HTML is marked safe.
    """
    return Markup(_snippet_cleaner.clean(_valid(html)))


def mark_spans(text: str, spans: list[tuple[int, int]]) -> Markup:
    """Plain text with the given character ranges wrapped in <mark> (a listening match's words): every piece is
    escaped, so stored text can never become markup."""
    out, last = [], 0
    for start, end in sorted(spans):
        if start < last or end <= start:
            continue
        out.append(escape(text[last:start]))
        out.append(Markup("<mark>") + escape(text[start:end]) + Markup("</mark>"))
        last = end
    out.append(escape(text[last:]))
    return Markup("").join(out)
