from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from factorysafe.auth.models import Role
from factorysafe.auth.rules import MAX_PASSWORD_LENGTH
from factorysafe.labels import lazy_label


class LoginForm(FlaskForm):
    # No deliverability or special-use-domain check: signing in only looks the address up.
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Sign in"))

    def validate_email(self, field):
        """On a production deployment demo accounts (published passwords) cannot sign in."""
        if not current_app.config["PRODUCTION"] or not field.data:
            return
        import sqlalchemy as sa

        from factorysafe.auth.models import User
        from factorysafe.auth.rules import demo_sign_in_refused
        from factorysafe.db import db

        is_demo = db.session.scalar(sa.select(User.is_demo).where(User.email == field.data.strip().lower()))
        if demo_sign_in_refused(bool(is_demo), True):
            raise ValidationError(_l("Demo accounts cannot sign in on this site: ask an administrator for an account."))


def _role_choices():
    return [(r.value, lazy_label(r)) for r in Role]


class FactoryIdsField(StringField):
    """Factory ids typed as numbers separated by commas or spaces; ``data`` is the list of ints."""

    def process_formdata(self, valuelist):
        self.raw = valuelist[0] if valuelist else ""
        self.data = []
        for part in self.raw.replace(",", " ").split():
            if not part.isdigit() or len(part) > 9:
                self.data = []
                raise ValueError(_l("Enter factory numbers separated by commas, for example 12, 40."))
            self.data.append(int(part))

    def _value(self):
        if getattr(self, "raw", None) is not None:
            return self.raw
        return ", ".join(str(i) for i in (self.data or []))


class UserForm(FlaskForm):
    name = StringField(_l("Name"), validators=[Optional(), Length(max=120)])
    role = SelectField(_l("Role"), choices=_role_choices, validators=[DataRequired()])
    factories = FactoryIdsField(_l("Factories (numbers, owners only)"), validators=[Optional()])
    submit = SubmitField(_l("Save"))


class InviteForm(UserForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    submit = SubmitField(_l("Send the invitation"))


class ButtonForm(FlaskForm):
    """A button that changes something (deactivate, reactivate, send again): CSRF only."""


def _new_password_fields():
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])
    confirm = PasswordField(_l("New password again"), validators=[
        DataRequired(), EqualTo("password", message=_l("The two passwords differ."))])
    return password, confirm


class SetPasswordForm(FlaskForm):
    password, confirm = _new_password_fields()
    submit = SubmitField(_l("Set the password"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    submit = SubmitField(_l("Send me a link"))


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])
    password, confirm = _new_password_fields()
    submit = SubmitField(_l("Change the password"))
