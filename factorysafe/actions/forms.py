"""Forms of the action page. Each carries the action ``version`` it was rendered with."""
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, DateField, HiddenField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional


def _choices(*pairs):
    return [SelectChoice(v, label) for v, label in pairs]


class _Versioned(FlaskForm):
    version = HiddenField()

    def version_value(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None


class PlanForm(_Versioned):
    planned_action = TextAreaField("Planned action", validators=[DataRequired(), Length(max=5000)])
    responsible_person = StringField("Responsible person", validators=[Optional(), Length(max=120)])
    target_date = DateField("Target date", validators=[Optional()])
    submit = SubmitField("Save plan")


class ReportFixForm(_Versioned):
    note = TextAreaField("What was done", validators=[DataRequired(), Length(max=5000)])
    photos = MultipleFileField("Evidence photos")
    submit = SubmitField("Report fixed")


class VerifyForm(_Versioned):
    verified_on = DateField("Checked on", validators=[DataRequired()])
    note = TextAreaField("Verification note", validators=[Optional(), Length(max=5000)])
    submit = SubmitField("Verify: corrected")


class RejectForm(_Versioned):
    reason = TextAreaField("Reason the fix is not accepted", validators=[DataRequired(), Length(max=5000)])
    submit = SubmitField("Reject fix")


class CommentForm(FlaskForm):
    body = TextAreaField("Comment", validators=[DataRequired(), Length(max=5000)])
    submit = SubmitField("Add comment")


class ExtensionRequestForm(FlaskForm):
    new_deadline = DateField("New deadline", validators=[DataRequired()])
    reason = TextAreaField("Reason for the extension", validators=[DataRequired(), Length(max=5000)])
    submit = SubmitField("Request extension")


class ExtensionDecisionForm(FlaskForm):
    decision = RadioField("Decision", choices=_choices(("approve", "Approve"), ("decline", "Decline")),
                          validators=[DataRequired()])
    comment = TextAreaField("Comment", validators=[Optional(), Length(max=5000)])
    submit = SubmitField("Decide")


class EscalationForm(FlaskForm):
    stage = SelectField("Stage", choices=_choices(("1", "1 · Notice letter"), ("2", "2 · Mandatory meeting"),
                                          ("3", "3 · Termination (ineligible)")), validators=[DataRequired()])
    note = TextAreaField("Note", validators=[DataRequired(), Length(max=5000)])
    submit = SubmitField("Apply escalation")


class CapFilterForm(FlaskForm):
    class Meta:
        csrf = False

    discipline = SelectField("Discipline", choices=_choices(("", "All"), ("fire", "Fire"), ("electrical", "Electrical"),
                                                    ("structural", "Structural"), ("boiler", "Boiler")),
                             validators=[Optional()])
    status = SelectField("Status", choices=_choices(("", "All"), ("in_progress", "In progress"),
                                            ("pending_verification", "Pending verification"),
                                            ("corrected", "Corrected")), validators=[Optional()])
    origin = SelectField("Findings", choices=_choices(("", "All"), ("initial", "Initial"), ("new", "New")),
                         validators=[Optional()])
    overdue = BooleanField("Overdue only")
    submit = SubmitField("Filter")
