"""Quiz questions: their types, validation, drawing an attempt, and scoring.

Pure functions over plain values: no Flask, no database. The web layer stores
what `draw` returns on the attempt row and hands it back to `score`.

Scoring rules (stated here because learners and trainers ask):
- single choice and true/false: 1 point when the one chosen option is the
  correct one, else 0.
- multiple response: partial credit. Each correct option ticked earns
  1/(number of correct options); each wrong option ticked takes the same
  amount away; the credit never goes below 0. Ticking everything therefore
  earns nothing, and one wrong tick cancels one right tick.
- the score is the sum of credits divided by the number of questions shown,
  as a percentage with one decimal. Unanswered questions earn 0. The attempt
  passes when the score is at least the pass mark.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

DEFAULT_PASS_MARK = 80
DEFAULT_QUESTIONS_PER_ATTEMPT = 10


@dataclass(frozen=True, slots=True)
class Option:
    id: str
    text: str
    is_correct: bool


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    type: str
    prompt: str
    options: tuple[Option, ...]
    explanation: str
    articles: tuple[int, ...]
    line: int = 0
    explanation_html: str = ""
    is_scenario: bool = False  # a short case: the learner in a role, facts, a decision (`scenario: true`)

    @property
    def correct_ids(self) -> frozenset[str]:
        return frozenset(o.id for o in self.options if o.is_correct)

    @property
    def kind(self) -> QuestionKind:
        return QUESTION_TYPES[self.type]

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)


@dataclass(frozen=True, slots=True)
class Problem:
    """A content problem found while reading a question; `line` is in the YAML file."""

    line: int
    message: str


@dataclass(frozen=True, slots=True)
class QuestionKind:
    """One question type: how it is read from YAML, shown, and credited."""

    name: str
    multiple_answers: bool  # checkboxes rather than radio buttons
    shuffle_options: bool
    read_options: Callable[[dict[str, Any], int, list[Problem]], tuple[Option, ...]]
    credit: Callable[[Question, frozenset[str]], float]


def _read_choice_options(raw: dict[str, Any], line: int, problems: list[Problem]) -> tuple[Option, ...]:
    items = raw.get("options")
    if not isinstance(items, list) or not 3 <= len(items) <= 6:
        problems.append(Problem(line, "needs a list of 3 to 6 options"))
        return ()
    options: list[Option] = []
    for item in items:
        item_line = item.get("__line__", line) if isinstance(item, dict) else line
        if not isinstance(item, dict) or not _text(item.get("id")) or not _text(item.get("text")):
            problems.append(Problem(item_line, "each option needs an id and a text"))
            continue
        correct = item.get("correct", False)
        if not isinstance(correct, bool):
            problems.append(Problem(item_line, f"option {item['id']!r}: correct must be true or false"))
            correct = False
        options.append(Option(str(item["id"]), str(item["text"]).strip(), correct))
    ids = [o.id for o in options]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(Problem(line, f"duplicate option id {dup!r}"))
    return tuple(options)


def _read_true_false(raw: dict[str, Any], line: int, problems: list[Problem]) -> tuple[Option, ...]:
    if "options" in raw:
        problems.append(Problem(line, "a true_false question takes 'answer', not options"))
    answer = raw.get("answer")
    if not isinstance(answer, bool):
        problems.append(Problem(line, "a true_false question needs 'answer: true' or 'answer: false'"))
        return ()
    return (Option("true", "True", answer is True), Option("false", "False", answer is False))


def _credit_one(question: Question, chosen: frozenset[str]) -> float:
    return 1.0 if len(chosen) == 1 and chosen == question.correct_ids else 0.0


def _credit_partial(question: Question, chosen: frozenset[str]) -> float:
    correct = question.correct_ids
    step = 1.0 / len(correct)
    earned = step * len(chosen & correct) - step * len(chosen - correct)
    return max(0.0, round(earned, 6))


QUESTION_TYPES: dict[str, QuestionKind] = {
    "single": QuestionKind("single", False, True, _read_choice_options, _credit_one),
    "multiple": QuestionKind("multiple", True, True, _read_choice_options, _credit_partial),
    "true_false": QuestionKind("true_false", False, False, _read_true_false, _credit_one),
}


def _text(value: Any) -> bool:
    return isinstance(value, str | int) and str(value).strip() != ""


def read_question(raw: Any, known_article: Callable[[int], bool], problems: list[Problem]) -> Question | None:
    """Build a Question from one YAML item, adding every problem found to `problems`.

    Returns None when the item is too broken to use.
    """
    if not isinstance(raw, dict):
        problems.append(Problem(0, "each question must be a mapping (id, type, prompt, …)"))
        return None
    line = int(raw.get("__line__", 0))
    qid = raw.get("id")
    if not _text(qid):
        problems.append(Problem(line, "question without an id"))
        return None
    qid = str(qid)
    before = len(problems)

    def problem(message: str) -> None:
        problems.append(Problem(line, f"question {qid!r}: {message}"))

    qtype = raw.get("type")
    kind = QUESTION_TYPES.get(qtype) if isinstance(qtype, str) else None
    if kind is None:
        problem(f"unknown type {qtype!r} (use one of: {', '.join(QUESTION_TYPES)})")
        return None
    if not _text(raw.get("prompt")):
        problem("needs a prompt")
    if not _text(raw.get("explanation")):
        problem("needs an explanation")
    sub: list[Problem] = []
    options = kind.read_options(raw, line, sub)
    for p in sub:
        problems.append(Problem(p.line, f"question {qid!r}: {p.message}"))
    correct = [o for o in options if o.is_correct]
    if options and not correct:
        problem("no correct option")
    if kind.name == "single" and len(correct) > 1:
        problem("a single-choice question must have exactly one correct option")
    if kind.shuffle_options and any("all of the above" in o.text.lower() for o in options):
        problem("'all of the above' does not work when options are shuffled")

    scenario = raw.get("scenario", False)
    if not isinstance(scenario, bool):
        problem("'scenario' must be true or false")
    articles = raw.get("articles")
    numbers: list[int] = []
    if not isinstance(articles, list) or not articles:
        problem("needs 'articles': the article numbers the question tests")
    else:
        for number in articles:
            if not isinstance(number, int) or isinstance(number, bool):
                problem(f"article {number!r} is not a number")
            elif not known_article(number):
                problem(f"unknown article {number}")
            else:
                numbers.append(number)
    if len(problems) > before:
        return None
    return Question(
        id=qid,
        type=kind.name,
        prompt=str(raw["prompt"]).strip(),
        options=options,
        explanation=str(raw["explanation"]).strip(),
        articles=tuple(numbers),
        line=line,
        is_scenario=scenario is True,
    )


# --- drawing an attempt -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ShownQuestion:
    """A question as one attempt showed it: its id and the order of its options."""

    question_id: str
    option_ids: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"q": self.question_id, "o": list(self.option_ids)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ShownQuestion:
        return cls(str(data["q"]), tuple(str(o) for o in data["o"]))


def draw(pool: Sequence[Question], count: int, rng: random.Random | None = None) -> tuple[ShownQuestion, ...]:
    """Pick `count` questions from the pool at random and shuffle their options."""
    rng = rng or random.SystemRandom()
    chosen = rng.sample(list(pool), min(count, len(pool)))
    shown = []
    for question in chosen:
        ids = [o.id for o in question.options]
        if question.kind.shuffle_options:
            rng.shuffle(ids)
        shown.append(ShownQuestion(question.id, tuple(ids)))
    return tuple(shown)


# --- scoring ------------------------------------------------------------------


class SubmissionError(ValueError):
    """A submission that does not fit the attempt it claims to answer."""


@dataclass(frozen=True, slots=True)
class ItemResult:
    question_id: str
    chosen: frozenset[str]
    correct: frozenset[str]
    credit: float

    @property
    def is_correct(self) -> bool:
        return self.credit >= 1.0


@dataclass(frozen=True, slots=True)
class QuizResult:
    items: tuple[ItemResult, ...]
    score: float  # percent, one decimal
    pass_mark: int
    passed: bool = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "passed", self.score >= self.pass_mark)

    @property
    def correct_count(self) -> int:
        return sum(1 for item in self.items if item.is_correct)


def check_answers(
    pool: Mapping[str, Question],
    shown: Sequence[ShownQuestion],
    answers: Mapping[str, Sequence[str]],
) -> dict[str, frozenset[str]]:
    """Return the answers as sets, or raise SubmissionError if any does not fit the attempt.

    Every answered question must be one the attempt showed, every option one it
    showed for that question, and a single-answer question takes one option.
    """
    shown_by_id = {s.question_id: s for s in shown}
    checked: dict[str, frozenset[str]] = {}
    for question_id, option_ids in answers.items():
        item = shown_by_id.get(question_id)
        if item is None or question_id not in pool:
            raise SubmissionError(f"unknown question {question_id!r}")
        chosen = frozenset(option_ids)
        unknown = chosen - set(item.option_ids)
        if unknown:
            raise SubmissionError(f"unknown option for question {question_id!r}")
        if len(chosen) > 1 and not pool[question_id].kind.multiple_answers:
            raise SubmissionError(f"question {question_id!r} takes one answer")
        checked[question_id] = chosen
    return checked


def score(
    pool: Mapping[str, Question],
    shown: Sequence[ShownQuestion],
    answers: Mapping[str, Sequence[str]],
    pass_mark: int,
) -> QuizResult:
    """Score a submission against the questions the attempt showed."""
    checked = check_answers(pool, shown, answers)
    items = []
    for item in shown:
        question = pool[item.question_id]
        chosen = checked.get(item.question_id, frozenset())
        items.append(
            ItemResult(
                item.question_id,
                chosen,
                question.correct_ids,
                question.kind.credit(question, chosen),
            )
        )
    total = sum(i.credit for i in items)
    percent = round(100.0 * total / len(items), 1) if items else 0.0
    return QuizResult(tuple(items), percent, pass_mark)
