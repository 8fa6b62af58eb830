"""The content model: modules, lessons, quiz settings, paths, glossary terms, the catalogue, problems."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from course.learning import quiz

MODULE_FILE = "module.md"
QUIZ_FILE = "quiz.yaml"
CASE_FILE = "case.yaml"
CASE_PASS_MARK = 70  # percent of steps where the best choice was taken
CASE_STEP_PREFIX = "case/"  # a case step put to the room as a live question: "case/<step id>"
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
class CaseChoice:
    """One thing the learner may do at a step, and the feedback (citing articles) they then read."""

    id: str
    text: str
    is_best: bool
    feedback_html: str
    line: int = 0


@dataclass(frozen=True, slots=True)
class CaseStep:
    """One decision in a case: what has happened, the question, the choices (exactly one best)."""

    id: str
    position: int  # 1-based, in the order the case is played
    situation_html: str
    question: str
    articles: tuple[int, ...]  # the first is the main one
    choices: tuple[CaseChoice, ...]
    line: int = 0

    def choice(self, choice_id: str) -> CaseChoice | None:
        return next((c for c in self.choices if c.id == choice_id), None)

    @property
    def best(self) -> CaseChoice:
        return next(c for c in self.choices if c.is_best)

    @property
    def live_id(self) -> str:
        """The id under which this step is put to the room as a live question."""
        return CASE_STEP_PREFIX + self.id

    def as_question(self) -> quiz.Question:
        """The step as a single-choice question whose correct option is the best choice (the live quiz)."""
        return quiz.Question(
            id=self.live_id,
            type="single",
            prompt=self.question,
            options=tuple(quiz.Option(c.id, c.text, c.is_best) for c in self.choices),
            explanation="",
            articles=self.articles,
            line=self.line,
        )


@dataclass(frozen=True, slots=True)
class CaseExercise:
    """A module's case exercise (case.yaml): a realistic case played step by step."""

    id: str
    title: str
    summary: str
    pass_mark: int
    setting_html: str
    steps: tuple[CaseStep, ...]
    source: str

    def step(self, step_id: str) -> CaseStep | None:
        return next((s for s in self.steps if s.id == step_id), None)

    @property
    def citations(self) -> frozenset[int]:
        return frozenset(n for s in self.steps for n in s.articles)


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
    case: CaseExercise | None = None  # case.yaml, in English only for now

    def lesson(self, lesson_id: str) -> Lesson | None:
        return next((x for x in self.lessons if x.id == lesson_id), None)

    @property
    def question_pool(self) -> dict[str, quiz.Question]:
        return {q.id: q for q in self.questions}

    def live_question(self, question_id: str) -> quiz.Question | None:
        """A question the instructor may put to the room: from the quiz pool, or a case step."""
        if question_id.startswith(CASE_STEP_PREFIX) and self.case is not None:
            step = self.case_step(question_id)
            return step.as_question() if step is not None else None
        return self.question_pool.get(question_id)

    def case_step(self, live_id: str) -> CaseStep | None:
        """The case step behind a live question id ("case/<step id>"), if it is one."""
        if self.case is None or not live_id.startswith(CASE_STEP_PREFIX):
            return None
        return self.case.step(live_id.removeprefix(CASE_STEP_PREFIX))


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
