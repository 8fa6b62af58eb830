"""Translated content: French, Spanish, Arabic files beside the English ones, with English as the fallback."""

from __future__ import annotations

from pathlib import Path

import pytest

from course.content import (
    BoxLabels,
    ContentError,
    check_content,
    cited_numbers,
    file_version,
    load_catalogue,
)
from tests.course.content.contenttree import module_dir, write_tree

PROJECT_CONTENT = Path(__file__).resolve().parents[3] / "content"
FRENCH_LABELS = BoxLabels(
    scenario="Scénario",
    answer="Afficher une réponse proposée",
    note="Remarque",
    warning="Attention",
    summary="En bref",
    true="Vrai",
    false="Faux",
)


def module_fr(version: str) -> str:
    return f"""---
title: Module d'essai
summary: Un petit module pour les tests.
objectives:
  - Expliquer l'art. 24.
source_version: "{version}"
---
Présentation qui cite l'art. 24.
"""


def lesson_fr(version: str) -> str:
    return f"""---
title: Première leçon
source_version: "{version}"
---
## Première partie

La conservation (art. 25) n'est pas la divulgation (arts. 27 et 28).

::: note
Une remarque.
:::

## Deuxième partie

Voir les [données électroniques](glossary:electronic-data).
"""


def quiz_fr(version: str) -> str:
    return f"""source_version: "{version}"
questions:
  - id: q-single
    prompt: Quel article fixe les conditions et les garanties ?
    options:
      - {{id: a, text: "L'art. 24"}}
      - {{id: b, text: "L'art. 16"}}
      - {{id: c, text: "L'art. 41"}}
    explanation: L'art. 24 encadre chaque pouvoir procédural.
  - id: q-multiple
    prompt: Lesquels sont des pouvoirs procéduraux ?
    options:
      - {{id: a, text: "L'injonction de produire"}}
      - {{id: b, text: "La perquisition et la saisie"}}
      - {{id: c, text: "L'extradition"}}
      - {{id: d, text: "La dénonciation"}}
    explanation: Les arts. 27 et 28 figurent au chapitre IV.
  - id: q-tf
    prompt: La conservation donne les données aux enquêteurs.
    explanation: La conservation ne fait que mettre les données à l'abri (art. 25).
"""


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A one-module tree with a French overview, quiz and first lesson; the second lesson is untranslated."""
    root = write_tree(tmp_path / "content")
    mdir = module_dir(root)
    (mdir / "module.fr.md").write_text(module_fr(file_version(mdir / "module.md")))
    (mdir / "01-first.fr.md").write_text(lesson_fr(file_version(mdir / "01-first.md")))
    (mdir / "quiz.fr.yaml").write_text(quiz_fr(file_version(mdir / "quiz.yaml")))
    return root


def edit(root: Path, name: str, old: str, new: str) -> None:
    """Change one piece of text in a file of the test module (the text must be there)."""
    path = module_dir(root) / name
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new))


def warnings_of(root: Path) -> list[str]:
    return [str(p) for p in check_content(root, warnings=True) if p.is_warning]


def errors_of(root: Path) -> list[str]:
    return [str(p) for p in check_content(root)]


def test_a_translated_lesson_replaces_the_english_and_an_untranslated_one_falls_back(tree: Path) -> None:
    catalogue = load_catalogue(tree)
    english = catalogue.module("mod-1")
    french = catalogue.module("mod-1", locale="fr")
    assert french.title == "Module d'essai" and french.locale == "fr"
    assert "Présentation qui cite" in french.overview_html
    first, second = french.lessons
    assert (first.title, first.locale) == ("Première leçon", "fr")
    assert "La conservation" in first.html
    assert first.source.endswith("01-first.fr.md")
    assert second is english.lessons[1] and second.locale == "en"
    assert english.title == "Test module mod-1" and english.lessons[0].locale == "en"


def test_ids_order_answers_and_version_are_shared_so_progress_is_too(tree: Path) -> None:
    catalogue = load_catalogue(tree)
    english = catalogue.module("mod-1")
    french = catalogue.module("mod-1", locale="fr")
    assert [x.id for x in french.lessons] == [x.id for x in english.lessons]
    assert [x.position for x in french.lessons] == [x.position for x in english.lessons]
    assert french.version == english.version and french.quiz == english.quiz
    assert french.question_pool.keys() == english.question_pool.keys()
    for qid, question in french.question_pool.items():
        assert question.correct_ids == english.question_pool[qid].correct_ids
        assert question.articles == english.question_pool[qid].articles
    assert french.question_pool["q-single"].prompt == "Quel article fixe les conditions et les garanties ?"
    assert french.quiz_locale == "fr"


def test_adding_a_translation_does_not_change_the_content_version(tree: Path, tmp_path: Path) -> None:
    bare = write_tree(tmp_path / "bare")
    assert load_catalogue(tree).modules[0].version == load_catalogue(bare).modules[0].version


def test_local_citations_link_to_the_articles(tree: Path) -> None:
    html = load_catalogue(tree).module("mod-1", locale="fr").lessons[0].html
    assert '<a href="/convention/articles/25" class="cite">art. 25</a>' in html
    assert '<a href="/convention/articles/27" class="cite">arts. 27</a> et ' in html
    assert '<a href="/convention/articles/28" class="cite">28</a>' in html


@pytest.mark.parametrize(
    ("locale", "text", "numbers"),
    [
        ("fr", "voir les arts. 25 à 28 et l'art. 2(h)", [25, 26, 27, 28, 2]),
        ("fr", "Art. 24, puis arts. 14, 15 et 16", [24, 14, 15, 16]),
        ("es", "véanse los arts. 25 a 28 y el art. 2(h)", [25, 26, 27, 28, 2]),
        ("es", "el art. 24 a los Estados", [24]),
        ("ar", "المادتان 14 و16 والمواد 25 إلى 28", [14, 16, 25, 26, 27, 28]),
        ("ar", "عملاً بالمادة 24 وللمادة 2 (ح)", [24, 2]),
        ("en", "arts. 25 to 28", []),  # English citations are written "Arts."
    ],
)
def test_each_language_has_its_own_citation_form(locale: str, text: str, numbers: list[int]) -> None:
    assert cited_numbers(text, locale) == numbers


def test_arabic_citations_link_the_whole_word(tree: Path) -> None:
    mdir = module_dir(tree)
    (mdir / "02-second.ar.md").write_text(
        f'---\ntitle: الدرس الثاني\nsource_version: "{file_version(mdir / "02-second.md")}"\n---\n'
        "## الجزء الأول\n\nالحفظ (المادة 25) ليس إفشاءً (المادتان 27 و28).\n\n"
        "## الجزء الثاني\n\nانظر [البيانات الإلكترونية](glossary:electronic-data).\n"
    )
    lesson = load_catalogue(tree).module("mod-1", locale="ar").lessons[1]
    assert lesson.locale == "ar"
    assert '<a href="/convention/articles/25" class="cite">المادة 25</a>' in lesson.html
    assert '<a href="/convention/articles/27" class="cite">المادتان 27</a> و' in lesson.html
    assert lesson.citations == {25, 27, 28}


def test_boxes_and_true_false_options_use_the_labels_of_the_language(tree: Path) -> None:
    catalogue = load_catalogue(tree, locale_labels={"fr": FRENCH_LABELS})
    french = catalogue.module("mod-1", locale="fr")
    assert '<p class="box-title">Remarque</p>' in french.lessons[0].html
    assert [o.text for o in french.question_pool["q-tf"].options] == ["Vrai", "Faux"]
    english = catalogue.module("mod-1")
    assert [o.text for o in english.question_pool["q-tf"].options] == ["True", "False"]


def test_a_language_without_translations_is_english(tree: Path) -> None:
    catalogue = load_catalogue(tree)
    assert catalogue.in_locale("de") is catalogue
    assert catalogue.in_locale(None) is catalogue
    assert catalogue.in_locale("fr_CA") is catalogue.in_locale("fr")
    assert catalogue.locales == ("en", "fr")
    assert catalogue.in_locale("fr").in_locale("en") is catalogue


def test_the_catalogue_in_a_language_indexes_translated_titles(tree: Path) -> None:
    french = load_catalogue(tree).in_locale("fr")
    assert french.locale == "fr"
    assert "Première leçon" in [c.title for c in french.citations[25]]
    assert "Quel article fixe les conditions et les garanties ?" in [c.title for c in french.citations[24]]


def test_a_sound_translation_has_no_errors_and_reports_the_missing_lesson(tree: Path) -> None:
    assert errors_of(tree) == []
    assert warnings_of(tree) == [
        "content/modules/01-mod-1/02-second.md:1: warning: no translation into 'fr' (02-second.fr.md)"
    ]


def test_a_missing_question_id_is_flagged_and_the_question_shown_in_english(tree: Path) -> None:
    quiz = module_dir(tree) / "quiz.fr.yaml"
    text = quiz.read_text()
    quiz.write_text(text[: text.index("  - id: q-tf")])
    assert errors_of(tree) == []
    assert (
        "content/modules/01-mod-1/quiz.fr.yaml:1: warning: missing question ids (shown in English): q-tf"
        in warnings_of(tree)
    )
    french = load_catalogue(tree).module("mod-1", locale="fr")
    assert french.question_pool["q-tf"].prompt == "Preservation gives investigators the data."
    assert french.quiz_locale == "en"


def test_an_extra_question_id_is_flagged(tree: Path) -> None:
    edit(tree, "quiz.fr.yaml", "id: q-tf", "id: q-true-false")
    warnings = warnings_of(tree)
    assert (
        "content/modules/01-mod-1/quiz.fr.yaml:18: warning: question 'q-true-false' is not in quiz.yaml "
        "(removed there, or a wrong id)" in warnings
    )
    assert any("missing question ids (shown in English): q-tf" in w for w in warnings)


def test_different_option_ids_are_flagged_and_the_question_stays_english(tree: Path) -> None:
    edit(tree, "quiz.fr.yaml", '{id: d, text: "La dénonciation"}', '{id: e, text: "La dénonciation"}')
    assert any("question 'q-multiple': option ids a, b, c, e differ" in w for w in warnings_of(tree))
    french = load_catalogue(tree).module("mod-1", locale="fr")
    assert french.question_pool["q-multiple"].prompt == "Which are procedural powers?"


def test_a_translation_cannot_change_the_answer(tree: Path) -> None:
    edit(tree, "quiz.fr.yaml", '{id: c, text: "L\'art. 41"}', '{id: c, text: "L\'art. 41", correct: true}')
    assert any("question 'q-single': 'correct' differs from quiz.yaml" in w for w in warnings_of(tree))
    french = load_catalogue(tree).module("mod-1", locale="fr")
    assert french.question_pool["q-single"].correct_ids == {"a"}


def test_a_translation_older_than_the_english_source_is_flagged(tree: Path) -> None:
    english = module_dir(tree) / "01-first.md"
    before = file_version(english)
    english.write_text(english.read_text() + "\nA new sentence.\n")
    warnings = warnings_of(tree)
    assert (
        f"content/modules/01-mod-1/01-first.fr.md:3: warning: older than the English source: translated from "
        f"01-first.md version {before}, which is now {file_version(english)}; update the translation, "
        "then source_version" in warnings
    )
    assert errors_of(tree) == []  # the app still starts; French readers see the older translation


def test_a_translation_must_say_which_english_version_it_translates(tree: Path) -> None:
    edit(tree, "01-first.fr.md", 'source_version: "', 'translated: "')
    current = file_version(module_dir(tree) / "01-first.md")
    errors = errors_of(tree)
    assert (
        f"content/modules/01-mod-1/01-first.fr.md:2: missing 'source_version': the version of 01-first.md "
        f"translated (now '{current}')" in errors
    )
    assert any("unknown field 'translated'" in e for e in errors)


def test_errors_in_a_translation_stop_the_app_like_english_ones(tree: Path) -> None:
    lesson = module_dir(tree) / "01-first.fr.md"
    lesson.write_text(
        lesson.read_text()
        .replace("(art. 25)", "(art. 77)")
        .replace("glossary:electronic-data", "glossary:nope")
    )
    with pytest.raises(ContentError) as raised:
        load_catalogue(tree)
    messages = [str(p) for p in raised.value.problems]
    assert "content/modules/01-mod-1/01-first.fr.md:7: unknown article 77 in 'art. 77'" in messages
    assert "content/modules/01-mod-1/01-first.fr.md:15: broken link: no glossary term 'nope'" in messages


def test_a_translation_that_drops_a_citation_is_flagged(tree: Path) -> None:
    edit(tree, "01-first.fr.md", "(arts. 27 et 28)", "(art. 27)")
    assert (
        "content/modules/01-mod-1/01-first.fr.md:5: warning: does not cite Art. 28, "
        "which the English text cites" in warnings_of(tree)
    )


def test_a_module_translation_carries_text_only(tree: Path) -> None:
    edit(tree, "module.fr.md", "title:", "order: 3\ntitle:")
    assert (
        "content/modules/01-mod-1/module.fr.md:2: 'order' is set in module.md only; remove it here"
        in errors_of(tree)
    )


def test_a_translation_of_a_lesson_that_does_not_exist_is_flagged(tree: Path) -> None:
    (module_dir(tree) / "01-first.fr.md").rename(module_dir(tree) / "03-third.fr.md")
    assert (
        "content/modules/01-mod-1/03-third.fr.md:1: warning: translates a lesson that does not exist: "
        "there is no 03-third.md" in warnings_of(tree)
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("quiz.fr.md", "a translation of this file is named quiz.fr.yaml"),
        ("module.en.md", "English is the source: edit module.md instead"),
    ],
)
def test_misnamed_translation_files_are_errors(tree: Path, name: str, message: str) -> None:
    (module_dir(tree) / name).write_text("---\ntitle: x\n---\n")
    assert f"content/modules/01-mod-1/{name}:0: {message}" in errors_of(tree)


def test_module_one_is_translated_into_french_and_spanish_and_its_overview_into_arabic() -> None:
    catalogue = load_catalogue(PROJECT_CONTENT)
    english = catalogue.module("convention-at-a-glance")
    for locale in ("fr", "es"):
        module = catalogue.module(english.id, locale)
        assert module.locale == locale and module.quiz_locale == locale
        assert all(lesson.locale == locale for lesson in module.lessons)
        for translated, source in zip(module.lessons, english.lessons, strict=True):
            assert translated.citations == source.citations, translated.source
            assert [e.level for e in translated.toc] == [e.level for e in source.toc], translated.source
        for translated, source in zip(module.questions, english.questions, strict=True):
            assert translated.prompt != source.prompt
    arabic = catalogue.module(english.id, "ar")
    assert arabic.locale == "ar" and arabic.title != english.title
    assert len(arabic.objectives) == len(english.objectives)


def test_the_project_translations_are_current_and_complete_where_they_exist() -> None:
    """Only the untranslated Arabic lessons and quiz may be reported: nothing outdated, nothing broken."""
    warnings = [p for p in check_content(PROJECT_CONTENT, warnings=True) if p.is_warning]
    assert all("no translation into 'ar'" in p.message for p in warnings), [str(p) for p in warnings]
