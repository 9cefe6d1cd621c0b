from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length

from app.forms import BaseForm
from app.i18n import LANGUAGE_NAMES

MIN_PASSWORD = 10


class LoginForm(BaseForm):
    # Named "email" still, as password managers and older links know it; takes a phone too.
    email = StringField(
        _l("Электронная почта или телефон"),
        validators=[DataRequired(_l("Укажите электронную почту или номер телефона.")),
                    Length(max=254)],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Пароль"), validators=[DataRequired(_l("Введите пароль.")), Length(max=200)]
    )
    remember = BooleanField(_l("Запомнить меня"))
    next = HiddenField()


def new_password_field(label: str, required_message: str) -> PasswordField:
    """A password being set: required, 10 to 200 characters."""
    return PasswordField(label, validators=[
        DataRequired(required_message),
        Length(min=MIN_PASSWORD, max=200, message=_l("Пароль — от 10 до 200 символов.")),
    ])


def confirm_field(label: str, of: str) -> PasswordField:
    """The repeat of a password being set, which must match the field named `of`."""
    return PasswordField(label, validators=[EqualTo(of, message=_l("Пароли не совпадают."))])


class PasswordChangeForm(BaseForm):
    current_password = PasswordField(
        _l("Текущий пароль"), validators=[DataRequired(_l("Введите текущий пароль."))]
    )
    new_password = new_password_field(_l("Новый пароль"), _l("Введите новый пароль."))
    confirm = confirm_field(_l("Повторите новый пароль"), of="new_password")


class SecondFactorForm(BaseForm):
    code = StringField(
        _l("Код из приложения или код восстановления"),
        validators=[DataRequired(_l("Введите код.")), Length(max=20)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric",
                   "autocapitalize": "characters", "spellcheck": "false"},
    )


class DisableSecondFactorForm(SecondFactorForm):
    password = PasswordField(_l("Пароль"), validators=[DataRequired(_l("Введите пароль."))])


class LanguageForm(BaseForm):
    language = SelectField(
        _l("Язык"),
        choices=[SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()],
        validate_choice=True,
    )
    next = HiddenField()


class ResetRequestForm(BaseForm):
    email = EmailField(
        _l("Электронная почта"),
        validators=[DataRequired(_l("Укажите электронную почту.")), Length(max=254)],
    )


class ResetPasswordForm(BaseForm):
    new_password = new_password_field(_l("Новый пароль"), _l("Введите новый пароль."))
    confirm = confirm_field(_l("Повторите новый пароль"), of="new_password")
