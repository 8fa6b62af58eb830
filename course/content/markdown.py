"""Markdown rendering (markdown-it-py, raw HTML off): boxes, internal links, and article citations.

Citations such as "Art. 24" or "Arts. 25–28" become links to the article pages; an
unknown article number or link target is a content problem at its file and line.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin

from course import convention
from course.content.model import SOURCE_LOCALE, ContentProblem, TocEntry

# --- links ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LinkScheme:
    """Where rendered content links to. The web app's routes must match these."""

    article: str = "/convention/articles/{number}"
    glossary: str = "/glossary#{term}"
    module: str = "/modules/{module}"
    lesson: str = "/modules/{module}/lessons/{lesson}"


@dataclass(frozen=True, slots=True)
class BoxLabels:
    """The fixed words the renderer puts around content: box titles, and true/false options."""

    scenario: str = "Scenario"
    answer: str = "Show a suggested answer"
    note: str = "Note"
    warning: str = "Take care"
    summary: str = "In brief"
    true: str = "True"
    false: str = "False"
    titled: str = "%(label)s: %(title)s"  # a box with a title, e.g. "Scenario: A ransomware attack"


# --- Markdown rendering -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CitationStyle:
    """How one language writes article citations ("Art. 24", "art. 24", "المادة 24")."""

    pattern: re.Pattern[str]  # groups: word, list
    number: re.Pattern[str]  # one number with its paragraph letters; group 1 is the number
    separator: re.Pattern[str]
    range_words: frozenset[str]
    hints: tuple[str, ...]  # a text without any of these cites nothing (a quick test before the pattern)


def _citation_style(
    word: str,
    joins: str,
    range_words: Iterable[str],
    hints: tuple[str, ...],
    paragraph: str = r"\([a-z0-9]+\)",
) -> CitationStyle:
    number = rf"\d+(?:{paragraph})*"
    separator = rf"\s?[–-]\s?|,\s|{joins}"
    return CitationStyle(
        pattern=re.compile(rf"{word}\s?(?P<list>{number}(?:(?:{separator}){number})*)"),
        number=re.compile(rf"(\d+)(?:{paragraph})*"),
        separator=re.compile(separator),
        range_words=frozenset({"–", "-", *range_words}),
        hints=hints,
    )


_ARABIC_WORD = r"(?<!\w)(?P<word>[وف]?(?:بال|لل|ال)(?:مادة|مادتان|مادتين|مواد)|Arts?\.)"
CITATION_STYLES: dict[str, CitationStyle] = {
    "en": _citation_style(r"\b(?P<word>Arts?\.)", r"\sand\s|\sto\s", ["to"], ("Art",)),
    # French and Spanish legal writing abbreviate "article" as "art." (plural "arts."), lower case.
    "fr": _citation_style(r"\b(?P<word>[Aa]rts?\.)", r"\set\s|\sà\s", ["à"], ("art", "Art")),
    "es": _citation_style(r"\b(?P<word>[Aa]rts?\.)", r"\sy\s|\sa\s", ["a"], ("art", "Art")),
    "ru": _citation_style(r"\b(?P<word>[Сс]т\.|Arts?\.)", r"\sи\s|\sпо\s", ["по"], ("ст.", "Ст.", "Art")),
    # Arabic writes the word in full, with attached prefixes:
    # المادة 24، بالمادة 24، المادتان 14 و16، المواد 25 إلى 28.
    "ar": _citation_style(
        _ARABIC_WORD,
        r"\s?و\s?|،\s?|\sإلى\s|\sحتى\s",
        ["إلى", "حتى"],
        ("ماد", "مواد", "Art"),
        paragraph=r"\s?\(\w{1,3}\)",
    ),
}
CITATION = CITATION_STYLES["en"].pattern
INTERNAL_SCHEMES = ("glossary", "lesson", "module", "article")
ALLOWED_EXTERNAL = ("http://", "https://", "mailto:", "#")


def citation_style(locale: str) -> CitationStyle:
    """The citation style of a language; English ("Art. 24") for a language without its own."""
    return CITATION_STYLES.get(locale.partition("_")[0], CITATION_STYLES[SOURCE_LOCALE])


def cited_numbers(text: str, locale: str = SOURCE_LOCALE) -> list[int]:
    """Every article number a text cites, with ranges such as 'Arts. 25–28' expanded."""
    style = citation_style(locale)
    numbers: list[int] = []
    for match in style.pattern.finditer(text):
        numbers.extend(_numbers_in(match.group("list"), style))
    return numbers


def _numbers_in(listing: str, style: CitationStyle = CITATION_STYLES[SOURCE_LOCALE]) -> list[int]:
    numbers: list[int] = []
    previous: int | None = None
    pending_range = False
    pos = 0
    while pos < len(listing):
        number = style.number.match(listing, pos)
        if number is None:
            break
        value = int(number.group(1))
        if pending_range and previous is not None and previous < value <= previous + 70:
            numbers.extend(range(previous + 1, value))
        numbers.append(value)
        previous = value
        pos = number.end()
        sep = style.separator.match(listing, pos)
        if sep is None:
            break
        pending_range = sep.group(0).strip() in style.range_words
        pos = sep.end()
    return numbers


@dataclass
class RenderEnv:
    """What a render call learns about its text, and what it may link to."""

    path: str
    first_line: int
    links: LinkScheme
    known_terms: frozenset[str]
    known_lessons: frozenset[tuple[str, str]]
    known_modules: frozenset[str]
    problems: list[ContentProblem]
    locale: str = SOURCE_LOCALE
    style: CitationStyle = CITATION_STYLES[SOURCE_LOCALE]
    citations: set[int] = field(default_factory=set)
    terms: list[str] = field(default_factory=list)

    def problem(self, token_line: int | None, message: str) -> None:
        line = self.first_line + (token_line or 0)
        self.problems.append(ContentProblem(self.path, line, message))


def _link_tokens(state_token: Token, href: str, text: str) -> list[Token]:
    open_ = Token("link_open", "a", 1)
    open_.attrs = {"href": href, "class": "cite"}
    body = Token("text", "", 0)
    body.content = text
    close = Token("link_close", "a", -1)
    return [open_, body, close]


def _citation_rule(state: Any) -> None:
    """Core rule: turn 'Art. 24' in text into links, and check every number."""
    env: RenderEnv | None = state.env.get("academy")
    if env is None:
        return
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        line = block.map[0] if block.map else None
        out: list[Token] = []
        in_link = 0
        for tok in block.children:
            if tok.type == "link_open":
                in_link += 1
            elif tok.type == "link_close":
                in_link -= 1
            if tok.type != "text" or in_link or not any(h in tok.content for h in env.style.hints):
                out.append(tok)
                continue
            out.extend(_split_citations(tok, env, line))
        block.children = out


def _split_citations(tok: Token, env: RenderEnv, line: int | None) -> list[Token]:
    out: list[Token] = []
    text = tok.content
    pos = 0
    style = env.style
    for match in style.pattern.finditer(text):
        if match.start() > pos:
            out.append(_text_token(text[pos : match.start()]))
        listing = match.group("list")
        list_start = match.start("list")
        numbers = _numbers_in(listing, style)
        for number in numbers:
            if convention.is_article(number):
                env.citations.add(number)
            else:
                env.problem(line, f"unknown article {number} in {match.group(0)!r}")
        # Link each number written in the text; the first one carries the "Art." word.
        cursor = match.start()
        for i, written in enumerate(style.number.finditer(listing)):
            start = list_start + written.start() if i else match.start()
            end = list_start + written.end()
            if start > cursor:
                out.append(_text_token(text[cursor:start]))
            number = int(written.group(1))
            if convention.is_article(number):
                href = env.links.article.format(number=number)
                out.extend(_link_tokens(tok, href, text[start:end]))
            else:
                out.append(_text_token(text[start:end]))
            cursor = end
        if cursor < match.end():
            out.append(_text_token(text[cursor : match.end()]))
        pos = match.end()
    if pos < len(text):
        out.append(_text_token(text[pos:]))
    return out


def _text_token(content: str) -> Token:
    tok = Token("text", "", 0)
    tok.content = content
    return tok


def _link_rule(state: Any) -> None:
    """Core rule: resolve glossary:/lesson:/module:/article: links; refuse unsafe ones."""
    env: RenderEnv | None = state.env.get("academy")
    if env is None:
        return
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        line = block.map[0] if block.map else None
        for tok in block.children:
            if tok.type != "link_open":
                continue
            href = str(tok.attrs.get("href", ""))
            scheme, _, target = href.partition(":")
            if scheme in INTERNAL_SCHEMES and target:
                tok.attrs["href"] = _resolve_internal(scheme, target, env, line) or "#"
            elif not href.startswith(ALLOWED_EXTERNAL):
                env.problem(
                    line,
                    f"broken or unsafe link {href!r} (use glossary:, lesson:, module:, article: or https://)",
                )
                tok.attrs["href"] = "#"
            elif href.startswith(("http://", "https://")):
                tok.attrs["rel"] = "noopener noreferrer"


def _resolve_internal(scheme: str, target: str, env: RenderEnv, line: int | None) -> str | None:
    if scheme == "glossary":
        if target not in env.known_terms:
            env.problem(line, f"broken link: no glossary term {target!r}")
            return None
        env.terms.append(target)
        return env.links.glossary.format(term=target)
    if scheme == "module":
        if target not in env.known_modules:
            env.problem(line, f"broken link: no module {target!r}")
            return None
        return env.links.module.format(module=target)
    if scheme == "lesson":
        module_id, _, lesson_id = target.partition("/")
        if (module_id, lesson_id) not in env.known_lessons:
            env.problem(line, f"broken link: no lesson {target!r} (write lesson:MODULE-ID/LESSON-ID)")
            return None
        return env.links.lesson.format(module=module_id, lesson=lesson_id)
    # article
    if not target.isdigit() or not convention.is_article(int(target)):
        env.problem(line, f"broken link: unknown article {target!r}")
        return None
    env.citations.add(int(target))
    return env.links.article.format(number=int(target))


def _slugify(title: str) -> str:
    slug = re.sub(r"[^\w\s-]", "", title.lower()).strip()
    return re.sub(r"[\s_-]+", "-", slug) or "section"


def make_renderer(labels: BoxLabels | None = None) -> MarkdownIt:
    """The one Markdown configuration for all content: CommonMark, raw HTML off."""
    labels = labels or BoxLabels()
    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
    md.use(anchors_plugin, min_level=2, max_level=3, slug_func=_slugify)
    md.use(footnote_plugin)

    def box(name: str, label: str, tag: str = "aside") -> None:
        def render(self: Any, tokens: list[Token], idx: int, _options: Any, _env: Any) -> str:
            tok = tokens[idx]
            if tok.nesting != 1:
                return f"</div></{tag}>\n"
            title = tok.info.strip()[len(name) :].strip()
            heading = html.escape(labels.titled % {"label": label, "title": title} if title else label)
            return f'<{tag} class="box box-{name}"><p class="box-title">{heading}</p><div class="box-body">\n'

        md.use(container_plugin, name=name, render=render)

    def answer(self: Any, tokens: list[Token], idx: int, _options: Any, _env: Any) -> str:
        if tokens[idx].nesting == 1:
            return f'<details class="answer"><summary>{html.escape(labels.answer)}</summary>\n'
        return "</details>\n"

    box("scenario", labels.scenario, "section")
    box("note", labels.note)
    box("warning", labels.warning)
    box("summary", labels.summary)
    md.use(container_plugin, name="answer", render=answer)
    md.core.ruler.push("academy_links", _link_rule)
    md.core.ruler.push("academy_citations", _citation_rule)
    return md


STATED_TITLE = re.compile(
    r"\bArt\. (?P<number>\d+)(?: \((?P<paren>[A-Z][^)]*)\)|, [\"“*]+(?P<quoted>[A-Z][^\"”*]*)[\"”*])"
)


def title_problems(text: str) -> list[tuple[int, str]]:
    """(line index, message) for each 'Art. N (Title)' or 'Art. N, "Title"' whose title is wrong."""
    found = []
    for number, line in enumerate(text.split("\n")):
        for match in STATED_TITLE.finditer(line):
            article = convention.get_article(int(match.group("number")))
            stated = (match.group("paren") or match.group("quoted") or "").strip()
            if article is not None and stated.lower() != article.title.lower():
                found.append((number, f"Art. {article.number} is titled {article.title!r}, not {stated!r}"))
    return found


UNSAFE_LINK = re.compile(r"\]\(\s*<?\s*(javascript|vbscript|data|file):", re.IGNORECASE)


def render_markdown(md: MarkdownIt, text: str, env: RenderEnv) -> tuple[str, list[Token]]:
    # markdown-it drops these links silently (they render as text); the author must hear of it.
    for number, line in enumerate(text.split("\n")):
        for match in UNSAFE_LINK.finditer(line):
            env.problem(number, f"broken or unsafe link: {match.group(1)}: links are not allowed")
    if env.locale == SOURCE_LOCALE:  # article titles are registered in English
        for number, message in title_problems(text):
            env.problem(number, message)
    tokens = md.parse(text, {"academy": env})
    return md.renderer.render(tokens, md.options, {"academy": env}), tokens


def toc(tokens: list[Token]) -> tuple[TocEntry, ...]:
    entries = []
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open" and tok.tag in ("h2", "h3") and tok.attrs.get("id"):
            title = tokens[i + 1].content if i + 1 < len(tokens) else ""
            entries.append(TocEntry(int(tok.tag[1]), str(tok.attrs["id"]), title))
    return tuple(entries)


def word_count(markdown: str) -> int:
    return len(re.findall(r"[\w’'-]+", markdown))


Render = Callable[[str, str, int], tuple[str, list[Token], RenderEnv]]


def listing(numbers: list[int]) -> str:
    return ("Art. " if len(numbers) == 1 else "Arts. ") + ", ".join(str(n) for n in numbers)
