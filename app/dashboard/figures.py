"""The dashboard's figures: each a table of numbers, the chart drawn from the same numbers, and
the rows its CSV export writes — so the chart, the table and the file cannot disagree."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from babel.dates import format_interval
from flask_babel import format_decimal, format_number, get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app import charts, clock
from app.dashboard import queries
from app.dashboard.queries import Filters
from app.i18n import format_date
from app.models import User
from app.naming import local_name
from app.outcomes.figures import EmploymentFigure
from app.outcomes.figures import share as rate

TABLE_ROWS = 25


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = "text"  # text | int | percent | hours


@dataclass
class Figure:
    key: str
    title: str
    columns: list[Column]
    rows: list[tuple]
    chart: Markup | None = None
    note: str = ""
    total: int = 0
    hint: str = ""
    notes: list[str] = field(default_factory=list)  # why a figure reads oddly, in words

    @property
    def shown_fewer(self) -> bool:
        return self.total > len(self.rows)

    @property
    def wide(self) -> bool:
        """Too many columns to sit beside its chart: the table goes below it."""
        return len(self.columns) > 4


@dataclass
class Dashboard:
    headline: EmploymentFigure
    funnel: dict[str, int]
    figures: list[Figure] = field(default_factory=list)


def _pct(value: float) -> str:
    return format_decimal(value, format="#,##0.0") + "%"


def _hours(value: float) -> str:
    return format_decimal(value, format="#,##0.#")


def _int(value: float) -> str:
    return format_number(int(value))


GRADUATE_COLUMNS = [
    Column(_l("Выпускники"), "int"),
    Column(_l("Работают по специальности"), "int"),
    Column(_l("Доля по специальности, %"), "percent"),
    Column(_l("Исход известен, %"), "percent"),
]


def _graduate_cells(row: Any) -> tuple:
    return (row.graduates, row.employed, rate(row.employed, row.graduates),
            rate(row.known, row.graduates))


def headline_of(by_year: list, f: Filters) -> EmploymentFigure:
    """The figure cards' year: the one chosen, else the latest with graduates."""
    year = f.year or (by_year[-1].year if by_year else clock.today().year)
    for row in by_year:
        if row.year == year:
            return EmploymentFigure(year, row.graduates, row.employed, row.known)
    return EmploymentFigure(year)


def graduates_by_year(by_year: list) -> Figure:
    rows = [(row.year, *_graduate_cells(row)) for row in by_year]
    chart = charts.bar_chart(
        "graduates-by-year", str(_l("Выпускники и работающие по специальности по годам")),
        [str(r[0]) for r in rows],
        [(str(_l("Выпускники")), [r[1] for r in rows]),
         (str(_l("По специальности")), [r[2] for r in rows])],
        fmt=_int,
    )
    return Figure("graduates-by-year", str(_l("Выпускники по годам")),
                  [Column(_l("Год выпуска")), *GRADUATE_COLUMNS], rows, chart, total=len(rows))


def graduates_by_college(user: User, f: Filters, year: int, limit: int | None) -> Figure:
    found = queries.graduates_by_college(user, f, year, limit)
    rows = [(local_name(row.name, row.name_kk), *_graduate_cells(row)) for row in found]
    chart = charts.horizontal_bars(
        "graduates-by-college", str(_l("Доля работающих по специальности по колледжам")),
        [r[0] for r in rows], [r[3] for r in rows], fmt=_pct, max_value=100)
    return Figure("graduates-by-college", str(_l("Выпуск %(year)s по колледжам", year=year)),
                  [Column(_l("Колледж")), *GRADUATE_COLUMNS], rows, chart,
                  total=found[0].total if found else 0)


def graduates_by_specialty(user: User, f: Filters, year: int, limit: int | None) -> Figure:
    found = queries.graduates_by_specialty(user, f, year, limit)
    rows = [(row.code, local_name(row.name, row.name_kk), *_graduate_cells(row)) for row in found]
    chart = charts.horizontal_bars(
        "graduates-by-specialty", str(_l("Доля работающих по специальности по специальностям")),
        [f"{r[0]} {r[1]}" for r in rows], [r[4] for r in rows], fmt=_pct, max_value=100)
    return Figure("graduates-by-specialty",
                  str(_l("Выпуск %(year)s по специальностям", year=year)),
                  [Column(_l("Код")), Column(_l("Специальность")), *GRADUATE_COLUMNS], rows,
                  chart, total=found[0].total if found else 0)


FUNNEL_STAGES = [
    ("placed", _l("Направлены на практику")),
    ("completed", _l("Завершили практику")),
    ("recommended", _l("Рекомендованы к найму")),
    ("offered", _l("Получили предложение")),
    ("hired", _l("Приняты на работу")),
    ("retained", _l("Работают через 12 месяцев")),
]


# Stages that may count more people than the one before, and why (the others never do).
_WIDENING = {
    "recommended": _l("итоговую оценку с рекомендацией наставник может дать до завершения "
                      "практики"),
    "offered": _l("предприятие может предложить работу и без рекомендации наставника"),
    "hired": _l("приём на работу может быть записан без отмеченного предложения"),
}


def funnel_notes(counts: dict[str, int]) -> list[str]:
    """Say why a stage counts more people than the one before it (10 recommended, 11 offered)."""
    notes = []
    for (before, before_label), (key, label) in zip(FUNNEL_STAGES, FUNNEL_STAGES[1:],
                                                     strict=False):
        if counts[key] > counts[before] and key in _WIDENING:
            notes.append(str(_l(
                "«%(stage)s» — %(more)s, больше, чем «%(before)s» — %(fewer)s: %(reason)s.",
                stage=label, more=counts[key], before=before_label, fewer=counts[before],
                reason=_WIDENING[key])))
    return notes


def funnel(counts: dict[str, int]) -> Figure:
    placed = counts["placed"]
    rows = [(str(label), counts[key], rate(counts[key], placed)) for key, label in FUNNEL_STAGES]
    chart = charts.funnel("funnel", str(_l("Воронка: от практики до работы")),
                          [(r[0], r[1]) for r in rows], fmt=_int)
    return Figure("funnel", str(_l("Воронка: от практики до работы")),
                  [Column(_l("Этап")), Column(_l("Человек"), "int"),
                   Column(_l("От направленных, %"), "percent")], rows, chart, total=len(rows),
                  hint=str(_l("Каждый этап считается по договорам выбранного года окончания "
                              "практики; найм — по исходам, связанным с договором.")),
                  notes=funnel_notes(counts))


def enterprises(user: User, f: Filters, limit: int | None, draw: bool = True) -> Figure:
    found = queries.enterprise_ledger(user, f, limit)
    rows = [(local_name(r.name, r.name_kk), r.placed, r.completed, r.recommended, r.offered,
             r.hired, rate(r.hired, r.placed)) for r in found]
    chart = charts.horizontal_bars("enterprises", str(_l("Принятые на работу по предприятиям")),
                                   [r[0] for r in rows], [r[5] for r in rows],
                                   fmt=_int) if draw else None
    return Figure("enterprises", str(_l("Практика и найм по предприятиям")),
                  [Column(_l("Предприятие")), Column(_l("Практикантов"), "int"),
                   Column(_l("Завершили"), "int"), Column(_l("Рекомендованы"), "int"),
                   Column(_l("Предложения"), "int"), Column(_l("Приняты"), "int"),
                   Column(_l("Доля принятых, %"), "percent")],
                  rows, chart, total=found[0].total if found else 0)


def mentors(user: User, f: Filters, limit: int | None, draw: bool = True) -> Figure:
    found = queries.mentor_ledger(user, f, limit)
    rows = [(r.full_name, r.enterprise, r.trainees, round(r.minutes / 60, 1),
             None if r.median is None else round(float(r.median), 1), r.recommended, r.hired)
            for r in found]
    chart = charts.horizontal_bars("mentors", str(_l("Принятые на работу по наставникам")),
                                   [r[0] for r in rows], [r[6] for r in rows],
                                   fmt=_int) if draw else None
    return Figure("mentors", str(_l("Наставники: нагрузка и найм")),
                  [Column(_l("Наставник")), Column(_l("Предприятие")),
                   Column(_l("Практикантов"), "int"), Column(_l("Часов подписано"), "hours"),
                   Column(_l("Медиана до подписи, ч"), "hours"),
                   Column(_l("Рекомендованы"), "int"), Column(_l("Приняты"), "int")],
                  rows, chart, total=found[0].total if found else 0)


def weekly_hours(user: User, f: Filters) -> Figure:
    found = queries.weekly_hours(user, f)
    rows = [(_week_label(week), week, round(logged / 60, 1), round(approved / 60, 1))
            for week, logged, approved in found]
    chart = charts.weekly_chart(
        "weekly-hours", str(_l("Часы практики по неделям")),
        [format_date(r[1], "d MMM") for r in rows],
        [(str(_l("Внесено")), [r[2] for r in rows]), (str(_l("Подписано")), [r[3] for r in rows])],
        fmt=_hours)
    hint = "" if f.year else str(_l("Последние %(n)s недель с записями; недели без записей — "
                                    "нулём.", n=queries.RECENT_WEEKS))
    return Figure("weekly-hours", str(_l("Часы практики по неделям")),
                  [Column(_l("Неделя")), Column(_l("Начало недели")),
                   Column(_l("Часов внесено"), "hours"), Column(_l("Часов подписано"), "hours")],
                  rows, chart, total=len(rows), hint=hint)


def _week_label(monday: date) -> str:
    """A week as people name it ("3–9 мар."), not its ISO code."""
    return format_interval(monday, monday + timedelta(days=6), "MMMd", locale=get_locale())


def build_dashboard(user: User, f: Filters, limit: int | None = TABLE_ROWS) -> Dashboard:
    """Every figure of the dashboard: eight queries whatever the size of the data."""
    by_year = queries.graduates_by_year(user, f)
    headline = headline_of(by_year, f)
    counts = queries.funnel_counts(user, f)
    figures = [
        funnel(counts),
        graduates_by_year(by_year),
        graduates_by_college(user, f, headline.year, limit),
        graduates_by_specialty(user, f, headline.year, limit),
        enterprises(user, f, limit),
        mentors(user, f, limit),
        weekly_hours(user, f),
    ]
    return Dashboard(headline, counts, figures)


def build_figure(user: User, f: Filters, key: str) -> Figure | None:
    """One figure with all its rows, for the CSV export; None if there is no such figure."""
    match key:
        case "funnel":
            return funnel(queries.funnel_counts(user, f))
        case "graduates-by-year":
            return graduates_by_year(queries.graduates_by_year(user, f))
        case "graduates-by-college" | "graduates-by-specialty":
            year = headline_of(queries.graduates_by_year(user, f), f).year
            build = graduates_by_college if key == "graduates-by-college" else (
                graduates_by_specialty)
            return build(user, f, year, None)
        # The file has no chart: a ledger's every row would be a bar nobody sees.
        case "enterprises":
            return enterprises(user, f, None, draw=False)
        case "mentors":
            return mentors(user, f, None, draw=False)
        case "weekly-hours":
            return weekly_hours(user, f)
    return None


def cell_text(value: Any, kind: str) -> str:
    """A table cell as the page shows it (Russian number formatting by the user's locale)."""
    if value is None:
        return "—"
    match kind:
        case "int":
            return _int(value)
        case "percent":
            return _pct(value)
        case "hours":
            return _hours(value)
    if isinstance(value, date):
        return format_date(value, "short")
    return str(value)
