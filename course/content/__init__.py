"""Load, validate and render the content tree (content/), once per process.

The content tree is plain files (see content/README.md). `load_catalogue` reads
every module, lesson, quiz, the glossary and the learning paths, renders the
Markdown with markdown-it-py (raw HTML off), links article citations such as
"Art. 24" or "Arts. 25–28" to the article pages, and computes a content version
per module (a hash of its files). Every problem is collected with its file and
line; if there is any, `ContentError` carries the whole list.

A module may also have a case exercise (case.yaml): a case played step by step,
checked and rendered like the rest (course/content/cases.py), and part of the
module's content version. It is in English only for now.

Translations live beside the English files: `module.fr.md`, `01-lesson.fr.md`,
`quiz.fr.yaml` (see webapp/translations/README.md). They carry only text: ids,
order, answers and article lists always come from the English files, so
progress and attempts are shared across languages. Each translation records
the version of the English file it was translated from (`source_version`).
`Catalogue.in_locale("fr")` gives the course in French where a translation
exists and in English otherwise; `Lesson.locale` says which language a lesson
is actually written in. Problems in a translation's own text (a broken link, an
unknown article) are errors like any other; gaps that come from the English
moving on (a missing lesson or question, an outdated translation) are warnings:
they are reported, and the learner reads English there meanwhile.
"""

from course.content.loader import check_content, load_catalogue
from course.content.markdown import (
    CITATION,
    CITATION_STYLES,
    BoxLabels,
    LinkScheme,
    citation_style,
    cited_numbers,
    make_renderer,
    title_problems,
)
from course.content.model import (
    AUDIENCES,
    CASE_FILE,
    CASE_PASS_MARK,
    CASE_STEP_PREFIX,
    ID_PATTERN,
    LESSON_PATTERN,
    MODULE_FILE,
    QUIZ_FILE,
    SOURCE_LOCALE,
    TRANSLATION_PATTERN,
    VERSION_PATTERN,
    CaseChoice,
    CaseExercise,
    CaseStep,
    Catalogue,
    Citation,
    ContentError,
    ContentProblem,
    GlossaryTerm,
    LearningPath,
    Lesson,
    Module,
    QuizSettings,
    TocEntry,
)
from course.content.source import file_version

__all__ = [
    "AUDIENCES",
    "BoxLabels",
    "CASE_FILE",
    "CASE_PASS_MARK",
    "CASE_STEP_PREFIX",
    "CITATION",
    "CITATION_STYLES",
    "CaseChoice",
    "CaseExercise",
    "CaseStep",
    "Catalogue",
    "Citation",
    "ContentError",
    "ContentProblem",
    "GlossaryTerm",
    "ID_PATTERN",
    "LESSON_PATTERN",
    "LearningPath",
    "Lesson",
    "LinkScheme",
    "MODULE_FILE",
    "Module",
    "QUIZ_FILE",
    "QuizSettings",
    "SOURCE_LOCALE",
    "TRANSLATION_PATTERN",
    "TocEntry",
    "VERSION_PATTERN",
    "check_content",
    "citation_style",
    "cited_numbers",
    "file_version",
    "load_catalogue",
    "make_renderer",
    "title_problems",
]
