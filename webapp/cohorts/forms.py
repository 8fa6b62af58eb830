"""Forms of the cohort pages. Choices that depend on the content or the cohort are set by the views."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from markupsafe import Markup, escape
from wtforms import (
    BooleanField,
    Choice,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import AnyOf, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget, Select

from course import cohorts
from course.content import Catalogue
from course.learning.quiz import Option, Question
from course.models import AttendanceStatus
from webapp.auth.forms import RegisterForm
from webapp.quiz.forms import MultipleAnswerField, SingleAnswerField


class ModuleChoiceField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class TextValueSelect(Select):
    """A select whose options are their own values: <option>Africa/Nairobi</option>.

    An option without a value attribute sends its text (HTML's rule), so this sends
    what <option value="Africa/Nairobi">Africa/Nairobi</option> sends, in half the
    bytes: the time zones of the cohort form are a long list, loaded on slow
    connections. A choice whose label differs from its value, or whose value has
    spaces (the browser would collapse them), keeps its value attribute.
    """

    @classmethod
    def render_option(cls, choice: Choice, **kwargs: Any) -> Markup:
        value = choice.value
        if (
            choice.label not in (None, value)
            or choice.render_kw
            or kwargs
            or value != " ".join(value.split())
        ):
            return super().render_option(choice, **kwargs)
        return Markup(f"<option{' selected' if choice.selected else ''}>{escape(value)}</option>")


class CohortForm(FlaskForm):
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    path_id = SelectField(_l("Learning path"), validate_choice=True)
    module_ids = ModuleChoiceField(_l("Or choose modules (when there is no learning path)"))
    starts_on = DateField(_l("Starts on"), validators=[Optional()])
    ends_on = DateField(_l("Ends on"), validators=[Optional()])
    location = StringField(
        _l("Place, or link to the online meeting"), validators=[Optional(), Length(max=500)]
    )
    capacity = IntegerField(
        _l("Places (leave empty for no limit)"), validators=[Optional(), NumberRange(1, 5000)]
    )
    pass_mark = IntegerField(
        _l("Pass mark for this cohort's quizzes, in % (leave empty to keep each module's)"),
        validators=[Optional(), NumberRange(1, 100)],
    )
    min_attendance = IntegerField(
        _l("Minimum attendance for the certificate, in % (leave empty for none)"),
        validators=[Optional(), NumberRange(1, 100)],
    )
    # The current IANA names (cohort_form sets them); checked in validate(), with a clearer
    # message than "Not a valid choice".
    timezone = SelectField(
        _l("Time zone of the meetings"),
        default=cohorts.DEFAULT_TIMEZONE,
        validate_choice=False,
        widget=TextValueSelect(),
    )

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        if self.timezone.data not in {choice.value for choice in self.timezone.choices or ()}:
            self.timezone.errors.append(_l("Choose a time zone from the list, for example Africa/Nairobi."))
            ok = False
        if self.path_id.data and self.module_ids.data:
            self.module_ids.errors.append(_l("Choose a learning path or modules, not both."))
            ok = False
        elif not self.path_id.data and not self.module_ids.data:
            self.path_id.errors.append(_l("Choose a learning path, or tick at least one module."))
            ok = False
        if self.starts_on.data and self.ends_on.data and self.ends_on.data < self.starts_on.data:
            self.ends_on.errors.append(_l("The end date is before the start date."))
            ok = False
        return ok


def cohort_form(catalogue: Catalogue, keep_zone: str | None = None, **kwargs: Any) -> CohortForm:
    """The cohort form; `keep_zone` is the zone the cohort has, offered even if an old name (Asia/Saigon).

    The select offers, and the form accepts, exactly cohorts.timezone_choices() and `keep_zone`.
    """
    form = CohortForm(**kwargs)
    form.path_id.choices = [SelectChoice("", _l("No path: the modules ticked below"))] + [
        SelectChoice(p.id, p.title) for p in catalogue.paths
    ]
    form.module_ids.choices = [SelectChoice(m.id, m.title) for m in catalogue.modules]
    zones = cohorts.timezone_choices()
    if keep_zone and keep_zone not in zones and cohorts.is_timezone(keep_zone):
        zones = tuple(sorted((*zones, keep_zone)))
    form.timezone.choices = [SelectChoice(name, name) for name in zones]
    return form


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token travels."""


class JoiningForm(FlaskForm):
    open = HiddenField(validators=[InputRequired(), AnyOf(["0", "1"])])


class DeleteCohortForm(FlaskForm):
    confirm = BooleanField(
        _l("I understand that this deletes the cohort's roster, meetings, attendance and live questions."),
        validators=[InputRequired()],
    )


class InstructorForm(FlaskForm):
    email = EmailField(
        _l("Email of the co-instructor's account"), validators=[InputRequired(), Length(max=254)]
    )


class JoinForm(FlaskForm):
    code = StringField(_l("Join code"), validators=[InputRequired(), Length(max=40)])
    via = HiddenField(validators=[Optional(), AnyOf(["link"])])  # recorded on the enrolment


class RosterForm(FlaskForm):
    emails = TextAreaField(
        _l("Paste email addresses (one or several a line, or cells copied from a spreadsheet)"),
        validators=[Optional(), Length(max=500_000)],
    )
    roster = FileField(
        _l("Or upload a CSV roster (name, email, organisation, country)"),
        validators=[Optional(), FileAllowed(["csv", "txt"], _l("Upload a .csv file."))],
    )

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        if ok and not (self.emails.data or "").strip() and not self.roster.data:
            self.emails.errors.append(_l("Paste some email addresses or choose a CSV file."))
            ok = False
        return ok


class RosterConfirmForm(FlaskForm):
    rows = HiddenField(validators=[InputRequired()])


class MeetingForm(FlaskForm):
    """A meeting, day and time typed in the cohort's zone (`zone`); once valid, `starts_at` is the instant."""

    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=200)])
    day = DateField(_l("Date"), validators=[InputRequired()])
    time = TimeField(_l("Start time"), validators=[InputRequired()])
    duration_minutes = IntegerField(
        _l("Length in minutes"), default=120, validators=[InputRequired(), NumberRange(5, 24 * 60)]
    )
    agenda = TextAreaField(_l("Agenda"), validators=[Optional(), Length(max=5000)])

    def __init__(self, zone: str, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.starts_at: datetime | None = None

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        if ok:
            try:
                self.starts_at = cohorts.to_instant(
                    self.zone, datetime.combine(self.day.data, self.time.data)
                )
            except cohorts.NonexistentLocalTime:
                self.time.errors.append(
                    _l(
                        "This time does not exist on that day in %(zone)s: the clocks go forward past it. "
                        "Choose another time.",
                        zone=self.zone,
                    )
                )
                ok = False
        return ok


ATTENDANCE_LABELS = {
    AttendanceStatus.PRESENT: _l("Present"),
    AttendanceStatus.ABSENT: _l("Absent"),
    AttendanceStatus.EXCUSED: _l("Excused"),
}


def attendance_form(learner_ids: list[int], marks: dict[int, str]) -> FlaskForm:
    """One present/absent/excused choice per learner, named u<id>, preset from the stored marks."""

    class AttendanceForm(FlaskForm):
        save = SubmitField(_l("Save"))
        rest_present = SubmitField(_l("Save, and mark everyone not marked as present"))

    choices = [SelectChoice(status.value, label) for status, label in ATTENDANCE_LABELS.items()]
    for user_id in learner_ids:
        setattr(AttendanceForm, f"u{user_id}", RadioField(choices=choices, validators=[Optional()]))
    return AttendanceForm(data={f"u{user_id}": status for user_id, status in marks.items()})


class LiveOpenForm(FlaskForm):
    question = SelectField(_l("Question to put to the room"), validators=[InputRequired()])


def live_answer_form(question: Question, options: tuple[Option, ...]) -> FlaskForm:
    class LiveAnswerForm(FlaskForm):
        pass

    choices = [SelectChoice(o.id, o.text) for o in options]
    field = MultipleAnswerField if question.kind.multiple_answers else SingleAnswerField
    LiveAnswerForm.answer = field(question.prompt, choices=choices)  # type: ignore[attr-defined]
    return LiveAnswerForm()


class SetPasswordForm(FlaskForm):
    """The registration form's name and password rules, for an account made from a roster."""

    email = HiddenField()  # never rendered: context for the password check (kept from the account)
    full_name = RegisterForm.full_name
    password = RegisterForm.password
    confirm = RegisterForm.confirm
