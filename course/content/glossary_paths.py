"""The glossary (glossary.yaml) and the learning paths (paths.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from course import convention
from course.content.model import ContentProblem, LearningPath
from course.content.source import load_yaml, read_text, rel_path, require_id


def read_glossary(root: Path, problems: list[ContentProblem]) -> list[dict[str, Any]]:
    path = root / "glossary.yaml"
    rel = rel_path(path, root)
    if not path.is_file():
        return []
    data = load_yaml(read_text(path, rel, problems), rel, 1, problems)
    items = data.get("terms") if isinstance(data, dict) else None
    if not isinstance(items, list):
        problems.append(ContentProblem(rel, 1, "glossary.yaml needs a 'terms' list"))
        return []
    terms = []
    seen: set[str] = set()
    for item in items:
        line = item.get("__line__", 1) if isinstance(item, dict) else 1
        if not isinstance(item, dict) or require_id(item, rel, problems) is None:
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


def read_paths(root: Path, module_ids: set[str], problems: list[ContentProblem]) -> tuple[LearningPath, ...]:
    path = root / "paths.yaml"
    rel = rel_path(path, root)
    if not path.is_file():
        return ()
    data = load_yaml(read_text(path, rel, problems), rel, 1, problems)
    items = data.get("paths") if isinstance(data, dict) else None
    if not isinstance(items, list):
        problems.append(ContentProblem(rel, 1, "paths.yaml needs a 'paths' list"))
        return ()
    paths = []
    for item in items:
        if not isinstance(item, dict) or require_id(item, rel, problems) is None:
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
