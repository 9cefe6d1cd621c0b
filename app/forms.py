"""The base form every form of the app derives from."""

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, TextAreaField


def strip_text(value):
    """A WTForms filter: surrounding whitespace off text, other values as they are."""
    return value.strip() if isinstance(value, str) else value


class BaseForm(FlaskForm):
    """Strips surrounding whitespace from every text field."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            field_class = unbound_field.field_class
            # Text fields only: lists, sub-forms and files take no filters; passwords stay exact.
            if issubclass(field_class, StringField | TextAreaField) and not issubclass(
                field_class, PasswordField
            ):
                filters = unbound_field.kwargs.get("filters", ())
                unbound_field.kwargs["filters"] = [strip_text, *filters]
            return unbound_field.bind(form=form, **options)


class ActionForm(BaseForm):
    """An empty CSRF-protected form for button actions (logout, approve, activate)."""
