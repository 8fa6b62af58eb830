"""What the curriculum covers: questions per article, scenario share, and the floor it must keep.

A question *asks* the first article in its `articles` list (the others are cited in
passing); `content stats` counts by that. The floor (CURRICULUM_FLOOR) is what an
expert trainer expects of the course: every article of Chapters II to V asked at
least once, each Chapter IV power and the safeguard articles at least three times,
200 questions, a third of them short case scenarios.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from course import convention
from course.content.model import Catalogue

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
        if self.number in ASKED_THREE_TIMES:
            return 3
        return 1 if self.chapter in CHAPTERS_ASKED else 0


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
    asked: Counter[int] = Counter()
    cited: Counter[int] = Counter()
    per_module = []
    scenarios = 0
    for module in catalogue.modules:
        module_scenarios = sum(1 for q in module.questions if q.is_scenario)
        scenarios += module_scenarios
        per_module.append((module.id, len(module.questions), module_scenarios))
        for question in module.questions:
            asked[question.articles[0]] += 1
            cited.update(set(question.articles))
    lessons = {
        number: len({(c.module_id, c.lesson_id) for c in uses if c.lesson_id and not c.question_id})
        for number, uses in catalogue.citations.items()
    }
    articles = tuple(
        ArticleCoverage(
            a.number, a.title, a.chapter, asked[a.number], cited[a.number], lessons.get(a.number, 0)
        )
        for a in convention.ARTICLES.values()
    )
    return CurriculumStats(
        questions=sum(n for _, n, _ in per_module),
        scenarios=scenarios,
        articles=articles,
        questions_by_module=tuple(per_module),
        case_exercises=sum(1 for m in catalogue.modules if getattr(m, "case", None) is not None),
    )
