from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, FloatField, IntegerField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from factorysafe.forms import VersionField
from factorysafe.hazards.columns import ColumnInput
from factorysafe.security import MAX_ID

#: The scope of an evacuation is always chosen, never defaulted (an empty form orders nothing).
WHOLE, FLOORS, NONE = "whole", "floors", "none"
SCOPE_REQUIRED = _l("Choose what to evacuate: the whole building or only the floors you name.")


def _check_floors(scope: str | None, floors: str | None) -> None:
    floors = (floors or "").strip()
    if scope == FLOORS and not floors:
        raise ValidationError(_l("Name the floors to evacuate, or choose the whole building."))
    if scope in (WHOLE, NONE) and floors:
        raise ValidationError(_l("Name floors only when only those floors are evacuated: clear the floors, or "
                                 "choose to evacuate only the floors named."))


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
    evacuation = RadioField(_l("If the column is an immediate danger"), choices=[
        SelectChoice(WHOLE, _l("Evacuate the whole building")),
        SelectChoice(FLOORS, _l("Evacuate only the floors named below")),
        SelectChoice(NONE, _l("Order no evacuation now (order it from the finding later)"))],
        validate_choice=False, validators=[Optional()])
    evacuate_floors = StringField(_l("Floors to evacuate"), validators=[Optional(), Length(max=200)])
    workers_affected = IntegerField(_l("Workers affected"), validators=[Optional(), NumberRange(0, 200_000)])
    calculate = SubmitField(_l("Calculate DCR"))
    create_finding = SubmitField(_l("Record STRUCT-COLUMN-WEAK finding"))

    INPUTS = ("b_mm", "h_mm", "fc_mpa", "bars", "bar_diameter_mm", "fy_mpa", "tributary_area_m2",
              "dead_load_kpa", "live_load_kpa", "floors_above")

    def column(self) -> ColumnInput:
        return ColumnInput(**{f: getattr(self, f).data for f in self.INPUTS})

    def validate_evacuation(self, field):  # not on evacuate_floors: Optional() would skip it when blank
        try:
            _check_floors(field.data, self.evacuate_floors.data)
        except ValidationError as exc:
            self.evacuate_floors.errors = [*self.evacuate_floors.errors, *exc.args]
            raise

    def evacuation_choice(self) -> tuple[bool, str | None]:
        """(chosen, floors to evacuate: "" the whole building, None no evacuation) for an immediate danger."""
        choice = self.evacuation.data
        if choice not in (WHOLE, FLOORS, NONE):
            return False, None
        return True, {WHOLE: "", FLOORS: (self.evacuate_floors.data or "").strip(), NONE: None}[choice]


class EvacuationOrderForm(FlaskForm):
    """Carries the finding's version; the scope (whole building or named floors) must be chosen."""

    version = VersionField()
    ordered_on = DateField(_l("Evacuation ordered on"), validators=[DataRequired()])
    scope = RadioField(_l("What is evacuated"), choices=[
        SelectChoice(WHOLE, _l("The whole building")), SelectChoice(FLOORS, _l("Only the floors named below"))],
        validators=[InputRequired(message=SCOPE_REQUIRED)])
    floors = StringField(_l("Floors evacuated"), validators=[Optional(), Length(max=200)])
    workers_affected = IntegerField(_l("Workers affected"), validators=[Optional(), NumberRange(0, 200_000)])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Order evacuation"))

    def validate_scope(self, field):  # not on floors: Optional() would skip it when blank
        _check_floors(field.data, self.floors.data)

    def floors_value(self) -> str:
        """"" (the whole building) or the floors named."""
        return "" if self.scope.data == WHOLE else (self.floors.data or "").strip()


class ResumptionForm(FlaskForm):
    version = VersionField()  # the evacuation's
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
