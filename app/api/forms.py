"""The forms of the token pages."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from app.api.tokens import LIFETIMES, MAX_NAME
from app.forms import BaseForm
from app.models import TokenScope


def _lifetimes():
    return [(str(days), _l("%(days)s дней", days=days)) for days in LIFETIMES]


def _scopes():
    return [(TokenScope.READ.value, _l("только чтение")),
            (TokenScope.READ_WRITE.value, _l("чтение и запись"))]


class TokenForm(BaseForm):
    name = StringField(_l("Название"), validators=[
        DataRequired(_l("Назовите токен — например, по системе, которая им пользуется.")),
        Length(max=MAX_NAME, message=_l("Не длиннее %(max)s символов."))])
    scope = SelectField(_l("Права"), choices=_scopes)
    days = SelectField(_l("Срок действия"), choices=_lifetimes, default="90")


class OrganisationTokenForm(TokenForm):
    organisation = SelectField(_l("Организация"), choices=[])
