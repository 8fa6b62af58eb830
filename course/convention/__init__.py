"""The registry of the Convention's articles: the one truth for citations.

The data lives beside this file in articles.yaml (chapters, then every article with
its title, chapter, status tag and a summary in our own words) and agrees with
../shared/convention/articles.md: a test compares them. The status tag is the map's:
"P" (seen in an official text), "S" (matched in a secondary source) or "U" (number
and title as in the map; details such as periods and paragraph numbers are left out
of the summary, and no question turns on them).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

DATA_FILE = Path(__file__).resolve().parent / "articles.yaml"


@dataclass(frozen=True, slots=True)
class Chapter:
    number: str  # Roman numeral, as the Convention numbers its chapters
    title: str
    first_article: int
    last_article: int


@dataclass(frozen=True, slots=True)
class Article:
    number: int
    title: str
    chapter: str
    summary: str
    status: str


def _load(path: Path) -> tuple[tuple[Chapter, ...], dict[int, Article]]:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    chapters = tuple(
        Chapter(str(c["number"]), str(c["title"]), int(c["first"]), int(c["last"])) for c in data["chapters"]
    )
    articles = {
        int(a["number"]): Article(
            int(a["number"]),
            str(a["title"]),
            str(a["chapter"]),
            " ".join(str(a["summary"]).split()),
            str(a["status"]),
        )
        for a in data["articles"]
    }
    return chapters, articles


CHAPTERS, ARTICLES = _load(DATA_FILE)
CHAPTER_BY_NUMBER: dict[str, Chapter] = {c.number: c for c in CHAPTERS}


def get_article(number: int) -> Article | None:
    """Return the article with this number, or None when the Convention has none."""
    return ARTICLES.get(number)


def is_article(number: int) -> bool:
    return number in ARTICLES


def articles_in_chapter(chapter: Chapter) -> list[Article]:
    return [ARTICLES[n] for n in range(chapter.first_article, chapter.last_article + 1)]
