"""Load, validate and render the content tree (content/), once per process.

The content tree is plain files (see content/README.md). `load_catalogue` reads
every module, lesson, quiz, the glossary and the learning paths, renders the
Markdown with markdown-it-py (raw HTML off), links article citations such as
"Art. 24" or "Arts. 25–28" to the article pages, and computes a content version
per module (a hash of its files). Every problem is collected with its file and
line; if there is any, `ContentError` carries the whole list.

Translations live beside the English files: `module.fr.md`, `01-lesson.fr.md`,
`quiz.fr.yaml` (see webapp/translations/README.md). They carry only text: ids,
order, answers and article lists always come from the English files, so
progress and attempts are shared across languages. Each translation records
the version of the English file it was translated from (`source_version`).
`Catalogue.in_locale("fr")` gives the course in French where a translation
exists and in English otherwise; `Lesson.locale` says which language a lesson
is actually written in. Problems in a translation's own text (a broken link, an
unknown article) are errors like any other; gaps that come from the English
moving on (a missing lesson or question, an outdated translation) are warnings:
they are reported, and the learner reads English there meanwhile.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin

from course import convention
from course.learning import quiz

MODULE_FILE = "module.md"
QUIZ_FILE = "quiz.yaml"
SOURCE_LOCALE = "en"
LESSON_PATTERN = re.compile(r"^\d{2}-[a-z0-9-]+\.md$")
TRANSLATION_PATTERN = re.compile(
    r"^(?P<stem>module|quiz|\d{2}-[a-z0-9-]+)\.(?P<locale>[a-z]{2,3}(?:_[A-Z]{2})?)\.(?P<ext>md|yaml)$"
)
VERSION_PATTERN = re.compile(r"^[0-9a-f]{12}$")
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
AUDIENCES = (
    "investigators",
    "prosecutors",
    "judges",
    "central-authorities",
    "victim-support",
    "policy-makers",
)


# --- results ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ContentProblem:
    """A problem at a file and line. A warning does not stop the app (a translation lagging behind)."""

    path: str
    line: int
    message: str
    is_warning: bool = False

    def __str__(self) -> str:
        kind = "warning: " if self.is_warning else ""
        return f"{self.path}:{self.line}: {kind}{self.message}"


class ContentError(Exception):
    """The content tree has problems; `problems` lists every one with file and line.

    `warnings` holds what was found besides (translations behind the English source).
    """

    def __init__(self, problems: list[ContentProblem], warnings: list[ContentProblem] | None = None):
        self.problems = problems
        self.warnings = warnings or []
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True, slots=True)
class TocEntry:
    level: int
    anchor: str
    title: str


@dataclass(frozen=True, slots=True)
class Lesson:
    id: str
    title: str
    module_id: str
    position: int  # 1-based, in reading order
    html: str
    toc: tuple[TocEntry, ...]
    word_count: int
    citations: frozenset[int]
    glossary_terms: frozenset[str]
    source: str
    locale: str = SOURCE_LOCALE  # the language this lesson is written in (English when untranslated)
    version: str = ""  # hash of the English lesson file, which translations record as source_version


@dataclass(frozen=True, slots=True)
class QuizSettings:
    questions_per_attempt: int = quiz.DEFAULT_QUESTIONS_PER_ATTEMPT
    pass_mark: int = quiz.DEFAULT_PASS_MARK
    max_attempts: int | None = None
    wait_minutes: int = 0


@dataclass(frozen=True, slots=True)
class Module:
    id: str
    title: str
    summary: str
    order: int
    estimated_minutes: int
    audience: tuple[str, ...]
    objectives: tuple[str, ...]
    key_articles: tuple[int, ...]
    overview_html: str
    lessons: tuple[Lesson, ...]
    questions: tuple[quiz.Question, ...]
    quiz: QuizSettings
    version: str
    source: str
    locale: str = SOURCE_LOCALE  # language of the title, summary, objectives and overview
    quiz_locale: str = SOURCE_LOCALE  # a translated language only when every question is translated

    def lesson(self, lesson_id: str) -> Lesson | None:
        return next((x for x in self.lessons if x.id == lesson_id), None)

    @property
    def question_pool(self) -> dict[str, quiz.Question]:
        return {q.id: q for q in self.questions}


@dataclass(frozen=True, slots=True)
class LearningPath:
    id: str
    title: str
    summary: str
    module_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class GlossaryTerm:
    id: str
    term: str
    definition_html: str
    articles: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Citation:
    """A place in the content that cites an article: a lesson or a quiz question."""

    module_id: str
    lesson_id: str | None
    question_id: str | None
    title: str


@dataclass(frozen=True)
class Catalogue:
    """The course in one language: English, or a language with English wherever it is untranslated."""

    modules: tuple[Module, ...]
    paths: tuple[LearningPath, ...]
    glossary: tuple[GlossaryTerm, ...]
    citations: dict[int, tuple[Citation, ...]] = field(default_factory=dict)
    term_first_use: dict[str, tuple[str, str]] = field(default_factory=dict)
    locale: str = SOURCE_LOCALE
    warnings: tuple[ContentProblem, ...] = ()
    by_locale: dict[str, Catalogue] = field(default_factory=dict, repr=False, compare=False)

    @property
    def locales(self) -> tuple[str, ...]:
        """The languages the content exists in: English first, then every translation."""
        return (SOURCE_LOCALE, *sorted(k for k in self.by_locale if k != SOURCE_LOCALE))

    def in_locale(self, locale: str | None) -> Catalogue:
        """The course in `locale` ('fr', 'fr_CA' …), falling back to English where it is not translated."""
        if not locale:
            return self.by_locale.get(SOURCE_LOCALE, self)
        for key in (locale, locale.replace("-", "_").partition("_")[0].lower()):
            if key in self.by_locale:
                return self.by_locale[key]
        return self.by_locale.get(SOURCE_LOCALE, self)

    def module(self, module_id: str, locale: str | None = None) -> Module | None:
        """The module in this catalogue's language, or in `locale` when given (with English fallback)."""
        if locale is not None:
            return self.in_locale(locale).module(module_id)
        return next((m for m in self.modules if m.id == module_id), None)

    def path(self, path_id: str) -> LearningPath | None:
        return next((p for p in self.paths if p.id == path_id), None)

    def modules_of(self, path: LearningPath) -> list[Module]:
        return [m for m in (self.module(i) for i in path.module_ids) if m is not None]


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


# --- YAML with line numbers --------------------------------------------------------


class _LineLoader(yaml.SafeLoader):
    """A safe loader that records each mapping's 1-based line under '__line__'."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _load_yaml(text: str, path: str, first_line: int, problems: list[ContentProblem]) -> Any:
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        line = first_line + (mark.line if mark else 0)
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        problems.append(ContentProblem(path, line, f"unreadable YAML: {reason}"))
        return None
    if isinstance(data, dict):
        _shift_lines(data, first_line - 1)
    return data


def _shift_lines(data: Any, offset: int) -> None:
    if isinstance(data, dict):
        if "__line__" in data:
            data["__line__"] += offset
        for value in data.values():
            _shift_lines(value, offset)
    elif isinstance(data, list):
        for value in data:
            _shift_lines(value, offset)


def _split_front_matter(
    text: str, path: str, problems: list[ContentProblem]
) -> tuple[dict[str, Any] | None, str, int]:
    """Return (front matter, body, line number where the body starts)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        problems.append(ContentProblem(path, 1, "missing front matter (the file must start with ---)"))
        return None, text, 1
    for end in range(1, len(lines)):
        if lines[end].strip() == "---":
            break
    else:
        problems.append(ContentProblem(path, 1, "front matter is not closed with ---"))
        return None, "", 1
    data = _load_yaml("\n".join(lines[1:end]), path, 2, problems)
    body = "\n".join(lines[end + 1 :])
    if data is None:
        return None, body, end + 2
    if not isinstance(data, dict):
        problems.append(ContentProblem(path, 2, "front matter must be a mapping of fields"))
        return None, body, end + 2
    return data, body, end + 2


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
class _RenderEnv:
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
    env: _RenderEnv | None = state.env.get("academy")
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


def _split_citations(tok: Token, env: _RenderEnv, line: int | None) -> list[Token]:
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
    env: _RenderEnv | None = state.env.get("academy")
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


def _resolve_internal(scheme: str, target: str, env: _RenderEnv, line: int | None) -> str | None:
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


def _render(md: MarkdownIt, text: str, env: _RenderEnv) -> tuple[str, list[Token]]:
    # markdown-it drops these links silently (they render as text); the author must hear of it.
    for number, line in enumerate(text.split("\n")):
        for match in UNSAFE_LINK.finditer(line):
            env.problem(number, f"broken or unsafe link: {match.group(1)}: links are not allowed")
    if env.locale == SOURCE_LOCALE:  # article titles are registered in English
        for number, message in title_problems(text):
            env.problem(number, message)
    tokens = md.parse(text, {"academy": env})
    return md.renderer.render(tokens, md.options, {"academy": env}), tokens


def _toc(tokens: list[Token]) -> tuple[TocEntry, ...]:
    entries = []
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open" and tok.tag in ("h2", "h3") and tok.attrs.get("id"):
            title = tokens[i + 1].content if i + 1 < len(tokens) else ""
            entries.append(TocEntry(int(tok.tag[1]), str(tok.attrs["id"]), title))
    return tuple(entries)


# --- loading ------------------------------------------------------------------------


@dataclass
class _ModuleDraft:
    """A module's files as read, before rendering (rendering needs every id first)."""

    dir: Path
    meta: dict[str, Any]
    overview: str
    overview_line: int
    lessons: list[tuple[Path, dict[str, Any], str, int]]
    questions: list[quiz.Question]
    translations: dict[str, dict[str, Path]] = field(default_factory=dict)  # locale -> stem -> file


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def _require_id(meta: dict[str, Any], path: str, problems: list[ContentProblem]) -> str | None:
    value = meta.get("id")
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        problems.append(
            ContentProblem(
                path,
                meta.get("__line__", 2),
                "missing or invalid 'id' (lowercase letters, digits, hyphens)",
            )
        )
        return None
    return value


def _line_of(meta: dict[str, Any], key: str) -> int:
    """Best line for a front-matter field: the mapping's first line plus the key's position."""
    base = int(meta.get("__line__", 2))
    keys = [k for k in meta if k != "__line__"]
    return base + keys.index(key) if key in keys else base


def _read_module(
    mdir: Path, root: Path, problems: list[ContentProblem], declared: set[str]
) -> _ModuleDraft | None:
    mpath = mdir / MODULE_FILE
    rel = _rel(mpath, root)
    if not mpath.is_file():
        problems.append(ContentProblem(_rel(mdir, root), 0, f"module folder without {MODULE_FILE}"))
        return None
    meta, overview, body_line = _split_front_matter(_read_text(mpath, rel, problems), rel, problems)
    if meta is None:
        declared.add(mdir.name.partition("-")[2])
        return None
    if isinstance(meta.get("id"), str):
        declared.add(meta["id"])
    ok = _check_module_meta(meta, rel, problems)
    translations = _find_translations(mdir, root, problems)
    lessons = []
    for lpath in sorted(mdir.glob("*.md")):
        if lpath.name == MODULE_FILE or TRANSLATION_PATTERN.match(lpath.name):
            continue
        lrel = _rel(lpath, root)
        if not LESSON_PATTERN.match(lpath.name):
            problems.append(ContentProblem(lrel, 0, "lesson file names look like 01-short-title.md"))
            continue
        lmeta, lbody, lline = _split_front_matter(_read_text(lpath, lrel, problems), lrel, problems)
        if lmeta is None:
            continue
        if _require_id(lmeta, lrel, problems) is None:
            continue
        if not isinstance(lmeta.get("title"), str) or not lmeta["title"].strip():
            problems.append(ContentProblem(lrel, _line_of(lmeta, "title"), "missing 'title'"))
            continue
        lessons.append((lpath, lmeta, lbody, lline))
    if not lessons:
        problems.append(ContentProblem(rel, 1, "module has no lessons"))
    ids = [m["id"] for _, m, _, _ in lessons]
    for lpath, lmeta, _, _ in lessons:
        if ids.count(lmeta["id"]) > 1:
            problems.append(
                ContentProblem(_rel(lpath, root), lmeta["__line__"], f"duplicate lesson id {lmeta['id']!r}")
            )
    questions = _read_quiz(mdir / QUIZ_FILE, root, problems)
    if not ok:
        return None
    return _ModuleDraft(mdir, meta, overview, body_line, lessons, questions, translations)


def _find_translations(mdir: Path, root: Path, problems: list[ContentProblem]) -> dict[str, dict[str, Path]]:
    """The module's translation files by language and English stem ('module', 'quiz', '01-slug')."""
    found: dict[str, dict[str, Path]] = {}
    for path in sorted(mdir.iterdir()):
        match = TRANSLATION_PATTERN.match(path.name)
        if match is None or not path.is_file():
            continue
        stem, locale, ext = match.group("stem", "locale", "ext")
        if locale == SOURCE_LOCALE:
            english = QUIZ_FILE if stem == "quiz" else f"{stem}.md"
            problems.append(
                ContentProblem(_rel(path, root), 0, f"English is the source: edit {english} instead")
            )
        elif (stem == "quiz") != (ext == "yaml"):
            right = f"quiz.{locale}.yaml" if stem == "quiz" else f"{stem}.{locale}.md"
            problems.append(
                ContentProblem(_rel(path, root), 0, f"a translation of this file is named {right}")
            )
        else:
            found.setdefault(locale, {})[stem] = path
    return found


def _read_text(path: Path, rel: str, problems: list[ContentProblem]) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(ContentProblem(rel, 0, f"cannot read file: {exc}"))
        return ""


def _check_module_meta(meta: dict[str, Any], rel: str, problems: list[ContentProblem]) -> bool:
    before = len(problems)

    def bad(key: str, message: str) -> None:
        problems.append(ContentProblem(rel, _line_of(meta, key), message))

    _require_id(meta, rel, problems)
    for key in ("title", "summary"):
        if not isinstance(meta.get(key), str) or not meta[key].strip():
            bad(key, f"missing '{key}'")
    for key in ("order", "estimated_minutes"):
        if not isinstance(meta.get(key), int) or isinstance(meta.get(key), bool) or meta[key] < 1:
            bad(key, f"'{key}' must be a whole number above 0")
    objectives = meta.get("objectives")
    if not isinstance(objectives, list) or not objectives or not all(isinstance(o, str) for o in objectives):
        bad("objectives", "'objectives' must be a list of sentences")
    audience = meta.get("audience")
    if not isinstance(audience, list) or not audience:
        bad("audience", f"'audience' must list some of: {', '.join(AUDIENCES)}")
    else:
        for who in audience:
            if who not in AUDIENCES:
                bad("audience", f"unknown audience {who!r} (use: {', '.join(AUDIENCES)})")
    key_articles = meta.get("key_articles")
    if not isinstance(key_articles, list) or not key_articles:
        bad("key_articles", "'key_articles' must list article numbers")
    else:
        for number in key_articles:
            if not isinstance(number, int) or not convention.is_article(number):
                bad("key_articles", f"unknown article {number!r} in key_articles")
    settings = meta.get("quiz", {})
    if not isinstance(settings, dict):
        bad("quiz", "'quiz' must be a mapping (questions_per_attempt, pass_mark, …)")
    else:
        for key, low, high in (
            ("questions_per_attempt", 1, 100),
            ("pass_mark", 1, 100),
            ("max_attempts", 1, 1000),
            ("wait_minutes", 0, 10080),
        ):
            value = settings.get(key)
            if value is not None and (not isinstance(value, int) or not low <= value <= high):
                bad("quiz", f"quiz.{key} must be a whole number from {low} to {high}")
    return len(problems) == before


def _read_quiz(path: Path, root: Path, problems: list[ContentProblem]) -> list[quiz.Question]:
    rel = _rel(path, root)
    if not path.is_file():
        problems.append(ContentProblem(rel, 0, "module has no quiz.yaml"))
        return []
    data = _load_yaml(_read_text(path, rel, problems), rel, 1, problems)
    if data is None:
        return []
    raw_questions = data.get("questions") if isinstance(data, dict) else None
    if not isinstance(raw_questions, list) or not raw_questions:
        problems.append(ContentProblem(rel, 1, "quiz.yaml needs a non-empty 'questions' list"))
        return []
    found: list[quiz.Problem] = []
    questions = []
    for raw in raw_questions:
        question = quiz.read_question(raw, convention.is_article, found)
        if question is not None:
            questions.append(question)
    for question in questions:
        texts = [question.prompt, *(o.text for o in question.options)]
        for _index, message in title_problems("\n".join(texts)):
            found.append(quiz.Problem(question.line, f"question {question.id!r}: {message}"))
    seen: set[str] = set()
    for question in questions:
        if question.id in seen:
            found.append(quiz.Problem(question.line, f"duplicate question id {question.id!r}"))
        seen.add(question.id)
    problems.extend(ContentProblem(rel, p.line, p.message) for p in found)
    return questions


def _version(mdir: Path) -> str:
    """The module's content version: a hash of its English files (translations do not change it)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in mdir.iterdir() if p.is_file() and not TRANSLATION_PATTERN.match(p.name)):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def file_version(path: str | Path) -> str:
    """The version of one English file, as a translation records it in `source_version`."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def _words(markdown: str) -> int:
    return len(re.findall(r"[\w’'-]+", markdown))


Render = Callable[[str, str, int], tuple[str, list[Token], _RenderEnv]]


def load_catalogue(
    root: str | Path,
    links: LinkScheme | None = None,
    labels: BoxLabels | None = None,
    locale_labels: Mapping[str, BoxLabels] | None = None,
) -> Catalogue:
    """Read, validate and render the whole content tree; raise ContentError on any problem.

    `labels` are the English box labels; `locale_labels` those of each other language
    (a language without them gets the English ones). The returned catalogue is the
    English one; `in_locale()` gives the others.
    """
    root = Path(root)
    links = links or LinkScheme()
    problems: list[ContentProblem] = []
    warnings: list[ContentProblem] = []
    modules_dir = root / "modules"
    if not modules_dir.is_dir():
        raise ContentError([ContentProblem(str(modules_dir), 0, "no modules folder")])

    drafts = []
    declared: set[str] = set()  # module ids written, even in a module with other problems
    for mdir in sorted(p for p in modules_dir.iterdir() if p.is_dir()):
        draft = _read_module(mdir, root, problems, declared)
        if draft is not None:
            drafts.append(draft)
    _check_unique(drafts, root, problems)
    raw_terms = _read_glossary(root, problems)
    env_base = {
        "links": links,
        "known_terms": frozenset(t["id"] for t in raw_terms),
        "known_modules": frozenset(d.meta["id"] for d in drafts),
        "known_lessons": frozenset((d.meta["id"], m["id"]) for d in drafts for _, m, _, _ in d.lessons),
        "problems": problems,
    }

    def renderer(locale: str, box_labels: BoxLabels | None) -> Render:
        md = make_renderer(box_labels)
        style = citation_style(locale)

        def render(text: str, path: str, first_line: int) -> tuple[str, list[Token], _RenderEnv]:
            env = _RenderEnv(path=path, first_line=first_line, locale=locale, style=style, **env_base)  # type: ignore[arg-type]
            rendered, tokens = _render(md, text, env)
            return rendered, tokens, env

        return render

    render = renderer(SOURCE_LOCALE, labels)
    built = [(d, _build_module(d, root, render)) for d in drafts]
    modules = sorted((m for _, m in built), key=lambda m: (m.order, m.id))
    glossary = tuple(
        GlossaryTerm(
            t["id"],
            t["term"],
            render(t["definition"], _rel(root / "glossary.yaml", root), t["__line__"])[0],
            tuple(t["articles"]),
        )
        for t in raw_terms
    )
    paths = _read_paths(root, declared, problems)

    translated: dict[str, dict[str, Module]] = {}
    for locale in sorted({loc for d in drafts for loc in d.translations}):
        box_labels = (locale_labels or {}).get(locale) or labels or BoxLabels()
        report = _Report(root, problems, warnings)
        translate = _Translator(locale, renderer(locale, box_labels), box_labels, report)
        translated[locale] = {
            module.id: translate.module(draft, module)
            for draft, module in built
            if locale in draft.translations
        }
    if problems:
        raise ContentError(problems, warnings)
    shared: dict[str, Catalogue] = {}
    english = Catalogue(
        modules=tuple(modules),
        paths=paths,
        glossary=glossary,
        citations=_citation_index(modules),
        term_first_use=_first_uses(modules),
        warnings=tuple(warnings),
        by_locale=shared,
    )
    shared[SOURCE_LOCALE] = english
    for locale, by_id in translated.items():
        localized = [by_id.get(m.id, m) for m in modules]
        shared[locale] = replace(
            english,
            modules=tuple(localized),
            citations=_citation_index(localized),
            term_first_use=_first_uses(localized),
            locale=locale,
        )
    return english


# --- translations -------------------------------------------------------------------


@dataclass
class _Report:
    """Where translation problems go: errors stop the app, warnings are reported."""

    root: Path
    problems: list[ContentProblem]
    warnings: list[ContentProblem]

    def error(self, path: Path, line: int, message: str) -> None:
        self.problems.append(ContentProblem(_rel(path, self.root), line, message))

    def warn(self, path: Path, line: int, message: str) -> None:
        self.warnings.append(ContentProblem(_rel(path, self.root), line, message, is_warning=True))

    def source_version(self, meta: dict[str, Any], path: Path, english: Path, line: int) -> None:
        """A translation must say which version of the English file it translates; warn when that is old."""
        current = file_version(english)
        stated = meta.get("source_version")
        if stated is None:
            self.error(
                path,
                line,
                f"missing 'source_version': the version of {english.name} translated (now {current!r})",
            )
        elif not isinstance(stated, str) or not VERSION_PATTERN.match(stated):
            self.error(
                path,
                line,
                f"'source_version' must be 12 hex characters in quotes, the version of {english.name} "
                f"(now {current!r})",
            )
        elif stated != current:
            self.warn(
                path,
                line,
                f"older than the English source: translated from {english.name} version {stated}, "
                f"which is now {current}; update the translation, then source_version",
            )


MODULE_TRANSLATION_FIELDS = ("id", "title", "summary", "objectives", "source_version")


@dataclass
class _Translator:
    """Builds a module in one language from its English build and its translation files."""

    locale: str
    render: Render
    labels: BoxLabels
    report: _Report

    def module(self, draft: _ModuleDraft, english: Module) -> Module:
        files = draft.translations[self.locale]
        fields: dict[str, Any] = {}
        if "module" in files:
            fields = self._module_text(files["module"], draft, english)
        else:
            self.report.warn(
                draft.dir / MODULE_FILE, 1, f"no translation into {self.locale!r} (module.{self.locale}.md)"
            )
        lessons = self._lessons(draft, english, files)
        questions, quiz_locale = english.questions, SOURCE_LOCALE
        if "quiz" in files:
            questions, complete = self._quiz(files["quiz"], draft.dir / QUIZ_FILE, english)
            quiz_locale = self.locale if complete else SOURCE_LOCALE
        else:
            self.report.warn(
                draft.dir / QUIZ_FILE, 1, f"no translation into {self.locale!r} (quiz.{self.locale}.yaml)"
            )
        return replace(english, lessons=lessons, questions=questions, quiz_locale=quiz_locale, **fields)

    def _module_text(self, path: Path, draft: _ModuleDraft, english: Module) -> dict[str, Any]:
        rel = _rel(path, self.report.root)
        meta, body, body_line = _split_front_matter(
            _read_text(path, rel, self.report.problems), rel, self.report.problems
        )
        if meta is None:
            return {}
        before = len(self.report.problems)
        for key in meta:
            if key != "__line__" and key not in MODULE_TRANSLATION_FIELDS:
                self.report.error(
                    path, _line_of(meta, key), f"'{key}' is set in {MODULE_FILE} only; remove it here"
                )
        if meta.get("id", english.id) != english.id:
            self.report.error(path, _line_of(meta, "id"), f"id must be {english.id!r}, as in {MODULE_FILE}")
        for key in ("title", "summary"):
            if not isinstance(meta.get(key), str) or not meta[key].strip():
                self.report.error(path, _line_of(meta, key), f"missing '{key}'")
        objectives = meta.get("objectives", list(english.objectives))
        if not isinstance(objectives, list) or not all(isinstance(o, str) and o.strip() for o in objectives):
            self.report.error(path, _line_of(meta, "objectives"), "'objectives' must be a list of sentences")
        elif len(objectives) != len(english.objectives):
            self.report.warn(
                path,
                _line_of(meta, "objectives"),
                f"{len(objectives)} objectives, but {MODULE_FILE} has {len(english.objectives)}",
            )
        self.report.source_version(meta, path, draft.dir / MODULE_FILE, _line_of(meta, "source_version"))
        overview_html, _, _ = self.render(body, rel, body_line)
        if len(self.report.problems) > before:
            return {}
        return {
            "title": meta["title"].strip(),
            "summary": meta["summary"].strip(),
            "objectives": tuple(o.strip() for o in objectives),
            "overview_html": overview_html,
            "source": rel,
            "locale": self.locale,
        }

    def _lessons(self, draft: _ModuleDraft, english: Module, files: dict[str, Path]) -> tuple[Lesson, ...]:
        stems = {lpath.name.removesuffix(".md") for lpath, _, _, _ in draft.lessons}
        for stem, path in files.items():
            if stem not in ("module", "quiz") and stem not in stems:
                self.report.warn(path, 1, f"translates a lesson that does not exist: there is no {stem}.md")
        lessons = []
        for (lpath, lmeta, _, _), lesson in zip(draft.lessons, english.lessons, strict=True):
            stem = lpath.name.removesuffix(".md")
            path = files.get(stem)
            if path is None:
                self.report.warn(lpath, 1, f"no translation into {self.locale!r} ({stem}.{self.locale}.md)")
            translated = self._lesson(path, lpath, lmeta, lesson) if path is not None else None
            lessons.append(translated or lesson)
        return tuple(lessons)

    def _lesson(
        self, path: Path, english_path: Path, english_meta: dict[str, Any], english: Lesson
    ) -> Lesson | None:
        rel = _rel(path, self.report.root)
        meta, body, line = _split_front_matter(
            _read_text(path, rel, self.report.problems), rel, self.report.problems
        )
        if meta is None:
            return None
        before = len(self.report.problems)
        if meta.get("id", english.id) != english.id:
            self.report.error(
                path, _line_of(meta, "id"), f"id must be {english.id!r}, as in {english_path.name}"
            )
        if not isinstance(meta.get("title"), str) or not meta["title"].strip():
            self.report.error(path, _line_of(meta, "title"), "missing 'title'")
        for key in meta:
            if key not in ("__line__", "id", "title", "source_version"):
                self.report.error(
                    path,
                    _line_of(meta, key),
                    f"unknown field '{key}' (a lesson translation has title and source_version)",
                )
        self.report.source_version(meta, path, english_path, _line_of(meta, "source_version"))
        lesson_html, tokens, env = self.render(body, rel, line)
        if len(self.report.problems) > before:
            return None
        self._compare_citations(path, line, english.citations, env.citations)
        return replace(
            english,
            title=meta["title"].strip(),
            html=lesson_html,
            toc=_toc(tokens),
            word_count=_words(body),
            citations=frozenset(env.citations),
            glossary_terms=frozenset(env.terms),
            source=rel,
            locale=self.locale,
        )

    def _compare_citations(
        self, path: Path, line: int, english: Iterable[int], translated: Iterable[int]
    ) -> None:
        lost, added = sorted(set(english) - set(translated)), sorted(set(translated) - set(english))
        if lost:
            self.report.warn(path, line, f"does not cite {_listing(lost)}, which the English text cites")
        if added:
            self.report.warn(path, line, f"cites {_listing(added)}, which the English text does not")

    def _quiz(
        self, path: Path, english_path: Path, english: Module
    ) -> tuple[tuple[quiz.Question, ...], bool]:
        """The questions with translated text where the translation fits; English for the others."""
        rel = _rel(path, self.report.root)
        data = _load_yaml(_read_text(path, rel, self.report.problems), rel, 1, self.report.problems)
        items = data.get("questions") if isinstance(data, dict) else None
        if not isinstance(items, list):
            self.report.error(path, 1, f"quiz.{self.locale}.yaml needs a 'questions' list")
            return english.questions, False
        self.report.source_version(data, path, english_path, _line_of(data, "source_version"))
        pool = english.question_pool
        translated: dict[str, quiz.Question] = {}
        seen: set[str] = set()
        for raw in items:
            line = raw.get("__line__", 1) if isinstance(raw, dict) else 1
            qid = str(raw.get("id", "")).strip() if isinstance(raw, dict) else ""
            if not qid:
                self.report.error(path, line, "each question needs the id it has in quiz.yaml")
                continue
            if qid in seen:
                self.report.error(path, line, f"duplicate question id {qid!r}")
                continue
            seen.add(qid)
            if qid not in pool:
                self.report.warn(
                    path, line, f"question {qid!r} is not in quiz.yaml (removed there, or a wrong id)"
                )
                continue
            question = self._question(path, line, raw, pool[qid])
            if question is not None:
                translated[qid] = question
        missing = [q.id for q in english.questions if q.id not in seen]
        if missing:
            self.report.warn(path, 1, f"missing question ids (shown in English): {', '.join(missing)}")
        questions = tuple(translated.get(q.id, q) for q in english.questions)
        return questions, len(translated) == len(english.questions)

    def _question(
        self, path: Path, line: int, raw: dict[str, Any], english: quiz.Question
    ) -> quiz.Question | None:
        qid = english.id
        texts = {key: raw.get(key) for key in ("prompt", "explanation")}
        for key, value in texts.items():
            if not isinstance(value, str) or not value.strip():
                self.report.error(path, line, f"question {qid!r}: needs a translated {key}")
                return None
        for key, value in (("type", english.type), ("articles", list(english.articles))):
            if key in raw and raw[key] != value:
                self.report.warn(
                    path, line, f"question {qid!r}: '{key}' differs from quiz.yaml, which the quiz uses"
                )
        if english.kind.name == "true_false":
            if "answer" in raw and raw["answer"] != (english.correct_ids == {"true"}):
                self.report.warn(
                    path, line, f"question {qid!r}: 'answer' differs from quiz.yaml, which the quiz uses"
                )
            words = {"true": self.labels.true, "false": self.labels.false}
            options = tuple(replace(o, text=words.get(o.id, o.text)) for o in english.options)
        else:
            options_or_none = self._options(path, line, raw.get("options"), english)
            if options_or_none is None:
                return None
            options = options_or_none
        explanation = str(texts["explanation"]).strip()
        explanation_html, _, env = self.render(explanation, _rel(path, self.report.root), line)
        self._compare_citations(path, line, cited_numbers(english.explanation), env.citations)
        return replace(
            english,
            prompt=str(texts["prompt"]).strip(),
            options=options,
            explanation=explanation,
            explanation_html=explanation_html,
            line=line,
        )

    def _options(
        self, path: Path, line: int, raw_options: Any, english: quiz.Question
    ) -> tuple[quiz.Option, ...] | None:
        qid = english.id
        if not isinstance(raw_options, list):
            self.report.error(path, line, f"question {qid!r}: needs its options, with the ids of quiz.yaml")
            return None
        texts: dict[str, str] = {}
        for item in raw_options:
            item_line = item.get("__line__", line) if isinstance(item, dict) else line
            if (
                not isinstance(item, dict)
                or not str(item.get("id", "")).strip()
                or not str(item.get("text", "")).strip()
            ):
                self.report.error(path, item_line, f"question {qid!r}: each option needs an id and a text")
                return None
            option = english.option(str(item["id"]))
            if option is not None and "correct" in item and item["correct"] is not option.is_correct:
                self.report.warn(
                    path,
                    item_line,
                    f"question {qid!r}: 'correct' differs from quiz.yaml, which the quiz uses",
                )
            texts[str(item["id"])] = str(item["text"]).strip()
        expected = [o.id for o in english.options]
        if sorted(texts) != sorted(expected):
            self.report.warn(
                path,
                line,
                f"question {qid!r}: option ids {', '.join(sorted(texts))} differ from quiz.yaml's "
                f"{', '.join(expected)}; the question is shown in English",
            )
            return None
        return tuple(replace(o, text=texts[o.id]) for o in english.options)


def _listing(numbers: list[int]) -> str:
    return ("Art. " if len(numbers) == 1 else "Arts. ") + ", ".join(str(n) for n in numbers)


def _check_unique(drafts: list[_ModuleDraft], root: Path, problems: list[ContentProblem]) -> None:
    for key in ("id", "order"):
        seen: dict[Any, str] = {}
        for d in drafts:
            value = d.meta.get(key)
            rel = _rel(d.dir / MODULE_FILE, root)
            if value in seen:
                problems.append(
                    ContentProblem(
                        rel,
                        _line_of(d.meta, key),
                        f"duplicate module {key} {value!r} (also in {seen[value]})",
                    )
                )
            seen[value] = rel


def _build_module(draft: _ModuleDraft, root: Path, render: Render) -> Module:
    meta = draft.meta
    rel = _rel(draft.dir / MODULE_FILE, root)
    overview_html, _, _ = render(draft.overview, rel, draft.overview_line)
    lessons = []
    for position, (lpath, lmeta, body, line) in enumerate(draft.lessons, start=1):
        lesson_html, tokens, env = render(body, _rel(lpath, root), line)
        lessons.append(
            Lesson(
                id=lmeta["id"],
                title=lmeta["title"].strip(),
                module_id=meta["id"],
                position=position,
                html=lesson_html,
                toc=_toc(tokens),
                word_count=_words(body),
                citations=frozenset(env.citations),
                glossary_terms=frozenset(env.terms),
                source=_rel(lpath, root),
                version=file_version(lpath),
            )
        )
    quiz_rel = _rel(draft.dir / QUIZ_FILE, root)
    questions = []
    for question in draft.questions:
        explanation_html, _, _ = render(question.explanation, quiz_rel, question.line)
        questions.append(replace(question, explanation_html=explanation_html))
    settings = meta.get("quiz") or {}
    return Module(
        id=meta["id"],
        title=meta["title"].strip(),
        summary=meta["summary"].strip(),
        order=meta["order"],
        estimated_minutes=meta["estimated_minutes"],
        audience=tuple(meta["audience"]),
        objectives=tuple(o.strip() for o in meta["objectives"]),
        key_articles=tuple(meta["key_articles"]),
        overview_html=overview_html,
        lessons=tuple(lessons),
        questions=tuple(questions),
        quiz=QuizSettings(
            questions_per_attempt=settings.get("questions_per_attempt", quiz.DEFAULT_QUESTIONS_PER_ATTEMPT),
            pass_mark=settings.get("pass_mark", quiz.DEFAULT_PASS_MARK),
            max_attempts=settings.get("max_attempts"),
            wait_minutes=settings.get("wait_minutes", 0),
        ),
        version=_version(draft.dir),
        source=rel,
    )


def _read_glossary(root: Path, problems: list[ContentProblem]) -> list[dict[str, Any]]:
    path = root / "glossary.yaml"
    rel = _rel(path, root)
    if not path.is_file():
        return []
    data = _load_yaml(_read_text(path, rel, problems), rel, 1, problems)
    items = data.get("terms") if isinstance(data, dict) else None
    if not isinstance(items, list):
        problems.append(ContentProblem(rel, 1, "glossary.yaml needs a 'terms' list"))
        return []
    terms = []
    seen: set[str] = set()
    for item in items:
        line = item.get("__line__", 1) if isinstance(item, dict) else 1
        if not isinstance(item, dict) or _require_id(item, rel, problems) is None:
            continue
        if not isinstance(item.get("term"), str) or not isinstance(item.get("definition"), str):
            problems.append(ContentProblem(rel, line, f"term {item['id']!r} needs 'term' and 'definition'"))
            continue
        articles = item.get("articles", [])
        if not isinstance(articles, list) or any(
            not isinstance(n, int) or not convention.is_article(n) for n in articles
        ):
            problems.append(
                ContentProblem(rel, line, f"term {item['id']!r}: unknown article in {articles!r}")
            )
            continue
        if item["id"] in seen:
            problems.append(ContentProblem(rel, line, f"duplicate glossary id {item['id']!r}"))
            continue
        seen.add(item["id"])
        terms.append(item)
    return sorted(terms, key=lambda t: t["term"].lower())


def _read_paths(root: Path, module_ids: set[str], problems: list[ContentProblem]) -> tuple[LearningPath, ...]:
    path = root / "paths.yaml"
    rel = _rel(path, root)
    if not path.is_file():
        return ()
    data = _load_yaml(_read_text(path, rel, problems), rel, 1, problems)
    items = data.get("paths") if isinstance(data, dict) else None
    if not isinstance(items, list):
        problems.append(ContentProblem(rel, 1, "paths.yaml needs a 'paths' list"))
        return ()
    paths = []
    for item in items:
        if not isinstance(item, dict) or _require_id(item, rel, problems) is None:
            continue
        line = item["__line__"]
        mods = item.get("modules")
        if not isinstance(item.get("title"), str) or not isinstance(mods, list) or not mods:
            problems.append(
                ContentProblem(rel, line, f"path {item['id']!r} needs a title and a list of modules")
            )
            continue
        for mid in mods:
            if mid not in module_ids:
                problems.append(ContentProblem(rel, line, f"path {item['id']!r}: unknown module {mid!r}"))
        if any(p.id == item["id"] for p in paths):
            problems.append(ContentProblem(rel, line, f"duplicate path id {item['id']!r}"))
        paths.append(
            LearningPath(item["id"], item["title"], str(item.get("summary", "")).strip(), tuple(mods))
        )
    return tuple(paths)


def _citation_index(modules: Iterable[Module]) -> dict[int, tuple[Citation, ...]]:
    index: dict[int, list[Citation]] = {}
    for module in modules:
        for lesson in module.lessons:
            for number in lesson.citations:
                index.setdefault(number, []).append(Citation(module.id, lesson.id, None, lesson.title))
        for question in module.questions:
            for number in question.articles:
                index.setdefault(number, []).append(Citation(module.id, None, question.id, question.prompt))
    return {k: tuple(v) for k, v in sorted(index.items())}


def _first_uses(modules: Iterable[Module]) -> dict[str, tuple[str, str]]:
    """Glossary term id -> (module id, lesson id) of the first lesson that links it."""
    first: dict[str, tuple[str, str]] = {}
    for module in modules:
        for lesson in module.lessons:
            for term in sorted(lesson.glossary_terms):
                first.setdefault(term, (module.id, lesson.id))
    return first


def check_content(root: str | Path, warnings: bool = False) -> list[ContentProblem]:
    """Every problem in the content tree (an empty list when it is sound).

    With `warnings`, also what a translation lacks (lessons, questions) or where it is
    older than the English source; those do not stop the app.
    """
    try:
        catalogue = load_catalogue(root)
    except ContentError as exc:
        return exc.problems + (exc.warnings if warnings else [])
    return list(catalogue.warnings) if warnings else []
