import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, FloatField, IntegerField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

_BANGLA_LETTER = re.compile(r"[\u0980-\u09ff]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def bangla_script(form, field) -> None:
    """A Bangla name is written in Bangla letters: at least one, and no Latin letter."""
    if field.data and (not _BANGLA_LETTER.search(field.data) or _LATIN_LETTER.search(field.data)):
        raise ValidationError(_l("Write the Bangla name in Bangla letters (the Latin name goes in the field above)."))


class FactoryForm(FlaskForm):
    name = StringField(_l("Factory name"), validators=[DataRequired(), Length(max=200)])
    name_bn = StringField(_l("Factory name in Bangla"), filters=[_strip],
                          validators=[Optional(), Length(max=200), bangla_script])
    registration_no = StringField(_l("Registration (licence) number"), filters=[_strip], validators=[
        Optional(), Length(max=60),
        Regexp(r"^[A-Za-z0-9\u09e6-\u09ef][A-Za-z0-9\u09e6-\u09ef ./-]*$",
               message=_l("Use letters, digits, spaces and . / - only."))])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=400)])
    division = StringField(_l("Division"), validators=[Optional(), Length(max=60)])
    district = StringField(_l("District"), validators=[DataRequired(), Length(max=60)])
    upazila = StringField(_l("Upazila / thana"), validators=[Optional(), Length(max=80)])
    latitude = FloatField(_l("Latitude"), validators=[Optional(), NumberRange(20.5, 26.7, _l("Latitude must lie in Bangladesh (20.5 to 26.7)."))])
    longitude = FloatField(_l("Longitude"), validators=[Optional(), NumberRange(88.0, 92.7, _l("Longitude must lie in Bangladesh (88.0 to 92.7)."))])
    storeys = IntegerField(_l("Storeys"), validators=[Optional(), NumberRange(1, 60)])
    shared_building = BooleanField(_l("Building shared with other businesses"))
    workers = IntegerField(_l("Workers"), validators=[Optional(), NumberRange(0, 200_000)])
    brands_count = IntegerField(_l("Brands sourcing here"), validators=[Optional(), NumberRange(0, 1000)])
    safety_committee_trained = BooleanField(_l("Safety committee trained"))
    safety_committee_trained_on = DateField(_l("Training completed on"), validators=[Optional()])
    cap_agreed_on = DateField(_l("CAP agreed on"), validators=[Optional()])
    submit = SubmitField(_l("Save factory"))

    FIELDS = ("name", "name_bn", "registration_no", "address", "division", "district", "upazila", "latitude", "longitude", "storeys",
              "shared_building", "workers", "brands_count", "safety_committee_trained",
              "safety_committee_trained_on", "cap_agreed_on")

    def values(self) -> dict:
        return {f: getattr(self, f).data for f in self.FIELDS}
