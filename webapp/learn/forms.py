from flask_wtf import FlaskForm


class CompleteLessonForm(FlaskForm):
    """One click at the end of a lesson; only the CSRF token travels."""
