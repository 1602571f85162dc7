from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError

from factorysafe.subscriptions.rules import normalise_email


class FollowForm(FlaskForm):
    """Follow a factory: an e-mail address (no name) and the language of the e-mails."""

    email = EmailField(_l("Your e-mail address"), validators=[DataRequired(), Length(max=254)])
    lang = SelectField(_l("Language of the e-mails"), choices=[("bn", "বাংলা"), ("en", "English")])
    submit = SubmitField(_l("Follow this factory"))

    def validate_email(self, field):
        if normalise_email(field.data) is None:
            raise ValidationError(_l("Enter an e-mail address such as name@example.com."))


class UnsubscribeForm(FlaskForm):
    submit = SubmitField(_l("Stop the e-mails"))
