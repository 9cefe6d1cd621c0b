"""The invitee's form: set a password (and an e-mail when none is on file)."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from app.auth.forms import MIN_PASSWORD
from app.forms import BaseForm


class AcceptForm(BaseForm):
    email = EmailField(_l("Электронная почта для входа"), validators=[Length(max=254)])
    password = PasswordField(
        _l("Пароль"),
        validators=[
            DataRequired(_l("Введите пароль.")),
            Length(min=MIN_PASSWORD, max=200, message=_l("Пароль — от 10 до 200 символов.")),
        ],
    )
    confirm = PasswordField(
        _l("Повторите пароль"),
        validators=[EqualTo("password", message=_l("Пароли не совпадают."))],
    )
