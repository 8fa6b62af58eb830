"""Load the content tree into a Catalogue, rendered once, with every problem at its file and line."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from markdown_it.token import Token

from course.content.cases import build_case, read_case
from course.content.glossary_paths import read_glossary, read_paths
from course.content.markdown import (
    BoxLabels,
    LinkScheme,
    Render,
    RenderEnv,
    citation_style,
    make_renderer,
    render_markdown,
    toc,
    word_count,
)
from course.content.model import (
    CASE_FILE,
    LESSON_PATTERN,
    MODULE_FILE,
    QUIZ_FILE,
    SOURCE_LOCALE,
    TRANSLATION_PATTERN,
    Catalogue,
    Citation,
    ContentError,
    ContentProblem,
    GlossaryTerm,
    Lesson,
    Module,
    QuizSettings,
)
from course.content.module_files import check_module_meta, read_quiz
from course.content.source import (
    ModuleDraft,
    file_version,
    key_line,
    line_of,
    module_version,
    read_text,
    rel_path,
    require_id,
    split_front_matter,
)
from course.content.translations import TranslationReport, Translator
from course.learning import quiz


def _read_module(
    mdir: Path, root: Path, problems: list[ContentProblem], declared: set[str]
) -> ModuleDraft | None:
    mpath = mdir / MODULE_FILE
    rel = rel_path(mpath, root)
    if not mpath.is_file():
        problems.append(ContentProblem(rel_path(mdir, root), 0, f"module folder without {MODULE_FILE}"))
        return None
    meta, overview, body_line = split_front_matter(read_text(mpath, rel, problems), rel, problems)
    if meta is None:
        declared.add(mdir.name.partition("-")[2])
        return None
    if isinstance(meta.get("id"), str):
        declared.add(meta["id"])
    ok = check_module_meta(meta, rel, problems)
    translations = _find_translations(mdir, root, problems)
    lessons = []
    for lpath in sorted(mdir.glob("*.md")):
        if lpath.name == MODULE_FILE or TRANSLATION_PATTERN.match(lpath.name):
            continue
        lrel = rel_path(lpath, root)
        if not LESSON_PATTERN.match(lpath.name):
            problems.append(ContentProblem(lrel, 0, "lesson file names look like 01-short-title.md"))
            continue
        lmeta, lbody, lline = split_front_matter(read_text(lpath, lrel, problems), lrel, problems)
        if lmeta is None:
            continue
        if require_id(lmeta, lrel, problems) is None:
            continue
        if not isinstance(lmeta.get("title"), str) or not lmeta["title"].strip():
            problems.append(ContentProblem(lrel, line_of(lmeta, "title"), "missing 'title'"))
            continue
        lessons.append((lpath, lmeta, lbody, lline))
    if not lessons:
        problems.append(ContentProblem(rel, 1, "module has no lessons"))
    ids = [m["id"] for _, m, _, _ in lessons]
    for lpath, lmeta, _, _ in lessons:
        if ids.count(lmeta["id"]) > 1:
            problems.append(
                ContentProblem(
                    rel_path(lpath, root), lmeta["__line__"], f"duplicate lesson id {lmeta['id']!r}"
                )
            )
    questions = read_quiz(mdir / QUIZ_FILE, root, problems)
    case_path = mdir / CASE_FILE
    case = read_case(case_path, rel_path(case_path, root), problems) if case_path.is_file() else None
    if not ok:
        return None
    return ModuleDraft(mdir, meta, overview, body_line, lessons, questions, translations, case)


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
                ContentProblem(rel_path(path, root), 0, f"English is the source: edit {english} instead")
            )
        elif (stem == "quiz") != (ext == "yaml"):
            right = f"quiz.{locale}.yaml" if stem == "quiz" else f"{stem}.{locale}.md"
            problems.append(
                ContentProblem(rel_path(path, root), 0, f"a translation of this file is named {right}")
            )
        else:
            found.setdefault(locale, {})[stem] = path
    return found


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
    raw_terms = read_glossary(root, problems)
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

        def render(text: str, path: str, first_line: int) -> tuple[str, list[Token], RenderEnv]:
            env = RenderEnv(path=path, first_line=first_line, locale=locale, style=style, **env_base)  # type: ignore[arg-type]
            rendered, tokens = render_markdown(md, text, env)
            return rendered, tokens, env

        return render

    render = renderer(SOURCE_LOCALE, labels)
    built = [(d, _build_module(d, root, render)) for d in drafts]
    modules = sorted((m for _, m in built), key=lambda m: (m.order, m.id))
    glossary = tuple(
        GlossaryTerm(
            t["id"],
            t["term"],
            render(t["definition"], rel_path(root / "glossary.yaml", root), t["__line__"])[0],
            tuple(t["articles"]),
        )
        for t in raw_terms
    )
    paths = read_paths(root, declared, problems)

    translated: dict[str, dict[str, Module]] = {}
    for locale in sorted({loc for d in drafts for loc in d.translations}):
        box_labels = (locale_labels or {}).get(locale) or labels or BoxLabels()
        report = TranslationReport(root, problems, warnings)
        translate = Translator(locale, renderer(locale, box_labels), box_labels, report)
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


def _check_unique(drafts: list[ModuleDraft], root: Path, problems: list[ContentProblem]) -> None:
    cases: dict[str, str] = {}
    for d in drafts:
        if d.case is None:
            continue
        rel = rel_path(d.dir / CASE_FILE, root)
        if d.case["id"] in cases:
            problems.append(
                ContentProblem(
                    rel,
                    key_line(d.case, "id"),
                    f"duplicate case id {d.case['id']!r} (also in {cases[d.case['id']]})",
                )
            )
        cases.setdefault(d.case["id"], rel)
    for key in ("id", "order"):
        seen: dict[Any, str] = {}
        for d in drafts:
            value = d.meta.get(key)
            rel = rel_path(d.dir / MODULE_FILE, root)
            if value in seen:
                problems.append(
                    ContentProblem(
                        rel,
                        line_of(d.meta, key),
                        f"duplicate module {key} {value!r} (also in {seen[value]})",
                    )
                )
            seen[value] = rel


def _build_module(draft: ModuleDraft, root: Path, render: Render) -> Module:
    meta = draft.meta
    rel = rel_path(draft.dir / MODULE_FILE, root)
    overview_html, _, _ = render(draft.overview, rel, draft.overview_line)
    lessons = []
    for position, (lpath, lmeta, body, line) in enumerate(draft.lessons, start=1):
        lesson_html, tokens, env = render(body, rel_path(lpath, root), line)
        lessons.append(
            Lesson(
                id=lmeta["id"],
                title=lmeta["title"].strip(),
                module_id=meta["id"],
                position=position,
                html=lesson_html,
                toc=toc(tokens),
                word_count=word_count(body),
                citations=frozenset(env.citations),
                glossary_terms=frozenset(env.terms),
                source=rel_path(lpath, root),
                version=file_version(lpath),
            )
        )
    quiz_rel = rel_path(draft.dir / QUIZ_FILE, root)
    questions = []
    for question in draft.questions:
        explanation_html, _, _ = render(question.explanation, quiz_rel, question.line)
        questions.append(replace(question, explanation_html=explanation_html))
    settings = meta.get("quiz") or {}
    case = None
    if draft.case is not None:
        case = build_case(draft.case, rel_path(draft.dir / CASE_FILE, root), render)
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
        version=module_version(draft.dir),
        source=rel,
        case=case,
    )


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
