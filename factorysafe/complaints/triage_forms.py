"""Forms of the handlers' complaint pages. Each form that changes a complaint carries the ``version`` it was
rendered with (``factorysafe.forms.VersionField``): a stale one is refused by the service (409), the typed text
kept. Choices that depend on the complaint (the statuses it may move to, the factories found, the findings that
may be linked) are set by the view."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, RadioField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms import TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from factorysafe.complaints.rules import ComplaintCategory, ComplaintStatus
from factorysafe.complaints.services import MAX_SHORT, MAX_TEXT
from factorysafe.labels import COMPLAINT_CHANNEL
from factorysafe.forms import ChoiceFilterForm, VersionedForm
from factorysafe.labels import lazy_label

#: How a complaint arrived (``Complaint.channel``).
CHANNELS = tuple(COMPLAINT_CHANNEL.items())


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(v, text) for v, text in pairs]





class StatusForm(VersionedForm):
    status = SelectField(_l("New status"), choices=[], validators=[DataRequired(message=_l("Choose a status."))])
    outcome = TextAreaField(_l("Outcome the worker and the public register read"),
                            validators=[Optional(), Length(max=MAX_TEXT)])
    referred_to = StringField(_l("Referred to"), validators=[Optional(), Length(max=MAX_SHORT)])
    submit = SubmitField(_l("Set the status"))

    def set_choices(self, statuses) -> None:
        self.status.choices = choices([("", _l("Choose…"))] + [(s.value, lazy_label(s)) for s in statuses])


class MessageForm(VersionedForm):
    body = TextAreaField(_l("Message to the worker"), validators=[
        DataRequired(message=_l("Write the message.")), Length(max=MAX_TEXT)])
    submit = SubmitField(_l("Send to the worker"))


class FactoryMatchForm(VersionedForm):
    """The factory is chosen among those a name search found (radio buttons); the view checks it exists."""

    factory_id = RadioField(_l("Factory of the register"), coerce=int, validate_choice=False,
                            validators=[DataRequired(message=_l("Choose a factory of the register."))])
    show_factory = BooleanField(_l("The factory's name may be shown in the public register"))
    submit = SubmitField(_l("Match to this factory"))


class _Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LinkFindingsForm(VersionedForm):
    finding_ids = _Checkboxes(_l("Findings"), coerce=int, choices=[],
                              validators=[DataRequired(message=_l("Tick at least one finding."))])
    submit = SubmitField(_l("Link the ticked findings"))


class InspectionForm(VersionedForm):
    submit = SubmitField(_l("Create a complaint inspection"))


class FilterForm(ChoiceFilterForm):
    """The list's filters. A value that is not one of the choices is dropped (``chosen``)."""

    status = SelectField(_l("Status"), choices=choices([("", _l("All"))] + [(s.value, lazy_label(s)) for s in ComplaintStatus]),
                         validators=[Optional()])
    category = SelectField(_l("What is wrong"), validators=[Optional()],
                           choices=choices([("", _l("All"))] + [(c.value, lazy_label(c)) for c in ComplaintCategory]))
    factory = SelectField(_l("Factory"), choices=choices([("", _l("All"))]), validators=[Optional()])
    channel = SelectField(_l("Channel"), choices=choices([("", _l("All")), *CHANNELS]), validators=[Optional()])
    page = IntegerField(_l("Page"), validators=[Optional(), NumberRange(min=1, max=100_000)])
    submit = SubmitField(_l("Filter"))

    CHOICE_FILTERS = ("status", "category", "factory", "channel")

    def page_number(self) -> int:
        if self.page.data is None or not self.page.validate(self):
            return 1
        return self.page.data
