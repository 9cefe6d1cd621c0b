"""The base form every form of the app derives from."""

from flask_wtf import FlaskForm


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class BaseForm(FlaskForm):
    """Strips surrounding whitespace from every text field."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = unbound_field.kwargs.get("filters", ())
            if unbound_field.field_class.__name__ not in {"PasswordField", "FileField"}:
                unbound_field.kwargs["filters"] = [_strip, *filters]
            return unbound_field.bind(form=form, **options)


class ActionForm(BaseForm):
    """An empty CSRF-protected form for button actions (logout, approve, activate)."""
