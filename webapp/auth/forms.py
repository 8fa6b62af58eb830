from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import Email, EqualTo, InputRequired, Length, ValidationError

from course.accounts import MAX_PASSWORD_LENGTH, PasswordProblem, password_problem
from webapp.i18n.forms import language_select_choices

PASSWORD_MESSAGES = {
    PasswordProblem.TOO_SHORT: _l("Use at least 10 characters."),
    PasswordProblem.TOO_LONG: _l("Use at most 256 characters."),
    PasswordProblem.TOO_COMMON: _l(
        "This password is too easy to guess. Try a few unrelated words, or a longer phrase."
    ),
}


class StrongPassword:
    """Checks the password rules of course.accounts, with the other fields as context."""

    def __call__(self, form: FlaskForm, field: PasswordField) -> None:
        context = [
            str(getattr(form, name).data or "") for name in ("email", "full_name") if hasattr(form, name)
        ]
        problem = password_problem(field.data or "", context)
        if problem is not None:
            raise ValidationError(str(PASSWORD_MESSAGES[problem]))


class RegisterForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[InputRequired(), Email(), Length(max=254)])
    full_name = StringField(
        _l("Full name, exactly as it should appear on your certificate"),
        validators=[InputRequired(), Length(min=2, max=200)],
    )
    organisation = StringField(_l("Organisation"), validators=[InputRequired(), Length(max=200)])
    country = StringField(_l("Country"), validators=[InputRequired(), Length(max=100)])
    password = PasswordField(
        _l("Password (at least 10 characters)"),
        validators=[InputRequired(), Length(max=MAX_PASSWORD_LENGTH), StrongPassword()],
    )
    confirm = PasswordField(
        _l("Password again"),
        validators=[InputRequired(), EqualTo("password", _l("The passwords do not match."))],
    )


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[InputRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=MAX_PASSWORD_LENGTH)])
    remember = BooleanField(_l("Keep me logged in on this device"))


class LogoutForm(FlaskForm):
    pass


class ConfirmEmailForm(FlaskForm):
    """Only the CSRF token: confirming takes a press of the button, never a mere GET of the link."""


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[InputRequired(), Email(), Length(max=254)])


class NewPasswordForm(FlaskForm):
    """A new password, twice, under the registration rules; the account's email and name are the context."""

    email = HiddenField()  # never rendered: filled in from the account
    full_name = HiddenField()
    password = RegisterForm.password
    confirm = RegisterForm.confirm


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Your password, to confirm"), validators=[InputRequired()])
    confirm = BooleanField(
        _l("I understand that my progress and quiz results will be deleted for good."),
        validators=[InputRequired()],
    )


class ProfileForm(FlaskForm):
    full_name = StringField(_l("Full name"), validators=[InputRequired(), Length(min=2, max=200)])
    organisation = StringField(_l("Organisation"), validators=[InputRequired(), Length(max=200)])
    country = StringField(_l("Country"), validators=[InputRequired(), Length(max=100)])
    locale = SelectField(
        _l("Language"), choices=lambda: [SelectChoice("", _l("From my browser")), *language_select_choices()]
    )
