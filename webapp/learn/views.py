"""Reading the course: catalogue, learning paths, modules, lessons, dashboard, Convention, glossary."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from course import convention
from course.content import Lesson, Module, stats
from course.learning import progress
from webapp import catalogue
from webapp.access import staff_required
from webapp.extensions import db
from webapp.layout import render_page
from webapp.learn.forms import CompleteLessonForm

bp = Blueprint("learn", __name__, template_folder="templates")


def _facts(module_ids: list[str] | None = None) -> progress.LearnerFacts:
    if not current_user.is_authenticated:
        return progress.LearnerFacts()
    return progress.load_facts(db.session, current_user.id, module_ids)


def get_module_or_404(module_id: str) -> Module:
    module = catalogue().module(module_id)
    if module is None:
        abort(404)
    return module


def get_lesson_or_404(module: Module, lesson_id: str) -> Lesson:
    lesson = module.lesson(lesson_id)
    if lesson is None:
        abort(404)
    return lesson


@bp.get("/")
def index() -> str:
    cat = catalogue()
    facts = _facts()
    paths = [progress.path_progress(cat, p, facts) for p in cat.paths]
    modules = [progress.module_progress(m, facts) for m in cat.modules]
    return render_template("learn/index.html", paths=paths, modules=modules)


@bp.get("/paths/<path_id>")
def path(path_id: str) -> str:
    cat = catalogue()
    learning_path = cat.path(path_id)
    if learning_path is None:
        abort(404)
    facts = _facts(list(learning_path.module_ids))
    return render_template("learn/path.html", path=progress.path_progress(cat, learning_path, facts))


@bp.get("/modules/<module_id>")
def module(module_id: str) -> str:
    mod = get_module_or_404(module_id)
    state = progress.module_progress(mod, _facts([mod.id]))
    return render_template("learn/module.html", module=mod, state=state)


@bp.get("/modules/<module_id>/lessons/<lesson_id>")
def lesson(module_id: str, lesson_id: str) -> str:
    mod = get_module_or_404(module_id)
    current = get_lesson_or_404(mod, lesson_id)
    index = current.position - 1
    previous = mod.lessons[index - 1] if index > 0 else None
    following = mod.lessons[index + 1] if index + 1 < len(mod.lessons) else None
    done = False
    if current_user.is_authenticated:
        done = current.id in progress.completed_lessons(db.session, current_user.id, mod.id)
    return render_page(
        "learn/lesson.html",
        (mod.id, current.id, done),
        module=mod,
        lesson=current,
        previous=previous,
        following=following,
        done=done,
    )


@bp.post("/modules/<module_id>/lessons/<lesson_id>/complete")
@login_required
def complete(module_id: str, lesson_id: str) -> Response:
    mod = get_module_or_404(module_id)
    current = get_lesson_or_404(mod, lesson_id)
    form = CompleteLessonForm()
    if not form.validate_on_submit():
        abort(400)
    progress.complete_lesson(db.session, current_user.id, mod, current)
    flash(_("Lesson completed: %(title)s", title=current.title), "success")
    if current.position < len(mod.lessons):
        following = mod.lessons[current.position]
        return redirect(url_for("learn.lesson", module_id=mod.id, lesson_id=following.id))
    return redirect(url_for("learn.module", module_id=mod.id))


@bp.get("/dashboard")
@login_required
def dashboard() -> str:
    cat = catalogue()
    facts = _facts()
    paths = [progress.path_progress(cat, p, facts) for p in cat.paths]
    modules = [progress.module_progress(m, facts) for m in cat.modules]
    return render_template(
        "learn/dashboard.html",
        paths=paths,
        modules=modules,
        resume=progress.resume_point(cat.modules, facts),
        started=any(m.status != progress.ModuleStatus.NOT_STARTED for m in modules),
    )


@bp.get("/convention")
def articles() -> str:
    chapters = [(c, convention.articles_in_chapter(c)) for c in convention.CHAPTERS]
    return render_template("learn/articles.html", chapters=chapters, citations=catalogue().citations)


@bp.get("/convention/articles/<int:number>")
def article(number: int) -> str:
    found = convention.get_article(number)
    if found is None:
        abort(404)
    cat = catalogue()
    cited = cat.citations.get(number, ())
    lessons = [(cat.module(c.module_id), c) for c in cited if c.lesson_id]
    questions = [(cat.module(c.module_id), c) for c in cited if c.question_id]
    return render_template(
        "learn/article.html",
        article=found,
        chapter=convention.CHAPTER_BY_NUMBER[found.chapter],
        lessons=lessons,
        questions=questions,
        previous=convention.get_article(number - 1),
        following=convention.get_article(number + 1),
    )


@bp.get("/convention/coverage")
@staff_required
def coverage() -> str:
    """For instructors and content editors: each article against the lessons and questions on it."""
    return render_template("learn/coverage.html", provisions=stats.provisions(catalogue()))


@bp.get("/glossary")
def glossary() -> str:
    cat = catalogue()
    return render_template("learn/glossary.html", terms=cat.glossary, first_use=cat.term_first_use)
