"""The college grading scale: a 0–100 score gives the letter, points and the traditional word.

Institutions differ at the band edges; the bands live in BANDS only.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class GradeBand:
    min_score: int
    letter: str
    points: float
    five_point: int


BANDS: tuple[GradeBand, ...] = (
    GradeBand(95, "A", 4.0, 5),
    GradeBand(90, "A-", 3.67, 5),
    GradeBand(85, "B+", 3.33, 4),
    GradeBand(80, "B", 3.0, 4),
    GradeBand(75, "B-", 2.67, 4),
    GradeBand(70, "C+", 2.33, 3),
    GradeBand(65, "C", 2.0, 3),
    GradeBand(60, "C-", 1.67, 3),
    GradeBand(55, "D+", 1.33, 3),
    GradeBand(50, "D", 1.0, 3),
    GradeBand(0, "F", 0.0, 2),
)

FIVE_POINT_WORDS = {
    5: _l("отлично"),
    4: _l("хорошо"),
    3: _l("удовлетворительно"),
    2: _l("неудовлетворительно"),
}


def band_for(score: int) -> GradeBand:
    """The band of a 0–100 score."""
    if not 0 <= score <= 100:
        raise ValueError(f"score {score} is outside 0–100")
    return next(band for band in BANDS if score >= band.min_score)
