"""Reading a module's case exercise (case.yaml): validated field by field, every problem at its line.

The file is optional, one per module (content/README.md, "case.yaml"). Reading
checks its shape (ids, counts, exactly one best choice per step, known
articles, feedback that cites an article, no unknown keys); building renders
its Markdown (setting, situations, feedback) with the module's renderer, so
citations become links and an unknown article is an error like anywhere else.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from course import convention
from course.content.markdown import Render, cited_numbers, title_problems
from course.content.model import (
    CASE_PASS_MARK,
    ID_PATTERN,
    CaseChoice,
    CaseExercise,
    CaseStep,
    ContentProblem,
)
from course.content.source import key_line, load_yaml, read_text

CASE_KEYS = ("id", "title", "summary", "pass_mark", "setting", "steps")
STEP_KEYS = ("id", "situation", "question", "articles", "choices")
CHOICE_KEYS = ("id", "text", "best", "feedback")
MIN_STEPS, MAX_STEPS = 3, 8
MIN_CHOICES, MAX_CHOICES = 3, 5


def _text(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class _Reader:
    def __init__(self, rel: str, problems: list[ContentProblem]) -> None:
        self.rel = rel
        self.problems = problems

    def bad(self, line: int, message: str) -> None:
        self.problems.append(ContentProblem(self.rel, line, message))

    def unknown_keys(self, data: dict[str, Any], allowed: tuple[str, ...], where: str) -> None:
        for key in data:
            if key in ("__line__", "__keys__"):
                continue
            if key not in allowed:
                self.bad(key_line(data, key), f"{where}unknown key {key!r} (use: {', '.join(allowed)})")

    def valid_id(self, data: dict[str, Any], where: str) -> str | None:
        value = data.get("id")
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            self.bad(
                key_line(data, "id"),
                f"{where}missing or invalid 'id' (lowercase letters, digits, hyphens)",
            )
            return None
        return value

    def texts(self, data: dict[str, Any], keys: tuple[str, ...], where: str) -> None:
        for key in keys:
            if not _text(data.get(key)):
                self.bad(key_line(data, key), f"{where}missing '{key}'")


def read_case(path: Path, rel: str, problems: list[ContentProblem]) -> dict[str, Any] | None:
    """The case file as read, if it is sound (else None, with every problem added)."""
    before = len(problems)
    data = load_yaml(read_text(path, rel, problems), rel, 1, problems, key_lines=True)
    if len(problems) > before:
        return None
    reader = _Reader(rel, problems)
    if not isinstance(data, dict):
        reader.bad(1, f"case.yaml must be a mapping of fields ({', '.join(CASE_KEYS)})")
        return None
    reader.unknown_keys(data, CASE_KEYS, "")
    reader.valid_id(data, "case: ")
    reader.texts(data, ("title", "summary", "setting"), "case: ")
    pass_mark = data.get("pass_mark", CASE_PASS_MARK)
    if not _whole(pass_mark) or not 1 <= pass_mark <= 100:
        reader.bad(key_line(data, "pass_mark"), "case: pass_mark must be a whole number from 1 to 100")
    steps = data.get("steps")
    if not isinstance(steps, list) or not MIN_STEPS <= len(steps) <= MAX_STEPS:
        found = len(steps) if isinstance(steps, list) else "none"
        reader.bad(key_line(data, "steps"), f"a case needs {MIN_STEPS} to {MAX_STEPS} steps (found {found})")
    seen: dict[str, int] = {}
    for position, step in enumerate(steps if isinstance(steps, list) else [], start=1):
        step_id = _read_step(reader, step, position, key_line(data, "steps"))
        if step_id is None:
            continue
        if step_id in seen:
            reader.bad(step["__line__"], f"duplicate step id {step_id!r} (also step {seen[step_id]})")
        else:
            seen[step_id] = position
    return data if len(problems) == before else None


def _read_step(reader: _Reader, step: Any, position: int, steps_line: int) -> str | None:
    if not isinstance(step, dict):
        reader.bad(steps_line, f"step {position} must be a mapping ({', '.join(STEP_KEYS)})")
        return None
    step_id = reader.valid_id(step, f"step {position}: ")
    where = f"step {step_id or position!r}: " if step_id else f"step {position}: "
    reader.unknown_keys(step, STEP_KEYS, where)
    reader.texts(step, ("situation", "question"), where)
    articles = step.get("articles")
    if not isinstance(articles, list) or not articles:
        reader.bad(
            key_line(step, "articles"), f"{where}needs 'articles': the article numbers the step turns on"
        )
    else:
        for number in articles:
            if not _whole(number):
                reader.bad(key_line(step, "articles"), f"{where}article {number!r} is not a number")
            elif not convention.is_article(number):
                reader.bad(key_line(step, "articles"), f"{where}unknown article {number}")
    if _text(step.get("question")):
        for _index, message in title_problems(step["question"]):
            reader.bad(key_line(step, "question"), f"{where}{message}")
    choices = step.get("choices")
    if not isinstance(choices, list) or not MIN_CHOICES <= len(choices) <= MAX_CHOICES:
        found = len(choices) if isinstance(choices, list) else "none"
        reader.bad(
            key_line(step, "choices"), f"{where}needs {MIN_CHOICES} to {MAX_CHOICES} choices (found {found})"
        )
        return step_id
    ids: list[str] = []
    best = 0
    for choice in choices:
        if not isinstance(choice, dict):
            reader.bad(
                key_line(step, "choices"), f"{where}each choice must be a mapping (id, text, feedback)"
            )
            continue
        choice_id = reader.valid_id(choice, f"{where}choice: ")
        there = f"{where}choice {choice_id!r}: " if choice_id else f"{where}choice: "
        reader.unknown_keys(choice, CHOICE_KEYS, there)
        reader.texts(choice, ("text", "feedback"), there)
        flag = choice.get("best", False)
        if not isinstance(flag, bool):
            reader.bad(key_line(choice, "best"), f"{there}best must be true or false")
        elif flag:
            best += 1
        feedback = choice.get("feedback")
        if _text(feedback) and not cited_numbers(feedback):
            reader.bad(
                key_line(choice, "feedback", text=True),
                f"{there}the feedback must cite at least one article (Art. N)",
            )
        if _text(choice.get("text")):
            for _index, message in title_problems(choice["text"]):
                reader.bad(key_line(choice, "text"), f"{there}{message}")
        if choice_id is not None:
            if choice_id in ids:
                reader.bad(choice["__line__"], f"{where}duplicate choice id {choice_id!r}")
            ids.append(choice_id)
    if best != 1:
        reader.bad(
            key_line(step, "choices"), f"{where}exactly one choice must have 'best: true' (found {best})"
        )
    return step_id


def build_case(data: dict[str, Any], rel: str, render: Render) -> CaseExercise:
    """The case with its Markdown rendered (problems in it go where the renderer reports them)."""
    steps = []
    for position, step in enumerate(data["steps"], start=1):
        choices = tuple(
            CaseChoice(
                id=choice["id"],
                text=choice["text"].strip(),
                is_best=choice.get("best", False) is True,
                feedback_html=render(choice["feedback"], rel, key_line(choice, "feedback", text=True))[0],
                line=choice["__line__"],
            )
            for choice in step["choices"]
        )
        steps.append(
            CaseStep(
                id=step["id"],
                position=position,
                situation_html=render(step["situation"], rel, key_line(step, "situation", text=True))[0],
                question=step["question"].strip(),
                articles=tuple(step["articles"]),
                choices=choices,
                line=step["__line__"],
            )
        )
    return CaseExercise(
        id=data["id"],
        title=data["title"].strip(),
        summary=data["summary"].strip(),
        pass_mark=data.get("pass_mark", CASE_PASS_MARK),
        setting_html=render(data["setting"], rel, key_line(data, "setting", text=True))[0],
        steps=tuple(steps),
        source=rel,
    )
