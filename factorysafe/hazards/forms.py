from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, FloatField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from factorysafe.hazards.columns import ColumnInput
from factorysafe.security import MAX_ID


class ColumnCheckForm(FlaskForm):
    """Inputs of the column check; ``inspection_id`` (optional) lets an over-limit result become a finding."""

    column_label = StringField(_l("Column mark"), validators=[Optional(), Length(max=60)], description=_l("e.g. C4, grid B-3"))
    floor = StringField(_l("Floor"), validators=[Optional(), Length(max=40)], description=_l("e.g. ground floor"))
    b_mm = FloatField(_l("Width b (mm)"), validators=[DataRequired(), NumberRange(100, 3000)])
    h_mm = FloatField(_l("Depth h (mm)"), validators=[DataRequired(), NumberRange(100, 3000)])
    fc_mpa = FloatField(_l("Concrete strength f'c from core tests (MPa)"), validators=[DataRequired(), NumberRange(3, 120)])
    bars = IntegerField(_l("Number of longitudinal bars"), validators=[DataRequired(), NumberRange(0, 100)])
    bar_diameter_mm = FloatField(_l("Bar diameter (mm)"), validators=[DataRequired(), NumberRange(6, 50)])
    fy_mpa = FloatField(_l("Steel yield strength fy (MPa)"), default=415, validators=[DataRequired(), NumberRange(200, 700)])
    tributary_area_m2 = FloatField(_l("Tributary area (m²)"), validators=[DataRequired(), NumberRange(0.5, 500)])
    dead_load_kpa = FloatField(_l("Dead load per floor D (kN/m²)"), default=6.0, validators=[DataRequired(), NumberRange(0, 100)])
    live_load_kpa = FloatField(_l("Live load per floor L (kN/m²)"), default=2.5, validators=[DataRequired(), NumberRange(0, 100)])
    floors_above = IntegerField(_l("Floors carried, counting the roof"), validators=[DataRequired(), NumberRange(1, 100)])
    inspection_id = IntegerField(_l("Draft inspection id (to record a finding)"), validators=[Optional(), NumberRange(1, MAX_ID)])
    evacuate_floors = StringField(_l("Floors to evacuate if immediate danger (blank: whole building)"),
                                  validators=[Optional(), Length(max=200)])
    workers_affected = IntegerField(_l("Workers affected"), validators=[Optional(), NumberRange(0, 200_000)])
    calculate = SubmitField(_l("Calculate DCR"))
    create_finding = SubmitField(_l("Record STRUCT-COLUMN-WEAK finding"))

    INPUTS = ("b_mm", "h_mm", "fc_mpa", "bars", "bar_diameter_mm", "fy_mpa", "tributary_area_m2",
              "dead_load_kpa", "live_load_kpa", "floors_above")

    def column(self) -> ColumnInput:
        return ColumnInput(**{f: getattr(self, f).data for f in self.INPUTS})


class EvacuationOrderForm(FlaskForm):
    ordered_on = DateField(_l("Evacuation ordered on"), validators=[DataRequired()])
    floors = StringField(_l("Floors evacuated (blank: whole building)"), validators=[Optional(), Length(max=200)])
    workers_affected = IntegerField(_l("Workers affected"), validators=[Optional(), NumberRange(0, 200_000)])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Order evacuation"))


class ResumptionForm(FlaskForm):
    resumed_on = DateField(_l("Work may resume on"), validators=[DataRequired()])
    workers_affected = IntegerField(_l("Workers affected (on full wages while closed)"),
                                    validators=[Optional(), NumberRange(0, 200_000)])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Record resumption"))


class TrySuggestForm(FlaskForm):
    """A GET form to try the suggester; the same markup the finding form uses (observation + hazard_code)."""

    class Meta:
        csrf = False

    observation = TextAreaField(_l("Observation"), validators=[Optional(), Length(max=4000)])
    hazard_code = SelectField(_l("Hazard"), validators=[Optional()], choices=[])
    submit = SubmitField(_l("Suggest hazards"))
