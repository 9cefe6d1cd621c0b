"""Forms of the assessment pages: the mentor's assessment and the coordinator's score."""

import re

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.assessments.services import GRADES, MAX_NOTE, MAX_TEXT
from app.domain.grades import FIVE_POINT_WORDS
from app.forms import BaseForm
from app.models import HireRecommendation

RATING_FIELD = re.compile(r"rating-(\d{1,9})")


class ScaleField(RadioField):
    """A choice on a numeric scale; a value off the scale gets the field's own message."""

    def __init__(self, label=None, validators=None, *, scale, message, **kwargs):
        super().__init__(label, validators, choices=[], coerce=int, validate_choice=False,
                         **kwargs)
        self.scale = scale
        self.off_scale_message = message
        self._garbled = False

    def process_formdata(self, valuelist):
        raw = valuelist[0] if valuelist else ""
        self.data = None
        self._garbled = False
        if raw:
            try:
                self.data = int(raw)
            except ValueError:
                self._garbled = True

    def pre_validate(self, form):
        if self._garbled or (self.data is not None and self.data not in self.scale):
            raise ValidationError(self.off_scale_message)


def _hire_choices():
    from app.labels import label

    return [SelectChoice(value.value, label(value)) for value in HireRecommendation]


class AssessmentForm(BaseForm):
    grade = ScaleField(_l("Итоговая оценка"), scale=GRADES,
                       message=_l("Итоговая оценка — по пятибалльной шкале, от 2 до 5."))
    characterisation = TextAreaField(
        _l("Характеристика"),
        validators=[Length(max=MAX_TEXT, message=_l("Не длиннее %(max)d символов."))],
    )
    hire_recommendation = RadioField(
        _l("Рекомендация к найму"), validators=[Optional()], validate_choice=True
    )
    recommendation_note = TextAreaField(
        _l("Комментарий к рекомендации"),
        validators=[Length(max=MAX_NOTE, message=_l("Не длиннее %(max)d символов."))],
    )
    version = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.hire_recommendation.choices = _hire_choices()
        self.grade.choices = [SelectChoice(g, f"{g} — {FIVE_POINT_WORDS[g]}")
                              for g in sorted(GRADES, reverse=True)]


def ratings_from(formdata: MultiDict) -> tuple[dict[int, int], dict[int, str]]:
    """The per-competency ratings posted as `rating-<competency id>`; unreadable ones as errors.

    Ids and ranges are the service's to check, so a forged id gets the same clear refusal.
    """
    ratings: dict[int, int] = {}
    errors: dict[int, str] = {}
    for key, value in formdata.items():
        match = RATING_FIELD.fullmatch(key)
        if not match or value == "":
            continue
        competency_id = int(match.group(1))
        text = value.strip(" \t\r\n")
        if re.fullmatch(r"-?[0-9]{1,3}", text):  # ASCII digits only, no control characters
            ratings[competency_id] = int(text)
        else:
            errors[competency_id] = str(_l("Оценка компетенции — от 1 до 5."))
    return ratings, errors


def _score(form, field):
    if not re.fullmatch(r"\d{1,3}", field.data or "") or int(field.data) > 100:
        raise ValidationError(_l("Балл колледжа — целое число от 0 до 100."))


class CollegeScoreForm(BaseForm):
    college_score = StringField(
        _l("Балл колледжа (0–100)"),
        validators=[DataRequired(_l("Укажите балл от 0 до 100.")), _score],
    )
