from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileSize
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from course.credentials.certificates import RevocationReason

REASON_LABELS = {
    RevocationReason.ISSUED_IN_ERROR: _l("Issued in error"),
    RevocationReason.ACADEMIC_MISCONDUCT: _l("Academic misconduct"),
    RevocationReason.IDENTITY_NOT_CONFIRMED: _l("Identity not confirmed"),
    RevocationReason.REQUESTED_BY_HOLDER: _l("Requested by the holder"),
    RevocationReason.OTHER: _l("Other reason"),
}

MAX_CREDENTIAL_BYTES = 256 * 1024


class ClaimForm(FlaskForm):
    pass


class ReissueForm(FlaskForm):
    pass


class RevokeForm(FlaskForm):
    reason = SelectField(
        _l("Reason (shown on the public verification page)"),
        choices=[SelectChoice(r.value, label) for r, label in REASON_LABELS.items()],
        validators=[InputRequired()],
    )
    note = TextAreaField(
        _l("Note for the record (not shown publicly)"),
        validators=[InputRequired(_l("Say why, for the audit log.")), Length(max=2000)],
    )


class CodeForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form: it changes nothing

    code = StringField(_l("Certificate code"), validators=[InputRequired(), Length(max=60)])


class CredentialForm(FlaskForm):
    document = TextAreaField(
        _l("Paste the credential (JSON)"), validators=[Optional(), Length(max=MAX_CREDENTIAL_BYTES)]
    )
    upload = FileField(
        _l("Or choose the credential file"),
        validators=[FileSize(MAX_CREDENTIAL_BYTES, message=_l("The file is too large for a credential."))],
    )
