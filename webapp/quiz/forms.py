"""The quiz form, built from the attempt: one field per question shown, options in the order shown."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SelectMultipleField, ValidationError
from wtforms.form import BaseForm
from wtforms.meta import DefaultMeta
from wtforms.widgets import CheckboxInput, ListWidget

from course.learning.attempts import AttemptView
from course.learning.quiz import Option, Question


class SingleAnswerField(RadioField):
    def pre_validate(self, form: Any) -> None:
        if self.data is None:
            raise ValidationError(str(_l("Choose an answer.")))
        super().pre_validate(form)


class MultipleAnswerField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form: Any) -> None:
        if not self.data:
            raise ValidationError(str(_l("Tick at least one answer.")))
        super().pre_validate(form)


class StartQuizForm(FlaskForm):
    pass


def field_name(position: int) -> str:
    return f"q{position}"


class AnswersMeta(DefaultMeta):
    """WTForms' defaults with Flask-WTF's translations of its messages, and no CSRF field.

    CSRFProtect (webapp.extensions.csrf) checks the token of every POST before any
    view runs, so a CSRF field in the form would only check it a second time.
    """

    get_translations = FlaskForm.Meta.get_translations


AskedQuestion = tuple[str, Question, tuple[Option, ...]]  # field name, question, options in the order shown


def answer_fields(view: AttemptView) -> list[AskedQuestion]:
    """(field name, question, options in the order shown) for each question of the attempt."""
    return [
        (field_name(position), question, options)
        for position, (question, options) in enumerate(view.questions, 1)
    ]


def build_quiz_form(questions: list[AskedQuestion], formdata: Any) -> BaseForm:
    """The submitted answers as a form, one field per question of `answer_fields(view)`.

    Only a submission needs it: the page itself is written from the attempt's questions.
    A plain BaseForm from a list of fields: a Form class made per attempt cost about
    0.3 ms to create and bind on every show and every submit.
    """
    unbound = []
    for name, question, options in questions:
        choices = [SelectChoice(o.id, o.text) for o in options]
        if question.kind.multiple_answers:
            unbound.append((name, MultipleAnswerField(question.prompt, choices=choices)))
        else:
            unbound.append((name, SingleAnswerField(question.prompt, choices=choices)))
    form = BaseForm(unbound, meta=AnswersMeta())
    form.process(formdata)
    return form


def forged_fields(form: BaseForm, formdata: Any) -> list[str]:
    """Names of submitted answer fields, or option values, that the attempt never showed."""
    known = {field.name: {choice.value for choice in field.choices} for field in form}
    problems = []
    for key in formdata:
        if key == "csrf_token" or key == "submit":
            continue
        if key not in known:
            problems.append(key)
            continue
        if any(value not in known[key] for value in formdata.getlist(key)):
            problems.append(key)
    return problems


def answers_from(form: BaseForm, questions: list[AskedQuestion]) -> dict[str, list[str]]:
    answers: dict[str, list[str]] = {}
    for name, question, _options in questions:
        data = form[name].data
        if data:
            answers[question.id] = list(data) if isinstance(data, list) else [data]
    return answers
