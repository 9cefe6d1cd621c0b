from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length

from app.forms import BaseForm
from app.i18n import LANGUAGE_NAMES

MIN_PASSWORD = 10


class LoginForm(BaseForm):
    email = EmailField(
        _l("Электронная почта"),
        validators=[DataRequired(_l("Укажите электронную почту.")), Length(max=254)],
    )
    password = PasswordField(
        _l("Пароль"), validators=[DataRequired(_l("Введите пароль.")), Length(max=200)]
    )
    remember = BooleanField(_l("Запомнить меня"))
    next = HiddenField()


class PasswordChangeForm(BaseForm):
    current_password = PasswordField(
        _l("Текущий пароль"), validators=[DataRequired(_l("Введите текущий пароль."))]
    )
    new_password = PasswordField(
        _l("Новый пароль"),
        validators=[
            DataRequired(_l("Введите новый пароль.")),
            Length(min=MIN_PASSWORD, max=200, message=_l("Пароль — от 10 до 200 символов.")),
        ],
    )
    confirm = PasswordField(
        _l("Повторите новый пароль"),
        validators=[EqualTo("new_password", message=_l("Пароли не совпадают."))],
    )


class LanguageForm(BaseForm):
    language = SelectField(
        _l("Язык"),
        choices=[SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()],
        validate_choice=True,
    )
    next = HiddenField()
