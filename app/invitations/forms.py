"""The invitee's form: set a password (and an e-mail when none is on file)."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField
from wtforms.validators import Length

from app.auth.forms import confirm_field, new_password_field
from app.forms import BaseForm


class AcceptForm(BaseForm):
    email = EmailField(_l("Электронная почта для входа"), validators=[Length(max=254)])
    password = new_password_field(_l("Пароль"), _l("Введите пароль."))
    confirm = confirm_field(_l("Повторите пароль"), of="password")
