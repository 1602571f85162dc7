"""Form pieces shared by the domain packages' forms: the version a change is based on."""
from __future__ import annotations

from flask import has_request_context, request
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import ValidationError

from factorysafe.errors import VERSION_MISSING_MESSAGE


class VersionField(HiddenField):
    """The version of the record the form was rendered with: required and a whole number, else the form does
    not validate (400, typed text kept) and :func:`version_problem` says why. A different current version
    is the service's business (409)."""

    def pre_validate(self, form):
        if has_request_context():
            # Only what was sent counts: a form built with ``obj=record`` (or kwargs) would otherwise fill in
            # the record's *current* version when the POST carries none, and the change would overwrite.
            self.data = request.form.get(self.name)
        text = str(self.data if self.data is not None else "").strip()
        if not (text.isascii() and text.isdigit()) or len(text) > 12:
            raise ValidationError(str(VERSION_MISSING_MESSAGE))

    def value(self) -> int:
        return int(str(self.data).strip())


class VersionedForm(FlaskForm):
    """A form that changes a versioned record: it carries the version it was rendered with."""

    version = VersionField()

    def version_value(self) -> int:
        return self.version.value()


class ChoiceFilterForm(FlaskForm):
    """The filters of a list, a GET form (no CSRF). A value of a ``CHOICE_FILTERS`` field that is not one of its
    choices (a crafted or outdated link) is dropped by :meth:`chosen`, and the field shows "All" again."""

    class Meta:
        csrf = False

    CHOICE_FILTERS: tuple[str, ...] = ()

    def chosen(self) -> tuple[dict[str, str | None], list[str]]:
        """The chosen filters (None: any) and the labels of those whose value was dropped."""
        chosen, dropped = {}, []
        for name in self.CHOICE_FILTERS:
            field = self[name]
            if field.data and not field.validate(self):
                dropped.append(str(field.label.text))
                field.data = ""
            chosen[name] = field.data or None
        return chosen, dropped


def version_problem(form) -> str | None:
    """The message for a form whose version is missing or malformed, else None."""
    field = getattr(form, "version", None)
    if isinstance(field, VersionField) and field.errors:
        return str(field.errors[0])
    return None
