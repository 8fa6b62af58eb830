"""The content engine: loading, rendering, citation links, and every kind of content error."""

from __future__ import annotations

from pathlib import Path

import pytest

from course.content import ContentError, check_content, cited_numbers, load_catalogue
from tests.course.content.contenttree import module_dir, write_tree

PROJECT_CONTENT = Path(__file__).resolve().parents[3] / "content"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "content")


def problems_of(root: Path) -> list[str]:
    return [str(p) for p in check_content(root)]


def test_loads_modules_lessons_in_order_with_versions(tree: Path) -> None:
    catalogue = load_catalogue(tree)
    module = catalogue.modules[0]
    assert module.id == "mod-1"
    assert [lesson.id for lesson in module.lessons] == ["first", "second"]
    assert [lesson.position for lesson in module.lessons] == [1, 2]
    assert module.quiz.questions_per_attempt == 3
    assert len(module.version) == 12
    assert catalogue.paths[0].module_ids == ("mod-1",)


def test_content_version_changes_when_a_file_changes(tree: Path) -> None:
    before = load_catalogue(tree).modules[0].version
    lesson = module_dir(tree) / "01-first.md"
    lesson.write_text(lesson.read_text() + "\nA new sentence.\n")
    assert load_catalogue(tree).modules[0].version != before


def test_citations_become_links_to_article_pages(tree: Path) -> None:
    html = load_catalogue(tree).modules[0].lessons[0].html
    assert '<a href="/convention/articles/25" class="cite">Art. 25</a>' in html
    assert '<a href="/convention/articles/27" class="cite">Arts. 27</a>' in html
    assert '<a href="/convention/articles/28" class="cite">28</a>' in html


def test_citation_ranges_expand_and_are_indexed(tree: Path) -> None:
    assert cited_numbers("see Arts. 25–28 and Art. 2(h)") == [25, 26, 27, 28, 2]
    assert cited_numbers("Arts. 14, 15 and 16") == [14, 15, 16]
    catalogue = load_catalogue(tree)
    lessons_citing_25 = [c.lesson_id for c in catalogue.citations[25] if c.lesson_id]
    assert lessons_citing_25 == ["first", "second"]
    assert [c.question_id for c in catalogue.citations[24] if c.question_id] == ["q-single"]


def test_headings_get_anchors_and_a_table_of_contents(tree: Path) -> None:
    lesson = load_catalogue(tree).modules[0].lessons[0]
    assert '<h2 id="first-part">First part</h2>' in lesson.html
    assert [(e.anchor, e.title) for e in lesson.toc] == [
        ("first-part", "First part"),
        ("second-part", "Second part"),
    ]


def test_raw_html_and_script_are_not_rendered(tree: Path) -> None:
    lesson = module_dir(tree) / "01-first.md"
    lesson.write_text(lesson.read_text() + "\n<script>alert('x')</script>\n\n<b onclick=x>bold</b>\n")
    html = load_catalogue(tree).modules[0].lessons[0].html
    assert "<script>" not in html
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in html
    assert "<b onclick" not in html


def test_scenario_and_answer_boxes_render_without_javascript(tree: Path) -> None:
    lesson = module_dir(tree) / "01-first.md"
    lesson.write_text(
        lesson.read_text()
        + "\n:::: scenario A phone is seized\nWhat now?\n\n::: answer\nPreserve under Art. 25.\n:::\n::::\n"
    )
    html = load_catalogue(tree).modules[0].lessons[0].html
    assert '<section class="box box-scenario"><p class="box-title">Scenario: A phone is seized</p>' in html
    assert '<details class="answer"><summary>Show a suggested answer</summary>' in html


def test_glossary_links_resolve_and_record_first_use(tree: Path) -> None:
    catalogue = load_catalogue(tree)
    assert 'href="/glossary#electronic-data"' in catalogue.modules[0].lessons[0].html
    assert catalogue.term_first_use["electronic-data"] == ("mod-1", "first")


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (
            "module.md",
            "title: Test module mod-1\n",
            "",
            "modules/01-mod-1/module.md:2: missing 'title'",
        ),
        (
            "module.md",
            "order: 1",
            "order: first",
            "modules/01-mod-1/module.md:5: 'order' must be a whole number above 0",
        ),
        (
            "module.md",
            "audience: [investigators]",
            "audience: [hackers]",
            "module.md:7: unknown audience 'hackers'",
        ),
        (
            "module.md",
            "key_articles: [24]",
            "key_articles: [99]",
            "module.md:8: unknown article 99 in key_articles",
        ),
        (
            "module.md",
            "title: Test",
            "title: [Test",
            "modules/01-mod-1/module.md:3: unreadable YAML",
        ),
        ("module.md", "---\nid", "id", "modules/01-mod-1/module.md:1: missing front matter"),
        (
            "01-first.md",
            "(Art. 25)",
            "(Art. 97)",
            "modules/01-mod-1/01-first.md:7: unknown article 97 in 'Art. 97'",
        ),
        (
            "01-first.md",
            "(Arts. 27 and 28)",
            "(Arts. 66–70)",
            "01-first.md:7: unknown article 69 in 'Arts. 66–70'",
        ),
        (
            "01-first.md",
            "glossary:electronic-data",
            "glossary:nothing",
            "01-first.md:11: broken link: no glossary term 'nothing'",
        ),
        (
            "01-first.md",
            "glossary:electronic-data",
            "lesson:mod-1/missing",
            "01-first.md:11: broken link: no lesson 'mod-1/missing'",
        ),
        (
            "01-first.md",
            "glossary:electronic-data",
            "javascript:alert(1)",
            "01-first.md:11: broken or unsafe link: javascript",
        ),
        (
            "01-first.md",
            "glossary:electronic-data",
            "../other.md",
            "01-first.md:11: broken or unsafe link '../other.md'",
        ),
        (
            "02-second.md",
            "id: second",
            "id: first",
            "modules/01-mod-1/02-second.md:2: duplicate lesson id 'first'",
        ),
        (
            "quiz.yaml",
            "articles: [24]",
            "articles: [88]",
            "quiz.yaml:2: question 'q-single': unknown article 88",
        ),
        (
            "quiz.yaml",
            '"Art. 24", correct: true',
            '"Art. 24"',
            "quiz.yaml:2: question 'q-single': no correct option",
        ),
        (
            "quiz.yaml",
            "id: q-multiple",
            "id: q-single",
            "quiz.yaml:11: duplicate question id 'q-single'",
        ),
        (
            "quiz.yaml",
            "type: true_false",
            "type: essay",
            "quiz.yaml:21: question 'q-tf': unknown type 'essay'",
        ),
        (
            "quiz.yaml",
            "answer: false",
            "answer: maybe",
            "quiz.yaml:21: question 'q-tf': a true_false question needs",
        ),
        (
            "quiz.yaml",
            '"Art. 16"',
            '"Art. 16", correct: true',
            "q-single': a single-choice question must have exactly one",
        ),
        ("quiz.yaml", "prompt: Which are", "prompt: [Which are", "quiz.yaml:13: unreadable YAML"),
        (
            "quiz.yaml",
            "type: single",
            "type: single\n    scenario: maybe",
            "quiz.yaml:2: question 'q-single': 'scenario' must be true or false",
        ),
        (
            "01-first.md",
            "Preservation (Art. 25) is not disclosure",
            "Preservation (Art. 25) is believed to be\nnot disclosure",
            "01-first.md:7: hedges in front of the learner ('is believed to')",
        ),
        (
            "01-first.md",
            "## Second part",
            "## Second part\n\nThe period is 90 days, as far as this course has checked.",
            "01-first.md:11: hedges in front of the learner ('as far as this course')",
        ),
        (
            "quiz.yaml",
            "explanation: Art. 24 binds every procedural power.",
            "explanation: Art. 24 reportedly binds every procedural power.",
            "quiz.yaml:9: hedges in front of the learner ('reportedly')",
        ),
        (
            "module.md",
            "Overview that cites Art. 24.",
            "Overview that cites Art. 24, not yet checked against the official text.",
            "module.md:15: hedges in front of the learner ('not yet checked against')",
        ),
    ],
)
def test_each_content_error_is_reported_with_file_and_line(
    tree: Path, file: str, old: str, new: str, expected: str
) -> None:
    _replace(module_dir(tree) / file, old, new)
    problems = problems_of(tree)
    assert any(expected in p for p in problems), problems


def test_duplicate_module_ids_and_unknown_path_modules(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "content", modules=2)
    _replace(module_dir(root, 2) / "module.md", "id: mod-2", "id: mod-1")
    problems = problems_of(root)
    assert any("modules/02-mod-2/module.md:2: duplicate module id 'mod-1'" in p for p in problems), problems
    assert any("paths.yaml:2: path 'all': unknown module 'mod-2'" in p for p in problems), problems


def test_missing_quiz_and_lessons_are_reported(tree: Path) -> None:
    mdir = module_dir(tree)
    (mdir / "quiz.yaml").unlink()
    for lesson in mdir.glob("0*.md"):
        lesson.unlink()
    problems = problems_of(tree)
    assert any("module has no quiz.yaml" in p for p in problems)
    assert any("module has no lessons" in p for p in problems)


def test_load_raises_with_every_problem(tree: Path) -> None:
    _replace(module_dir(tree) / "01-first.md", "(Art. 25)", "(Art. 90)")
    _replace(module_dir(tree) / "quiz.yaml", "articles: [25]", "articles: [91]")
    with pytest.raises(ContentError) as caught:
        load_catalogue(tree)
    messages = str(caught.value)
    assert "unknown article 90" in messages and "unknown article 91" in messages


def test_the_real_course_content_is_sound() -> None:
    assert check_content(PROJECT_CONTENT) == []
