"""case.yaml: loaded and rendered into Module.case, and every broken rule reported at its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from course.content import check_content, load_catalogue
from tests.course.content.contenttree import CASE_YAML, module_dir, write_tree

CASE = "content/modules/01-mod-1/case.yaml"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "content", modules=2)


def test_a_case_is_loaded_in_order_with_its_markdown_rendered(tree: Path) -> None:
    first, second = load_catalogue(tree).modules
    case = first.case
    assert case is not None and second.case is None
    assert (case.id, case.title, case.pass_mark) == ("leaked-logs", "The logs that might vanish", 60)
    assert [s.id for s in case.steps] == ["first-hours", "get-the-data", "safeguards"]
    assert [s.position for s in case.steps] == [1, 2, 3]
    assert '<a href="/convention/articles/7" class="cite">Art. 7</a>' in case.setting_html
    step = case.steps[0]
    assert step.articles == (25, 24) and step.best.id == "a"
    assert [c.is_best for c in step.choices] == [True, False, False]
    assert '<a href="/convention/articles/24" class="cite">Art. 24</a>' in step.choice("c").feedback_html
    assert case.steps[1].best.text == "A production order for the preserved logs"


def test_pass_mark_defaults_to_70(tree: Path) -> None:
    path = module_dir(tree) / "case.yaml"
    path.write_text(path.read_text().replace("pass_mark: 60\n", ""))
    assert load_catalogue(tree).modules[0].case.pass_mark == 70


def test_the_case_is_part_of_the_module_content_version(tree: Path) -> None:
    before = load_catalogue(tree).modules[0].version
    path = module_dir(tree) / "case.yaml"
    path.write_text(path.read_text().replace("What do you do first?", "What do you do at once?"))
    assert load_catalogue(tree).modules[0].version != before


def replace_once(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


THREE_STEPS = CASE_YAML.partition("  - id: get-the-data")[0]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("id: leaked-logs\n", "", "1: case: missing or invalid 'id' (lowercase letters, digits, hyphens)"),
        ("id: leaked-logs", "id: Leaked Logs", "1: case: missing or invalid 'id'"),
        ("title: The logs that might vanish\n", "", "1: case: missing 'title'"),
        ("pass_mark: 60", "pass_mark: 0", "4: case: pass_mark must be a whole number from 1 to 100"),
        ("pass_mark: 60", "pass_mark: high", "4: case: pass_mark must be a whole number from 1 to 100"),
        ("pass_mark: 60", "pass_mark: 60\nlevel: hard", "5: unknown key 'level' (use: id, title, summary"),
        ("  - id: get-the-data", "  - id: first-hours", "29: duplicate step id 'first-hours' (also step 1)"),
        ("  - id: get-the-data", "  - id: Get The Data", "29: step 2: missing or invalid 'id'"),
        ("    question: How do you obtain them?\n", "", "29: step 'get-the-data': missing 'question'"),
        (
            "    articles: [27]",
            "    articles: [27]\n    hint: x",
            "34: step 'get-the-data': unknown key 'hint'",
        ),
        ("    articles: [27]", "    articles: [99]", "33: step 'get-the-data': unknown article 99"),
        ("    articles: [27]", "    articles: []", "33: step 'get-the-data': needs 'articles'"),
        (
            "        text: Wait for a production order\n",
            "",
            "21: step 'first-hours': choice 'b': missing 'text'",
        ),
        (
            "      - id: b\n        text: Wait",
            "      - id: a\n        text: Wait",
            "21: step 'first-hours': duplicate choice id 'a'",
        ),
        (
            "        text: Wait for a production order",
            "        text: Wait for a production order\n        best: true",
            "15: step 'first-hours': exactly one choice must have 'best: true' (found 2)",
        ),
        (
            "        text: Order the provider to preserve the logs\n        best: true\n",
            "        text: Order the provider to preserve the logs\n",
            "15: step 'first-hours': exactly one choice must have 'best: true' (found 0)",
        ),
        (
            "        best: true",
            "        best: yes please",
            "18: step 'first-hours': choice 'a': best must be true or false",
        ),
        (
            "Too late: by then the logs are gone. Preserve first (Art. 25).",
            "Too late: by then the logs are gone.",
            "24: step 'first-hours': choice 'b': the feedback must cite at least one article (Art. N)",
        ),
        (
            "Not proportionate (Art. 24) when",
            "Not proportionate (Art. 99) when",
            "28: unknown article 99 in 'Art. 99'",
        ),
        ("(Art. 7).", "(Art. 98).", "6: unknown article 98 in 'Art. 98'"),
        (
            "        text: Seize the provider's servers",
            "        text: Seize the provider's servers\n        score: 2",
            "27: step 'first-hours': choice 'c': unknown key 'score' (use: id, text, best, feedback)",
        ),
        (
            "      - id: c\n        text: Seize the provider's servers\n        feedback: >\n"
            "          Not proportionate (Art. 24) when preservation does the job.\n",
            "",
            "15: step 'first-hours': needs 3 to 5 choices (found 2)",
        ),
        (CASE_YAML, THREE_STEPS, "9: a case needs 3 to 8 steps (found 1)"),
        ("steps:", "steps: [", "unreadable YAML"),
    ],
)
def test_each_broken_rule_is_reported_at_its_file_and_line(
    tree: Path, old: str, new: str, expected: str
) -> None:
    path = module_dir(tree) / "case.yaml"
    path.write_text(replace_once(path.read_text(), old, new))
    problems = [str(p) for p in check_content(tree)]
    assert any(p.startswith(f"{CASE}:") and expected in p for p in problems), problems
    if "unreadable" not in expected:
        assert any(p.startswith(f"{CASE}:{expected.partition(':')[0]}:") for p in problems), problems


def test_a_case_id_must_be_unique_in_the_course(tree: Path) -> None:
    (module_dir(tree, 2) / "case.yaml").write_text(CASE_YAML)
    problems = [str(p) for p in check_content(tree)]
    assert problems == [
        "content/modules/02-mod-2/case.yaml:1: duplicate case id 'leaked-logs' "
        "(also in content/modules/01-mod-1/case.yaml)"
    ]


def test_a_quiz_question_may_not_take_a_case_step_id(tree: Path) -> None:
    quiz = module_dir(tree) / "quiz.yaml"
    quiz.write_text(quiz.read_text().replace("id: q-tf", "id: case/q-tf"))
    assert any("question ids cannot start with 'case/'" in str(p) for p in check_content(tree))
