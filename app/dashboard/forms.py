"""The dashboard's filters: a GET form whose choices are the user's scope, and nothing else."""

from collections.abc import Mapping

from flask import abort
from flask_babel import lazy_gettext as _l
from wtforms import SelectField

from app.dashboard import queries
from app.dashboard.queries import Choices, Filters
from app.forms import BaseForm
from app.models import Role, User

# Any year in this range may be asked for (a year without records shows zeros).
YEARS = (1990, 2100)


class DashboardFilterForm(BaseForm):
    class Meta:
        csrf = False

    year = SelectField(_l("Год"), validate_choice=False)
    college = SelectField(_l("Колледж"), validate_choice=False)
    specialty = SelectField(_l("Специальность"), validate_choice=False)
    enterprise = SelectField(_l("Предприятие"), validate_choice=False)


def filter_form(args: Mapping[str, str], choices: Choices, user: User) -> DashboardFilterForm:
    """The filter form filled from the query string, offering only values in the user's scope."""
    form = DashboardFilterForm(formdata=args)
    # resolve_filters has refused a year that is not digits; " " (blank once stripped) is none.
    asked = (args.get("year") or "").strip()
    years = sorted({*choices.years, *([int(asked)] if asked else [])}, reverse=True)
    form.year.choices = [("", _l("все годы")), *((str(y), str(y)) for y in years)]
    form.college.choices = [("", _l("все колледжи")),
                            *((str(i), name) for i, name in choices.colleges)]
    form.specialty.choices = [("", _l("все специальности")),
                              *((code, f"{code} {name}") for code, name in choices.specialties)]
    form.enterprise.choices = [("", _l("все предприятия")),
                               *((str(i), name) for i, name in choices.enterprises)]
    if user.role == Role.COORDINATOR:
        del form.college  # a coordinator's dashboard is their college's, there is nothing to pick
    if user.role == Role.EMPLOYER:
        del form.enterprise
    return form


def _integer(raw: str | None) -> int | None:
    if raw is None or raw.strip() == "":
        return None
    # ASCII digits only ('²'.isdigit() is true), and within the databases' INTEGER range.
    if not raw.strip().isascii() or not raw.strip().isdigit() or len(raw.strip()) > 9:
        abort(404)
    return int(raw)


def resolve_filters(args: Mapping[str, str], user: User, choices: Choices) -> Filters:
    """The filters asked for, each checked against the user's scope; anything else answers 404,
    so another college's or enterprise's id discloses nothing, not even that it exists."""
    year = _integer(args.get("year"))
    college_id = _integer(args.get("college"))
    enterprise_id = _integer(args.get("enterprise"))
    specialty = (args.get("specialty") or "").strip() or None

    if year is not None and not YEARS[0] <= year <= YEARS[1]:
        abort(404)
    if college_id is not None and college_id not in {i for i, _ in choices.colleges}:
        abort(404)
    if specialty is not None and specialty not in {code for code, _ in choices.specialties}:
        abort(404)
    offered = {i for i, _ in choices.enterprises}
    # Only the region's admin may name an enterprise beyond the list offered.
    if enterprise_id is not None and enterprise_id not in offered and (
        user.role != Role.ADMIN or not queries.enterprise_exists(enterprise_id)
    ):
        abort(404)
    return Filters(year=year, college_id=college_id, specialty=specialty,
                   enterprise_id=enterprise_id)
