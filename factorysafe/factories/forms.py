from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, FloatField, IntegerField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class FactoryForm(FlaskForm):
    name = StringField("Factory name", validators=[DataRequired(), Length(max=200)])
    address = StringField("Address", validators=[Optional(), Length(max=400)])
    division = StringField("Division", validators=[Optional(), Length(max=60)])
    district = StringField("District", validators=[DataRequired(), Length(max=60)])
    upazila = StringField("Upazila / thana", validators=[Optional(), Length(max=80)])
    latitude = FloatField("Latitude", validators=[Optional(), NumberRange(20.5, 26.7, "Latitude must lie in Bangladesh (20.5 to 26.7).")])
    longitude = FloatField("Longitude", validators=[Optional(), NumberRange(88.0, 92.7, "Longitude must lie in Bangladesh (88.0 to 92.7).")])
    storeys = IntegerField("Storeys", validators=[Optional(), NumberRange(1, 60)])
    shared_building = BooleanField("Building shared with other businesses")
    workers = IntegerField("Workers", validators=[Optional(), NumberRange(0, 200_000)])
    brands_count = IntegerField("Brands sourcing here", validators=[Optional(), NumberRange(0, 1000)])
    safety_committee_trained = BooleanField("Safety committee trained")
    safety_committee_trained_on = DateField("Training completed on", validators=[Optional()])
    cap_agreed_on = DateField("CAP agreed on", validators=[Optional()])
    submit = SubmitField("Save factory")

    FIELDS = ("name", "address", "division", "district", "upazila", "latitude", "longitude", "storeys",
              "shared_building", "workers", "brands_count", "safety_committee_trained",
              "safety_committee_trained_on", "cap_agreed_on")

    def values(self) -> dict:
        return {f: getattr(self, f).data for f in self.FIELDS}
