"""Forms of the inspection workflow (Flask-WTF, CSRF on). Every form that edits carries ``version``
(required: ``factorysafe.forms.VersionField``); submit and publish also name their ``intent``."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    RadioField,
    DateField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from factorysafe.forms import VersionField
from factorysafe.inspections.models import Discipline, InspectionType, Severity
from factorysafe.labels import lazy_label


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


class CheckboxListField(SelectMultipleField):
    """Several choices as a list of checkboxes (easier than a multi-select on a phone)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class InspectionForm(FlaskForm):
    factory_id = SelectField(_l("Factory"), coerce=int, validators=[DataRequired()])
    type = SelectField(_l("Inspection type"), choices=choices((t.value, lazy_label(t)) for t in InspectionType),
                       validators=[DataRequired()])
    inspected_on = DateField(_l("Date of the visit"), validators=[DataRequired()])
    disciplines = CheckboxListField(_l("Disciplines covered"), choices=choices((d.value, lazy_label(d)) for d in Discipline),
                                    default=[d.value for d in Discipline])
    engineer_ids = CheckboxListField(_l("Team of engineers"), coerce=int)
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=5000)])
    amendment_reason = TextAreaField(_l("Reason for the amendment"), validators=[Optional(), Length(max=2000)])
    version = HiddenField()  # a new inspection has none; InspectionEditForm requires it

    def values(self) -> dict:
        return {"type": self.type.data, "inspected_on": self.inspected_on.data, "disciplines": self.disciplines.data,
                "engineer_ids": self.engineer_ids.data, "summary": self.summary.data}

    def validate_inspected_on(self, field):
        from factorysafe.inspections.rules import visit_date_problem
        from factorysafe.web import today

        problem = visit_date_problem(field.data, today())
        if problem:
            from wtforms.validators import ValidationError

            raise ValidationError(problem)

    def validate_disciplines(self, field):
        if not field.data:
            from wtforms.validators import ValidationError

            raise ValidationError(_l("Choose at least one discipline."))


class FindingForm(FlaskForm):
    discipline = SelectField(_l("Discipline"), choices=choices((d.value, lazy_label(d)) for d in Discipline),
                             validators=[DataRequired()])
    hazard_code = StringField(_l("Hazard category"), validators=[Optional(), Length(max=64)])
    floor = StringField(_l("Floor"), validators=[Optional(), Length(max=40)])
    area = StringField(_l("Area"), validators=[Optional(), Length(max=120)])
    observation = TextAreaField(_l("Observation"), validators=[DataRequired(), Length(max=10000)])
    recommendation = TextAreaField(_l("Recommendation"), validators=[DataRequired(), Length(max=10000)])
    severity = SelectField(_l("Severity"), choices=choices([("", _l("From the hazard catalogue"))] + [(s.value, lazy_label(s)) for s in Severity]),
                           default="", validators=[Optional()])
    severity_override_reason = StringField(_l("Reason for a severity other than the catalogue's"),
                                           validators=[Optional(), Length(max=500)])
    immediate_danger = BooleanField(_l("Immediate danger: evacuation recommended"))
    deadline_override = DateField(_l("Fixed deadline (overrides the rule)"), validators=[Optional()])
    deadline_override_reason = StringField(_l("Reason for the other deadline"), validators=[Optional(), Length(max=500)])
    photos = MultipleFileField(_l("Photos"))
    amendment_reason = TextAreaField(_l("Reason for the amendment"), validators=[Optional(), Length(max=2000)])
    version = HiddenField()  # a new finding has none; FindingEditForm requires it

    VALUE_FIELDS = ("discipline", "hazard_code", "floor", "area", "observation", "recommendation", "severity",
                    "severity_override_reason", "immediate_danger")

    def values(self) -> dict:
        return {f: getattr(self, f).data for f in self.VALUE_FIELDS}

    def validate_deadline_override(self, field):
        if field.data and not (self.deadline_override_reason.data or "").strip():
            from wtforms.validators import ValidationError

            raise ValidationError(_l("Give a reason for the other deadline."))


class InspectionEditForm(InspectionForm):
    version = VersionField()


class FindingEditForm(FindingForm):
    version = VersionField()


class StateForm(FlaskForm):
    """Submit or publish: the version the engineer saw and the intent (``submit`` or ``publish``), both
    required, so an empty or half-made POST changes nothing (400)."""

    version = VersionField()
    intent = HiddenField()


class ReviewForm(FlaskForm):
    """A second engineer's review of a submitted inspection: approve, or "has issues" with a comment."""

    version = VersionField()
    decision = RadioField(_l("Your review"), choices=choices([("approve", _l("Approve for publication")),
                                                             ("changes_requested", _l("Has issues: back to the authors"))]),
                          validators=[DataRequired()])
    comment = TextAreaField(_l("Comments for the authors"), validators=[Optional(), Length(max=5000)])
