"""The graduate employment figure, defined once: graduates of a year, employed in their
specialty, and outcomes known (DOMAIN.md: 4,730 ÷ 5,436 = 87.0%, and the knowledge rate beside
it). The home page, the dashboard and the printed report all count and divide here."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, select

from app.extensions import db
from app.models import IN_SPECIALTY, GraduateOutcome, OutcomeKind


def share(part: float, whole: float) -> float:
    """A percentage to one decimal, 0 when there is nothing to divide by."""
    return round(100 * part / whole, 1) if whole else 0.0


def graduate_counts() -> tuple[Any, Any, Any]:
    """The three counts as SQL columns (`graduates`, `employed`, `known`), to group as needed."""
    return (
        func.count(GraduateOutcome.id).label("graduates"),
        func.coalesce(func.sum(case((GraduateOutcome.outcome.in_(IN_SPECIALTY), 1), else_=0)),
                      0).label("employed"),
        func.coalesce(func.sum(case((GraduateOutcome.outcome != OutcomeKind.UNKNOWN, 1),
                                    else_=0)), 0).label("known"),
    )


@dataclass(frozen=True)
class EmploymentFigure:
    year: int
    graduates: int = 0
    employed: int = 0
    known: int = 0

    @property
    def rate(self) -> float:
        """Employed in the specialty, per cent of the graduates."""
        return share(self.employed, self.graduates)

    @property
    def known_rate(self) -> float:
        """Outcomes known, per cent of the graduates."""
        return share(self.known, self.graduates)


def employment_figure(year: int, *conditions: Any) -> EmploymentFigure:
    """The figure of one graduation year among the outcomes `conditions` select (one query)."""
    graduates, employed, known = db.session.execute(
        select(*graduate_counts())
        .where(GraduateOutcome.graduation_year == year, *conditions)
    ).one()
    return EmploymentFigure(year, int(graduates), int(employed), int(known))
