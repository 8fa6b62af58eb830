"""The language switcher's form: one language, and the page to go back to."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectChoice, SelectField
from wtforms.validators import InputRequired

from webapp.i18n import language_choices


def language_select_choices() -> list[SelectChoice]:
    """The offered languages, each named in its own words (read when a form is built)."""
    return [SelectChoice(code, name) for code, name in language_choices()]


class LanguageForm(FlaskForm):
    locale = SelectField(choices=language_select_choices, validators=[InputRequired()])
    next = HiddenField()
