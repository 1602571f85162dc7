"""Forms of the worker's side: the report, the receipt look-up, the worker's answer and "is it fixed?".

No form asks who the worker is. The receipt code travels only in POST bodies (a hidden field on the status
page's own forms), never in a URL. Length limits are the services' (``services.MAX_TEXT``/``MAX_SHORT``).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import AnyOf, InputRequired, Length, Optional

from factorysafe.complaints.rules import ComplaintCategory, Verdict
from factorysafe.complaints.services import MAX_SHORT, MAX_TEXT

#: The order of the pictured choices: immediate dangers first, non-safety last.
CATEGORY_ORDER = (
    ComplaintCategory.LOCKED_GATE, ComplaintCategory.BLOCKED_EXIT, ComplaintCategory.FIRE_SMOKE,
    ComplaintCategory.CRACKS, ComplaintCategory.WIRING, ComplaintCategory.BOILER, ComplaintCategory.NO_FIRE_DRILL,
    ComplaintCategory.RETALIATION, ComplaintCategory.WAGES, ComplaintCategory.HARASSMENT, ComplaintCategory.OTHER,
)


class ReportForm(FlaskForm):
    category = RadioField(_l("What is wrong?"), choices=[c.value for c in CATEGORY_ORDER],
                          validators=[InputRequired(_l("Choose what is wrong."))])
    description = TextAreaField(_l("Describe it"), validators=[Optional(), Length(max=MAX_TEXT)])
    factory_text = StringField(_l("Factory name and address"), validators=[Optional(), Length(max=MAX_SHORT)])
    photo = FileField(_l("Photo (if you want)"))
    contact = StringField(_l("A way to contact you (if you want)"), validators=[Optional(), Length(max=MAX_SHORT)])
    show_factory = BooleanField(_l("The factory's name may be shown publicly with my report"), default=False)
    submit = SubmitField(_l("Send the report"))


class StatusForm(FlaskForm):
    code = StringField(_l("Receipt code"), validators=[Length(max=80)])
    submit = SubmitField(_l("Check"))


class ReplyForm(FlaskForm):
    code = HiddenField()
    body = TextAreaField(_l("Your answer"), validators=[Optional(), Length(max=MAX_TEXT)])
    photo = FileField(_l("Photo (if you want)"))
    submit = SubmitField(_l("Send"))


class VerdictForm(FlaskForm):
    code = HiddenField()
    #: the button pressed: "confirmed" or "disputed"
    verdict = HiddenField(validators=[AnyOf([v.value for v in Verdict], message=_l("Choose an answer."))])
    note = TextAreaField(_l("Anything to add (if you want)"), validators=[Optional(), Length(max=MAX_TEXT)])
