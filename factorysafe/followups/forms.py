"""Forms of the follow-up calendar and of the items a follow-up inspection checks."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from factorysafe.forms import ChoiceFilterForm, VersionedForm

MINE, ALL, UNASSIGNED = "", "all", "unassigned"


class CalendarFilterForm(ChoiceFilterForm):
    """Whose follow-ups: mine (the default), everyone's, the unassigned ones, or one engineer's."""

    CHOICE_FILTERS = ("engineer",)
    engineer = SelectField(_l("Engineer"), choices=[], validators=[Optional()])
    submit = SubmitField(_l("Show"))

    def fill(self, engineers) -> None:
        self.engineer.choices = [SelectChoice(MINE, _l("My follow-ups")), SelectChoice(ALL, _l("All engineers")),
                                 SelectChoice(UNASSIGNED, _l("Unassigned"))] + [
            SelectChoice(str(u.id), u.name or u.email) for u in engineers]


class AssignForm(VersionedForm):
    """Carries the assignment's version (0: none yet). An empty engineer means unassigned."""

    engineer = SelectField(_l("Follow-up engineer"), choices=[], validators=[Optional()])
    submit = SubmitField(_l("Assign"))

    def fill(self, engineers) -> None:
        self.engineer.choices = [SelectChoice("", _l("Unassigned"))] + [
            SelectChoice(str(u.id), u.name or u.email) for u in engineers]


class StartForm(FlaskForm):
    """Names its intent: an empty or half-made POST starts nothing (400)."""

    intent = HiddenField(validators=[DataRequired(), AnyOf(["start"])])
    submit = SubmitField(_l("Start follow-up inspection"))


class CheckForm(VersionedForm):
    """Carries the action's version, as the page showed it; the outcome has no default."""

    outcome = RadioField(_l("What you found"), choices=[
        SelectChoice("verified", _l("Fixed: verify")), SelectChoice("rejected", _l("Reported fix not accepted")),
        SelectChoice("still_open", _l("Still open"))], validators=[DataRequired()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Record"))
