"""Builders for valid objects with sensible defaults; each flushes and returns the object."""

import itertools
from datetime import date, timedelta
from functools import cache

from app.authentication import hash_password
from app.domain.identifiers import make_bin, make_iin
from app.extensions import db
from app.models import (
    College,
    Department,
    DiaryEntry,
    Enterprise,
    EntryStatus,
    Group,
    MentorProfile,
    Partnership,
    Placement,
    PlacementStatus,
    Role,
    Specialty,
    StudentProfile,
    User,
)

PASSWORD = "correct horse battery"
_serial = itertools.count(1)


@cache
def password_hash() -> str:
    # Hash once: argon2 is slow on purpose, and every builder user shares the password.
    return hash_password(PASSWORD)


def _n() -> int:
    # Identifiers use n * 10 as their serial: when a serial has no valid check digit, make_iin
    # and make_bin try the next one, which must not be the next object's.
    return next(_serial)


def college(**kw) -> College:
    n = _n()
    obj = College(
        name=kw.pop("name", f"Колледж №{n}"),
        city=kw.pop("city", "Усть-Каменогорск"),
        bin=kw.pop("bin", make_bin(date(2001, 5, 1), n * 10)),
        **kw,
    )
    db.session.add(obj)
    db.session.flush()
    return obj


def specialty(college_: College | None = None, **kw) -> Specialty:
    n = _n()
    obj = Specialty(
        college=college_ or college(),
        code=kw.pop("code", f"07150{n:03d}"),
        name=kw.pop("name", "Сварочное дело"),
        qualification=kw.pop("qualification", "Электрогазосварщик"),
        **kw,
    )
    db.session.add(obj)
    db.session.flush()
    return obj


def group(college_: College | None = None, specialty_: Specialty | None = None, **kw) -> Group:
    college_ = college_ or (specialty_.college if specialty_ else college())
    specialty_ = specialty_ or specialty(college_)
    obj = Group(
        college=college_,
        specialty=specialty_,
        code=kw.pop("code", f"СВ-{_n()}"),
        intake_year=kw.pop("intake_year", 2024),
        **kw,
    )
    db.session.add(obj)
    db.session.flush()
    return obj


def enterprise(**kw) -> Enterprise:
    n = _n()
    obj = Enterprise(
        name=kw.pop("name", f"Завод №{n}"),
        bin=kw.pop("bin", make_bin(date(1998, 3, 1), n * 10)),
        city=kw.pop("city", "Усть-Каменогорск"),
        industry=kw.pop("industry", "металлургия"),
        intake_capacity=kw.pop("intake_capacity", 20),
        **kw,
    )
    db.session.add(obj)
    db.session.flush()
    return obj


def user(role: Role, **kw) -> User:
    n = _n()
    obj = User(
        email=kw.pop("email", f"{role.value}{n}@example.kz"),
        full_name=kw.pop("full_name", f"{role.value.title()} {n}"),
        role=role,
        password_hash=kw.pop("password_hash", password_hash()),
        **kw,
    )
    db.session.add(obj)
    db.session.flush()
    return obj


def admin(**kw) -> User:
    return user(Role.ADMIN, **kw)


def coordinator(college_: College | None = None, **kw) -> User:
    return user(Role.COORDINATOR, college=college_ or college(), **kw)


def employer(enterprise_: Enterprise | None = None, **kw) -> User:
    return user(Role.EMPLOYER, enterprise=enterprise_ or enterprise(), **kw)


def mentor(enterprise_: Enterprise | None = None, trainee_cap: int = 8, **kw) -> User:
    enterprise_ = enterprise_ or enterprise()
    obj = user(Role.MENTOR, enterprise=enterprise_, **kw)
    department = Department(enterprise=enterprise_, name=f"Цех {_n()}")
    db.session.add(MentorProfile(user=obj, department=department, position="мастер",
                                 trainee_cap=trainee_cap))
    db.session.flush()
    return obj


def student(group_: Group | None = None, born: date = date(2005, 4, 12), **kw) -> User:
    group_ = group_ or group()
    # A student who may still be a minor on a placement has a guardian on file, as the
    # student form requires (activation refuses a minor without one).
    young = born > date.today() - timedelta(days=19 * 366)
    guardian_name = kw.pop("guardian_name", "Родитель Тестовый" if young else "")
    guardian_phone = kw.pop("guardian_phone", "+7 700 000 00 01" if young else "")
    obj = user(Role.STUDENT, college=group_.college, **kw)
    db.session.add(StudentProfile(user=obj, iin=make_iin(born, _n() * 10), birth_date=born,
                                  group=group_, guardian_name=guardian_name,
                                  guardian_phone=guardian_phone))
    db.session.flush()
    return obj


def placement(
    student_: User | None = None,
    mentor_: User | None = None,
    status: PlacementStatus = PlacementStatus.ACTIVE,
    start: date | None = None,
    weeks: int = 16,
    inducted: bool = True,
    **kw,
) -> Placement:
    student_ = student_ or student()
    mentor_ = mentor_ or mentor()
    start = start or date.today() - timedelta(weeks=4)
    db.session.merge(Partnership(college_id=student_.college_id,
                                 enterprise_id=mentor_.enterprise_id))
    obj = Placement(
        student=student_,
        college_id=student_.college_id,
        enterprise_id=mentor_.enterprise_id,
        mentor=mentor_,
        start_date=start,
        end_date=kw.pop("end_date", start + timedelta(weeks=weeks)),
        required_hours=kw.pop("required_hours", 480),
        status=status,
        terminated_on=kw.pop("terminated_on", date.today()
                             if status == PlacementStatus.TERMINATED else None),
        **kw,
    )
    db.session.add(obj)
    db.session.flush()
    if inducted and status == PlacementStatus.ACTIVE and start <= date.today():
        # The diary takes no hours before the safety induction: given through the real service.
        from tests.builders_practice import induct

        induct(obj)
    return obj


def entry(
    placement_: Placement,
    day: date,
    hours: float = 6,
    status: EntryStatus = EntryStatus.SUBMITTED,
    **kw,
) -> DiaryEntry:
    obj = DiaryEntry(
        placement=placement_,
        work_date=day,
        minutes=round(hours * 60),
        activity=kw.pop("activity", "Сварка стыковых соединений"),
        status=status,
        **kw,
    )
    db.session.add(obj)
    db.session.flush()
    return obj
