"""Reading content files: YAML and front matter with line numbers, paths as reported, versions."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from course.content.model import ID_PATTERN, TRANSLATION_PATTERN, ContentProblem
from course.learning import quiz

# --- YAML with line numbers --------------------------------------------------------


class _LineLoader(yaml.SafeLoader):
    """A safe loader that records each mapping's 1-based line under '__line__'."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class _KeyLineLoader(_LineLoader):
    """Also records, under '__keys__', each key's line and the line where its text starts.

    A block scalar (`setting: |`) starts on the line after its key, so Markdown
    problems inside it are reported at their own line.
    """


def _construct_mapping_with_keys(loader: _KeyLineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = _construct_mapping(loader, node)
    keys: dict[Any, tuple[int, int]] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        block = isinstance(value_node, yaml.ScalarNode) and value_node.style in ("|", ">")
        keys[key] = (key_node.start_mark.line + 1, value_node.start_mark.line + 1 + (1 if block else 0))
    mapping["__keys__"] = keys
    return mapping


_KeyLineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping_with_keys)


def key_line(data: dict[str, Any], key: str, text: bool = False) -> int:
    """The line of a key in a mapping read with `key_lines=True` (`text`: where its value starts)."""
    found = data.get("__keys__", {}).get(key)
    if found is None:
        return int(data.get("__line__", 1))
    return found[1] if text else found[0]


def load_yaml(
    text: str, path: str, first_line: int, problems: list[ContentProblem], key_lines: bool = False
) -> Any:
    """Parse YAML, each mapping with its line under '__line__' (and its keys' under '__keys__')."""
    loader = _KeyLineLoader if key_lines else _LineLoader
    try:
        data = yaml.load(text, Loader=loader)  # noqa: S506 - a SafeLoader subclass
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
        if "__keys__" in data:
            data["__keys__"] = {k: (a + offset, b + offset) for k, (a, b) in data["__keys__"].items()}
        for key, value in data.items():
            if key != "__keys__":
                _shift_lines(value, offset)
    elif isinstance(data, list):
        for value in data:
            _shift_lines(value, offset)


def split_front_matter(
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
    data = load_yaml("\n".join(lines[1:end]), path, 2, problems)
    body = "\n".join(lines[end + 1 :])
    if data is None:
        return None, body, end + 2
    if not isinstance(data, dict):
        problems.append(ContentProblem(path, 2, "front matter must be a mapping of fields"))
        return None, body, end + 2
    return data, body, end + 2


@dataclass
class ModuleDraft:
    """A module's files as read, before rendering (rendering needs every id first)."""

    dir: Path
    meta: dict[str, Any]
    overview: str
    overview_line: int
    lessons: list[tuple[Path, dict[str, Any], str, int]]
    questions: list[quiz.Question]
    translations: dict[str, dict[str, Path]] = field(default_factory=dict)  # locale -> stem -> file
    case: dict[str, Any] | None = None  # case.yaml as read and checked, when the module has one


def rel_path(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def require_id(meta: dict[str, Any], path: str, problems: list[ContentProblem]) -> str | None:
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


def line_of(meta: dict[str, Any], key: str) -> int:
    """Best line for a front-matter field: the mapping's first line plus the key's position."""
    base = int(meta.get("__line__", 2))
    keys = [k for k in meta if k != "__line__"]
    return base + keys.index(key) if key in keys else base


# Words that hedge in front of a learner. Officials act on what the course says: state the
# rule with its article, or leave out the detail that cannot be supported.
HEDGE = re.compile(
    r"\b(?:is|are|was|were)\s+(?:believed|thought|understood|said|reported)\s+to\b"
    r"|\breportedly\b|\bunconfirmed\b|\bnot\s+(?:yet\s+)?confirmed\s+for\s+this\s+course\b"
    r"|\bas\s+far\s+as\s+(?:this\s+course|we)\b"
    r"|\bnot\s+(?:yet\s+)?(?:been\s+)?checked\s+(?:against|word\s+by\s+word)\b"
    r"|\bcourse\s+has\s+(?:not\s+)?(?:yet\s+)?checked\b",
    re.IGNORECASE,
)


def hedge_problems(text: str, rel: str) -> list[ContentProblem]:
    """A problem at each place that hedges ("is believed to", "reportedly", "not yet checked against …")."""
    return [
        ContentProblem(
            rel,
            text.count("\n", 0, match.start()) + 1,
            f"hedges in front of the learner ({' '.join(match.group(0).split())!r}): "
            "state the rule with its article, or leave the detail out",
        )
        for match in HEDGE.finditer(text)
    ]


def read_text(path: Path, rel: str, problems: list[ContentProblem]) -> str:
    """A content file's text; a file that cannot be read, or a line that hedges, is a problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(ContentProblem(rel, 0, f"cannot read file: {exc}"))
        return ""
    problems.extend(hedge_problems(text, rel))
    return text


def module_version(mdir: Path) -> str:
    """The module's content version: a hash of its English files (translations do not change it)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in mdir.iterdir() if p.is_file() and not TRANSLATION_PATTERN.match(p.name)):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def file_version(path: str | Path) -> str:
    """The version of one English file, as a translation records it in `source_version`."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]
