"""Builders for the documents' tests: a Kazakh-named placement, approved entries, assessments,
graduate outcomes."""

from datetime import date, datetime, time, timedelta

from app.extensions import db
from app.models import (
    Assessment,
    AssessmentKind,
    Competency,
    CompetencyRating,
    DiaryEntry,
    EntryStatus,
    GraduateOutcome,
    Group,
    HireRecommendation,
    OutcomeKind,
    Placement,
    User,
)
from tests import builders

# Every Kazakh-specific letter, lower and upper case, across the names and the work done.
KAZAKH_STUDENT = "Әлия Ғазизқызы Өтеңова"
KAZAKH_MENTOR = "Ұлан Һадиұлы Ісмағұлов"
KAZAKH_ENTERPRISE = "«Үлбі Құрылыс» ЖШС"
KAZAKH_COLLEGE = "Өскемен құрылыс колледжі"
KAZAKH_ACTIVITY = "Дәнекерлеу жұмыстары: құбырларды өңдеу, үлгі, жиһаз, ғимарат"
KAZAKH_LETTERS = "әғқңөұүһі"


def kazakh_placement(**kw) -> Placement:
    """A placement whose people and organisations carry Kazakh names."""
    college = builders.college(name=KAZAKH_COLLEGE)
    group = builders.group(college, code="ДС-24-1")
    student = builders.student(group, full_name=KAZAKH_STUDENT)
    enterprise = builders.enterprise(name=KAZAKH_ENTERPRISE, city="Өскемен")
    mentor = builders.mentor(enterprise, full_name=KAZAKH_MENTOR)
    return builders.placement(
        student, mentor, department_id=mentor.mentor_profile.department_id,
        start=kw.pop("start", date(2026, 1, 12)), required_hours=kw.pop("required_hours", 120),
        agreement_number=kw.pop("agreement_number", "Д-17/2026"), **kw,
    )


def approved_entries(placement: Placement, count: int, hours: float = 6,
                     activity: str = KAZAKH_ACTIVITY, start: date | None = None,
                     reviewer: User | None = None) -> list[DiaryEntry]:
    """`count` approved entries on consecutive working days from the placement's start."""
    day = start or placement.start_date
    reviewer = reviewer or placement.mentor
    made = []
    while len(made) < count:
        if day.weekday() < 5:
            made.append(DiaryEntry(
                placement=placement, work_date=day, minutes=round(hours * 60),
                activity=activity, status=EntryStatus.APPROVED,
                submitted_at=datetime.combine(day, time(18)), reviewed_by=reviewer,
                reviewed_at=datetime.combine(day + timedelta(days=1), time(9)),
            ))
        day += timedelta(days=1)
    db.session.add_all(made)
    db.session.flush()
    return made


def submitted_assessment(placement: Placement, grade: int = 5,
                         ratings: tuple[int, ...] = (5, 4),
                         characterisation: str = "Аккуратен, дисциплинирован, быстро учится.",
                         hire: HireRecommendation = HireRecommendation.YES) -> Assessment:
    """A final assessment the mentor has submitted, with competency ratings."""
    specialty_id = placement.student.student_profile.group.specialty_id
    assessment = Assessment(
        placement=placement, kind=AssessmentKind.FINAL, mentor_id=placement.mentor_id,
        grade=grade, characterisation=characterisation, hire_recommendation=hire,
        submitted_at=datetime(2026, 5, 20, 10, 0),
    )
    for position, rating in enumerate(ratings):
        competency = Competency(specialty_id=specialty_id, code=f"ПК {position + 1}",
                                name=f"Компетенция {position + 1}", position=position)
        assessment.ratings.append(CompetencyRating(competency=competency, rating=rating))
    db.session.add(assessment)
    db.session.flush()
    return assessment


def graduates(group: Group, year: int, outcomes: list[OutcomeKind]) -> list[GraduateOutcome]:
    """One graduate of `group` per outcome."""
    made = []
    for outcome in outcomes:
        student = builders.student(group)
        made.append(GraduateOutcome(
            student=student, college_id=group.college_id, specialty_id=group.specialty_id,
            graduation_year=year, graduated_on=date(year, 6, 30), outcome=outcome,
        ))
    db.session.add_all(made)
    db.session.flush()
    return made


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page of a PDF, read back with poppler's `pdftotext -layout`."""
    import shutil
    import subprocess

    import pytest

    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("poppler's pdftotext is not installed (apt-get install poppler-utils)")
    assert data.startswith(b"%PDF-"), data[:200]
    text = subprocess.run([tool, "-layout", "-enc", "UTF-8", "-", "-"], input=data,
                          capture_output=True, check=True).stdout.decode("utf-8")
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def pdf_fonts(data: bytes) -> list[str]:
    """The font lines of `pdffonts` (name, type, encoding, emb, sub, uni, object)."""
    import shutil
    import subprocess
    import tempfile

    import pytest

    tool = shutil.which("pdffonts")
    if tool is None:
        pytest.skip("poppler's pdffonts is not installed (apt-get install poppler-utils)")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(data)
        file.flush()
        out = subprocess.run([tool, file.name], capture_output=True, check=True, text=True)
    return out.stdout.splitlines()[2:]
