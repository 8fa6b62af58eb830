"""What the curriculum covers: questions per article, scenario share, and the floor it must keep.

A question *asks* the first article in its `articles` list (the others are cited in
passing); `content stats` counts by that. The floor (CURRICULUM_FLOOR) is what an
expert trainer expects of the course: every article of Chapters II to V asked at
least once, each Chapter IV power and the safeguard articles at least three times,
200 questions, a third of them short case scenarios.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from course import convention
from course.content.model import Catalogue, Lesson, Module
from course.learning.quiz import Question

CHAPTERS_ASKED = ("II", "III", "IV", "V")  # every article in these is asked at least once
ASKED_THREE_TIMES = (25, 26, 27, 28, 29, 30, 31, 6, 24, 36, 40)  # the Chapter IV powers and the safeguards
MIN_QUESTIONS = 200
MIN_SCENARIO_SHARE = 1 / 3


@dataclass(frozen=True)
class ArticleCoverage:
    number: int
    title: str
    chapter: str
    asked: int  # questions whose first article it is
    cited_by_questions: int  # questions that list it anywhere
    lessons: int  # lessons that cite it

    @property
    def required(self) -> int:
        return required_questions(convention.ARTICLES[self.number])


@dataclass(frozen=True)
class CurriculumStats:
    questions: int
    scenarios: int
    articles: tuple[ArticleCoverage, ...]
    questions_by_module: tuple[tuple[str, int, int], ...]  # module id, questions, scenarios
    case_exercises: int

    @property
    def scenario_share(self) -> float:
        return self.scenarios / self.questions if self.questions else 0.0

    def shortfalls(self) -> list[str]:
        """Every way the curriculum falls below its floor, in words; empty when it holds."""
        found = []
        if self.questions < MIN_QUESTIONS:
            found.append(f"{self.questions} questions, fewer than {MIN_QUESTIONS}")
        if self.scenario_share < MIN_SCENARIO_SHARE:
            found.append(f"{self.scenarios} of {self.questions} questions are scenarios, less than a third")
        for article in self.articles:
            if article.asked < article.required:
                found.append(
                    f"Art. {article.number} ({article.title}) is asked by {article.asked} question(s), "
                    f"needs {article.required}"
                )
        return found


def curriculum_stats(catalogue: Catalogue) -> CurriculumStats:
    """The counts `content stats` prints: per module, and per article from `provisions`."""
    cited: Counter[int] = Counter()
    per_module = []
    for module in catalogue.modules:
        per_module.append(
            (module.id, len(module.questions), sum(1 for q in module.questions if q.is_scenario))
        )
        for question in module.questions:
            cited.update(set(question.articles))
    articles = tuple(
        ArticleCoverage(
            p.article.number,
            p.article.title,
            p.article.chapter,
            asked=len(p.questions),
            cited_by_questions=cited[p.article.number],
            lessons=len(p.lessons),
        )
        for p in provisions(catalogue)
    )
    return CurriculumStats(
        questions=sum(n for _, n, _ in per_module),
        scenarios=sum(n for _, _, n in per_module),
        articles=articles,
        questions_by_module=tuple(per_module),
        case_exercises=sum(1 for m in catalogue.modules if m.case is not None),
    )


@dataclass(frozen=True)
class Provision:
    """One article against the course: the lessons that cite it and the questions that ask it."""

    article: convention.Article
    lessons: tuple[tuple[Module, Lesson], ...]
    questions: tuple[tuple[Module, Question], ...]  # questions whose first article it is
    required: int  # questions the curriculum's floor asks of it (0: none)

    @property
    def is_below_floor(self) -> bool:
        return len(self.questions) < self.required


def provisions(catalogue: Catalogue, modules: Sequence[Module] | None = None) -> list[Provision]:
    """Every article with what teaches and asks it, in `modules` (the whole course by default)."""
    chosen = list(catalogue.modules if modules is None else modules)
    lessons: dict[int, list[tuple[Module, Lesson]]] = {}
    asked: dict[int, list[tuple[Module, Question]]] = {}
    for module in chosen:
        for lesson in module.lessons:
            for number in sorted(lesson.citations):
                lessons.setdefault(number, []).append((module, lesson))
        for question in module.questions:
            asked.setdefault(question.articles[0], []).append((module, question))
    return [
        Provision(
            article,
            tuple(lessons.get(article.number, ())),
            tuple(asked.get(article.number, ())),
            required_questions(article) if modules is None else 0,
        )
        for article in convention.ARTICLES.values()
    ]


def required_questions(article: convention.Article) -> int:
    """How many questions the curriculum's floor asks of this article."""
    if article.number in ASKED_THREE_TIMES:
        return 3
    return 1 if article.chapter in CHAPTERS_ASKED else 0
