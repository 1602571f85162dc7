"""Forms of the action page. Each that changes state carries the ``version`` it was rendered with (required:
``factorysafe.forms.VersionField``) and states its intent (no defaulted choice)."""
from flask_babel import LazyString, lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from factorysafe.forms import ChoiceFilterForm, VersionedForm
from factorysafe.labels import stage_label


def _choices(*pairs):
    return [SelectChoice(v, label) for v, label in pairs]





class PlanForm(VersionedForm):
    planned_action = TextAreaField(_l("Planned action"), validators=[DataRequired(), Length(max=5000)])
    responsible_person = StringField(_l("Responsible person"), validators=[Optional(), Length(max=120)])
    target_date = DateField(_l("Target date"), validators=[Optional()])
    submit = SubmitField(_l("Save plan"))


class ReportFixForm(VersionedForm):
    note = TextAreaField(_l("What was done"), validators=[DataRequired(), Length(max=5000)])
    photos = MultipleFileField(_l("Evidence photos"))
    submit = SubmitField(_l("Report fixed"))


class VerifyForm(VersionedForm):
    verified_on = DateField(_l("Checked on"), validators=[DataRequired()])
    note = TextAreaField(_l("Verification note"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Verify: corrected"))


class RejectForm(VersionedForm):
    reason = TextAreaField(_l("Reason the fix is not accepted"), validators=[DataRequired(), Length(max=5000)])
    submit = SubmitField(_l("Reject fix"))


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Comment"), validators=[DataRequired(), Length(max=5000)])
    submit = SubmitField(_l("Add comment"))


class ExtensionRequestForm(VersionedForm):
    new_deadline = DateField(_l("New deadline"), validators=[DataRequired()])
    reason = TextAreaField(_l("Reason for the extension"), validators=[DataRequired(), Length(max=5000)])
    submit = SubmitField(_l("Request extension"))


class ExtensionDecisionForm(VersionedForm):
    decision = RadioField(_l("Decision"), choices=_choices(("approve", _l("Approve")), ("decline", _l("Decline"))),
                          validators=[DataRequired()])
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Decide"))


class EscalationForm(VersionedForm):
    """Carries the factory's version; the stage has no default in the posted form: it must be chosen."""

    stage = SelectField(_l("Stage"), choices=_choices(*((str(n), LazyString(lambda n=n: f"{n} · {stage_label(n)}"))
                                                       for n in (1, 2, 3))), validators=[DataRequired()])
    note = TextAreaField(_l("Note"), validators=[DataRequired(), Length(max=5000)])
    submit = SubmitField(_l("Apply escalation"))


class CapFilterForm(ChoiceFilterForm):
    discipline = SelectField(_l("Discipline"), choices=_choices(("", _l("All")), ("fire", _l("Fire")), ("electrical", _l("Electrical")),
                                                    ("structural", _l("Structural")), ("boiler", _l("Boiler"))),
                             validators=[Optional()])
    status = SelectField(_l("Status"), choices=_choices(("", _l("All")), ("in_progress", _l("In progress")),
                                            ("pending_verification", _l("Pending verification")),
                                            ("corrected", _l("Corrected"))), validators=[Optional()])
    origin = SelectField(_l("Findings"), choices=_choices(("", _l("All")), ("initial", _l("Initial")), ("new", _l("New"))),
                         validators=[Optional()])
    overdue = BooleanField(_l("Overdue only"))
    submit = SubmitField(_l("Filter"))

    CHOICE_FILTERS = ("discipline", "status", "origin")


class QueueFilterForm(ChoiceFilterForm):
    """Filters of the verification queue. Values that are not among the choices (a crafted or outdated link) are
    dropped by :meth:`chosen`, like the CAP page's filters."""

    CHOICE_FILTERS = ("factory", "discipline", "order")

    factory = SelectField(_l("Factory"), choices=[], validators=[Optional()])
    discipline = CapFilterForm.discipline
    since = DateField(_l("Reported since"), validators=[Optional()])
    flagged = BooleanField(_l("Flagged evidence only"))
    order = SelectField(_l("Order"), choices=_choices(("newest", _l("Newest report first")),
                                                      ("oldest", _l("Oldest report first"))),
                        validators=[Optional()])
    submit = SubmitField(_l("Filter"))

    def chosen(self) -> tuple[dict, list[str]]:
        """The query's keyword filters and the labels of the fields whose values were dropped."""
        _choices, dropped = super().chosen()
        if self.since.raw_data and self.since.data is None:
            dropped.append(str(self.since.label.text))
            self.since.raw_data = []
        self.since.errors = []
        return {
            "factory_id": int(self.factory.data) if self.factory.data else None,
            "discipline": self.discipline.data or None,
            "reported_since": self.since.data,
            "flagged": bool(self.flagged.data),
            "newest_first": (self.order.data or "newest") == "newest",
        }, dropped

    def args(self) -> dict[str, str]:
        """The chosen filters as query-string arguments (kept across "verify and next")."""
        out = {}
        if self.factory.data:
            out["factory"] = str(self.factory.data)
        if self.discipline.data:
            out["discipline"] = self.discipline.data
        if self.since.data:
            out["since"] = self.since.data.isoformat()
        if self.flagged.data:
            out["flagged"] = "y"
        if self.order.data and self.order.data != "newest":
            out["order"] = self.order.data
        return out
