"""The case forms: start (or start again), and one choice at the current step."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import InputRequired


class StartCaseForm(FlaskForm):
    """One button; only the CSRF token travels."""


class ChoiceForm(FlaskForm):
    """The choice at one step. Whether the choice belongs to the step is for course.learning.cases to say."""

    attempt = IntegerField(validators=[InputRequired()])
    choice = StringField(validators=[InputRequired(message=_l("Choose one of the options first."))])
