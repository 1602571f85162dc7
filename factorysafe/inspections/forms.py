"""Forms of the inspection workflow (Flask-WTF, CSRF on). Every form that edits carries ``version``."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
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

from factorysafe.inspections.models import Discipline, InspectionType, Severity


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


class CheckboxListField(SelectMultipleField):
    """Several choices as a list of checkboxes (easier than a multi-select on a phone)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class InspectionForm(FlaskForm):
    factory_id = SelectField("Factory", coerce=int, validators=[DataRequired()])
    type = SelectField("Inspection type", choices=choices((t.value, t.label) for t in InspectionType),
                       validators=[DataRequired()])
    inspected_on = DateField("Date of the visit", validators=[DataRequired()])
    disciplines = CheckboxListField("Disciplines covered", choices=choices((d.value, d.label) for d in Discipline),
                                    default=[d.value for d in Discipline])
    engineer_ids = CheckboxListField("Team of engineers", coerce=int)
    summary = TextAreaField("Summary", validators=[Optional(), Length(max=5000)])
    amendment_reason = TextAreaField("Reason for the amendment", validators=[Optional(), Length(max=2000)])
    version = HiddenField()

    def values(self) -> dict:
        return {"type": self.type.data, "inspected_on": self.inspected_on.data, "disciplines": self.disciplines.data,
                "engineer_ids": self.engineer_ids.data, "summary": self.summary.data}

    def validate_disciplines(self, field):
        if not field.data:
            from wtforms.validators import ValidationError

            raise ValidationError("Choose at least one discipline.")


class FindingForm(FlaskForm):
    discipline = SelectField("Discipline", choices=choices((d.value, d.label) for d in Discipline),
                             validators=[DataRequired()])
    hazard_code = StringField("Hazard category", validators=[Optional(), Length(max=64)])
    floor = StringField("Floor", validators=[Optional(), Length(max=40)])
    area = StringField("Area", validators=[Optional(), Length(max=120)])
    observation = TextAreaField("Observation", validators=[DataRequired(), Length(max=10000)])
    recommendation = TextAreaField("Recommendation", validators=[DataRequired(), Length(max=10000)])
    severity = SelectField("Severity", choices=choices([("", "From the hazard catalogue")] + [(s.value, s.label) for s in Severity]),
                           default="", validators=[Optional()])
    severity_override_reason = StringField("Reason for a severity other than the catalogue's",
                                           validators=[Optional(), Length(max=500)])
    immediate_danger = BooleanField("Immediate danger: evacuation recommended")
    deadline_override = DateField("Fixed deadline (overrides the rule)", validators=[Optional()])
    deadline_override_reason = StringField("Reason for the other deadline", validators=[Optional(), Length(max=500)])
    photos = MultipleFileField("Photos")
    amendment_reason = TextAreaField("Reason for the amendment", validators=[Optional(), Length(max=2000)])
    version = HiddenField()

    VALUE_FIELDS = ("discipline", "hazard_code", "floor", "area", "observation", "recommendation", "severity",
                    "severity_override_reason", "immediate_danger")

    def values(self) -> dict:
        return {f: getattr(self, f).data for f in self.VALUE_FIELDS}

    def validate_deadline_override(self, field):
        if field.data and not (self.deadline_override_reason.data or "").strip():
            from wtforms.validators import ValidationError

            raise ValidationError("Give a reason for the other deadline.")


class StateForm(FlaskForm):
    """Submit or publish: only the version travels."""

    version = HiddenField()
