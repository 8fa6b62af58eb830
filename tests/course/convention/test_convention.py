import re
from pathlib import Path

import pytest

from course import convention

ARTICLE_MAP = Path(__file__).resolve().parents[4] / "shared" / "convention" / "articles.md"


def test_registry_has_68_articles_in_9_chapters() -> None:
    assert sorted(convention.ARTICLES) == list(range(1, 69))
    assert [c.number for c in convention.CHAPTERS] == [
        "I",
        "II",
        "III",
        "IV",
        "V",
        "VI",
        "VII",
        "VIII",
        "IX",
    ]
    covered = [n for c in convention.CHAPTERS for n in range(c.first_article, c.last_article + 1)]
    assert covered == list(range(1, 69))
    for article in convention.ARTICLES.values():
        chapter = convention.CHAPTER_BY_NUMBER[article.chapter]
        assert chapter.first_article <= article.number <= chapter.last_article


def test_well_known_articles_are_not_the_budapest_numbers() -> None:
    assert convention.ARTICLES[24].title == "Conditions and safeguards"
    assert convention.ARTICLES[16].title == "Non-consensual dissemination of intimate images"
    assert convention.ARTICLES[41].title == "24/7 network"
    assert convention.get_article(69) is None


@pytest.mark.skipif(
    not ARTICLE_MAP.exists(), reason="shared/convention/articles.md is not beside this checkout"
)
def test_registry_matches_the_shared_article_map() -> None:
    rows = re.findall(r"^\| (\d+) \| (.+?) \| ([IVX]+) \|", ARTICLE_MAP.read_text(), re.MULTILINE)
    table = {int(n): (title, chapter) for n, title, chapter in rows}
    assert len(table) == 68
    for number, article in convention.ARTICLES.items():
        assert (article.title, article.chapter) == table[number], number


HEDGES = re.compile(
    r"\b(believed|thought to|understood to|reportedly|unconfirmed|provisional|not yet checked)\b|\(U\)|: U\)",
    re.IGNORECASE,
)


def test_summaries_state_the_rule_without_hedging() -> None:
    """Learners read these summaries on the article pages: no hedge and no unconfirmed detail."""
    hedged = {n: a.summary for n, a in convention.ARTICLES.items() if HEDGES.search(a.summary)}
    assert hedged == {}


def test_corrected_rows_say_what_the_map_says() -> None:
    """The rows the 2026-12 review corrected (articles.md) are not taught the older, looser way."""
    summary = {n: a.summary for n, a in convention.ARTICLES.items()}
    assert "reserved exclusively" in summary[5] and "domestic law" in summary[5]
    assert "solely because he or she is a national" in summary[22]
    assert "does not itself require prior judicial authorisation" in summary[24]
    assert "shall oblige providers" in summary[29] and "shall oblige providers" in summary[30]
    assert "at least one year" in summary[37] and "at the request of the requesting State" in summary[37]
    assert "shall not decline" in summary[40] and "bank secrecy" in summary[40]
    assert "avert an emergency" in summary[41]
    assert "priority consideration" in summary[52]
