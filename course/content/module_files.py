"""A module's own files: the rules for module.md's front matter, and reading quiz.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from course import convention
from course.content.markdown import (
    title_problems,
)
from course.content.model import (
    AUDIENCES,
    CASE_STEP_PREFIX,
    ContentProblem,
)
from course.content.source import (
    line_of,
    load_yaml,
    read_text,
    rel_path,
    require_id,
)
from course.learning import quiz


def check_module_meta(meta: dict[str, Any], rel: str, problems: list[ContentProblem]) -> bool:
    before = len(problems)

    def bad(key: str, message: str) -> None:
        problems.append(ContentProblem(rel, line_of(meta, key), message))

    require_id(meta, rel, problems)
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


def read_quiz(path: Path, root: Path, problems: list[ContentProblem]) -> list[quiz.Question]:
    rel = rel_path(path, root)
    if not path.is_file():
        problems.append(ContentProblem(rel, 0, "module has no quiz.yaml"))
        return []
    data = load_yaml(read_text(path, rel, problems), rel, 1, problems)
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
        if question.id.startswith(CASE_STEP_PREFIX):
            found.append(quiz.Problem(question.line, f"question ids cannot start with {CASE_STEP_PREFIX!r}"))
        if question.id in seen:
            found.append(quiz.Problem(question.line, f"duplicate question id {question.id!r}"))
        seen.add(question.id)
    problems.extend(ContentProblem(rel, p.line, p.message) for p in found)
    return questions
