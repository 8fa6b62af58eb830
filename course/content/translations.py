"""Translations beside the English files: text only, checked against the English, stale ones reported."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from course.content.markdown import BoxLabels, Render, cited_numbers, listing, toc, word_count
from course.content.model import (
    MODULE_FILE,
    QUIZ_FILE,
    SOURCE_LOCALE,
    VERSION_PATTERN,
    ContentProblem,
    Lesson,
    Module,
)
from course.content.source import (
    ModuleDraft,
    file_version,
    line_of,
    load_yaml,
    read_text,
    rel_path,
    split_front_matter,
)
from course.learning import quiz

# --- translations -------------------------------------------------------------------


@dataclass
class TranslationReport:
    """Where translation problems go: errors stop the app, warnings are reported."""

    root: Path
    problems: list[ContentProblem]
    warnings: list[ContentProblem]

    def error(self, path: Path, line: int, message: str) -> None:
        self.problems.append(ContentProblem(rel_path(path, self.root), line, message))

    def warn(self, path: Path, line: int, message: str) -> None:
        self.warnings.append(ContentProblem(rel_path(path, self.root), line, message, is_warning=True))

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
class Translator:
    """Builds a module in one language from its English build and its translation files."""

    locale: str
    render: Render
    labels: BoxLabels
    report: TranslationReport

    def module(self, draft: ModuleDraft, english: Module) -> Module:
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

    def _module_text(self, path: Path, draft: ModuleDraft, english: Module) -> dict[str, Any]:
        rel = rel_path(path, self.report.root)
        meta, body, body_line = split_front_matter(
            read_text(path, rel, self.report.problems), rel, self.report.problems
        )
        if meta is None:
            return {}
        before = len(self.report.problems)
        for key in meta:
            if key != "__line__" and key not in MODULE_TRANSLATION_FIELDS:
                self.report.error(
                    path, line_of(meta, key), f"'{key}' is set in {MODULE_FILE} only; remove it here"
                )
        if meta.get("id", english.id) != english.id:
            self.report.error(path, line_of(meta, "id"), f"id must be {english.id!r}, as in {MODULE_FILE}")
        for key in ("title", "summary"):
            if not isinstance(meta.get(key), str) or not meta[key].strip():
                self.report.error(path, line_of(meta, key), f"missing '{key}'")
        objectives = meta.get("objectives", list(english.objectives))
        if not isinstance(objectives, list) or not all(isinstance(o, str) and o.strip() for o in objectives):
            self.report.error(path, line_of(meta, "objectives"), "'objectives' must be a list of sentences")
        elif len(objectives) != len(english.objectives):
            self.report.warn(
                path,
                line_of(meta, "objectives"),
                f"{len(objectives)} objectives, but {MODULE_FILE} has {len(english.objectives)}",
            )
        self.report.source_version(meta, path, draft.dir / MODULE_FILE, line_of(meta, "source_version"))
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

    def _lessons(self, draft: ModuleDraft, english: Module, files: dict[str, Path]) -> tuple[Lesson, ...]:
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
        rel = rel_path(path, self.report.root)
        meta, body, line = split_front_matter(
            read_text(path, rel, self.report.problems), rel, self.report.problems
        )
        if meta is None:
            return None
        before = len(self.report.problems)
        if meta.get("id", english.id) != english.id:
            self.report.error(
                path, line_of(meta, "id"), f"id must be {english.id!r}, as in {english_path.name}"
            )
        if not isinstance(meta.get("title"), str) or not meta["title"].strip():
            self.report.error(path, line_of(meta, "title"), "missing 'title'")
        for key in meta:
            if key not in ("__line__", "id", "title", "source_version"):
                self.report.error(
                    path,
                    line_of(meta, key),
                    f"unknown field '{key}' (a lesson translation has title and source_version)",
                )
        self.report.source_version(meta, path, english_path, line_of(meta, "source_version"))
        lesson_html, tokens, env = self.render(body, rel, line)
        if len(self.report.problems) > before:
            return None
        self._compare_citations(path, line, english.citations, env.citations)
        return replace(
            english,
            title=meta["title"].strip(),
            html=lesson_html,
            toc=toc(tokens),
            word_count=word_count(body),
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
            self.report.warn(path, line, f"does not cite {listing(lost)}, which the English text cites")
        if added:
            self.report.warn(path, line, f"cites {listing(added)}, which the English text does not")

    def _quiz(
        self, path: Path, english_path: Path, english: Module
    ) -> tuple[tuple[quiz.Question, ...], bool]:
        """The questions with translated text where the translation fits; English for the others."""
        rel = rel_path(path, self.report.root)
        data = load_yaml(read_text(path, rel, self.report.problems), rel, 1, self.report.problems)
        items = data.get("questions") if isinstance(data, dict) else None
        if not isinstance(items, list):
            self.report.error(path, 1, f"quiz.{self.locale}.yaml needs a 'questions' list")
            return english.questions, False
        self.report.source_version(data, path, english_path, line_of(data, "source_version"))
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
        explanation_html, _, env = self.render(explanation, rel_path(path, self.report.root), line)
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
