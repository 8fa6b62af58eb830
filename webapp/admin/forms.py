from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectChoice, SelectField
from wtforms.validators import AnyOf, InputRequired

from course.models import Role

ROLE_LABELS = {
    Role.LEARNER: _l("Learner"),
    Role.INSTRUCTOR: _l("Instructor"),
    Role.ADMIN: _l("Administrator"),
}


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=[SelectChoice(r.value, label) for r, label in ROLE_LABELS.items()])


class ActiveForm(FlaskForm):
    active = HiddenField(validators=[InputRequired(), AnyOf(["0", "1"])])
