"""Registering and changing students, mentors, employer representatives and coordinators."""

from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from app import audit, clock
from app import input_checks as checks
from app.domain.identifiers import birth_date_from_iin, has_valid_check_digit, mask_iin
from app.domain.working_time import (
    EARLIEST_BIRTH_YEAR,
    MINIMUM_AGE,
    age_on,
    could_ever_train,
    is_minor,
)
from app.extensions import db
from app.models import (
    College,
    Department,
    Enterprise,
    Group,
    MentorProfile,
    Placement,
    PlacementStatus,
    Role,
    StudentProfile,
    User,
)
from app.people.emails import is_placeholder, placeholder_email
from app.policy.staff import (
    can_see_enterprise_staff,
    contact_refusal,
    employer_refusal,
    may_add_coordinator,
    may_manage_students,
    mentor_refusal,
)
from app.rules import RuleViolation


def checked_iin(value: str | None, field: str = "iin") -> str:
    """A valid IIN: 12 digits, a birth date in the first seven, the right check digit."""
    value = (value or "").strip().replace(" ", "")
    if len(value) != 12 or not value.isascii() or not value.isdigit():
        raise RuleViolation(_("ИИН — 12 цифр."), field)
    if birth_date_from_iin(value) is None:
        raise RuleViolation(_("ИИН указан с ошибкой: первые цифры — не дата рождения."), field)
    if not has_valid_check_digit(value):
        raise RuleViolation(_("ИИН указан с ошибкой: не сходится контрольная цифра."), field)
    return value


# Older trainees exist (adults retraining) but are rare: past this age the IIN is likelier a
# slip than a fact, so registration asks the coordinator to confirm it.
PLAUSIBLE_AGE = 35


def _check_plausible_age(birth: date, today: date, confirmed: bool) -> None:
    """Ask to confirm an age no usual trainee has; a confirmed one is accepted."""
    age = age_on(birth, today)
    if age > PLAUSIBLE_AGE and not confirmed:
        raise RuleViolation(
            _("По ИИН студенту %(age)s лет (родился %(day)s). Если это верно, отметьте "
              "«Возраст подтверждаю» и сохраните ещё раз; если нет — проверьте ИИН.",
              age=age, day=birth.strftime("%d.%m.%Y")), "age_confirmed")


def _check_trainee_age(birth: date, today: date) -> None:
    """Refuse an IIN whose birth date no trainee could have (a slip of the century digit)."""
    if birth.year < EARLIEST_BIRTH_YEAR or birth > today:
        day = birth.strftime("%d.%m.%Y")
        raise RuleViolation(
            _("По ИИН дата рождения — %(day)s: проверьте седьмую цифру ИИН (век рождения).",
              day=day), "iin")
    if not could_ever_train(birth, today):
        raise RuleViolation(
            _("По ИИН студенту %(age)s лет: практику проходят не младше %(min)s лет. "
              "Проверьте ИИН.", age=age_on(birth, today), min=MINIMUM_AGE), "iin")


def duplicate_email_message() -> str:
    return _("Этот адрес электронной почты уже занят другим пользователем.")


def duplicate_student_message() -> str:
    return _("Студент с этим ИИН уже есть в колледже.")


def iin_taken_message() -> str:
    """Said when the IIN belongs to another college's student, without naming anything of it."""
    return _("Этот ИИН уже зарегистрирован; обратитесь в управление образования.")


def _email_free(address: str, user_id: int | None) -> None:
    owner = db.session.scalar(select(User.id).where(User.email == address))
    if owner is not None and owner != user_id:
        raise RuleViolation(duplicate_email_message(), "email")


def _changes(*objs) -> dict:
    """The audited changes of an account and its profile; IINs masked, placeholders hidden."""
    changes: dict = {}
    for obj in objs:
        changes.update(audit.changes_of(obj))
    changes.pop("password_hash", None)
    if "iin" in changes:
        changes["iin"] = [mask_iin(v) if v else v for v in changes["iin"]]
    if "email" in changes:
        changes["email"] = [None if is_placeholder(v) else v for v in changes["email"]]
        if changes["email"][0] == changes["email"][1]:
            del changes["email"]
    return changes


def _check_college_actor(actor: User, college_id: int | None) -> None:
    if refusal := may_manage_students(actor, college_id):
        raise RuleViolation(refusal)


# --- students ----------------------------------------------------------------------------------

def find_student_by_iin(iin: str) -> User | None:
    return db.session.scalar(
        select(User).join(StudentProfile, StudentProfile.user_id == User.id)
        .where(StudentProfile.iin == iin))


def _student_fields(college_id: int, full_name: str, iin: str, group_id: int,
                    email: str | None, phone: str, guardian_name: str, guardian_phone: str,
                    today: date, age_confirmed: bool = False,
                    known_birth: date | None = None) -> dict:
    fields: dict[str, Any] = {
        "full_name": checks.text(full_name, "full_name", 200),
        "iin": checked_iin(iin),
        "email": checks.email(email),
        "phone": checks.phone(phone),
        "guardian_name": checks.text(guardian_name, "guardian_name", 200, required=False),
        "guardian_phone": checks.phone(guardian_phone, "guardian_phone"),
    }
    fields["birth_date"] = birth_date_from_iin(fields["iin"])
    _check_trainee_age(fields["birth_date"], today)
    if fields["birth_date"] != known_birth:  # asked once, not at every later edit
        _check_plausible_age(fields["birth_date"], today, age_confirmed)
    owner = db.session.scalar(select(Group.college_id).where(Group.id == group_id))
    if owner is None or owner != college_id:
        raise RuleViolation(_("Выберите группу своего колледжа."), "group_id")
    fields["group_id"] = group_id
    if is_minor(fields["birth_date"], today):
        if not fields["guardian_name"]:
            raise RuleViolation(
                _("Студент несовершеннолетний: укажите родителя или законного представителя."),
                "guardian_name")
        if not fields["guardian_phone"]:
            raise RuleViolation(
                _("Студент несовершеннолетний: укажите телефон родителя или представителя."),
                "guardian_phone")
    return fields


def save_student(actor: User, college_id: int, *, full_name: str, iin: str, group_id: int,
                 email: str | None = None, phone: str = "", guardian_name: str = "",
                 guardian_phone: str = "", age_confirmed: bool = False) -> User:
    """Create the student, or update the college's student with that IIN (no duplicates).

    A blank e-mail keeps the current address (a placeholder for a new student: no login until
    invited).
    """
    _check_college_actor(actor, college_id)
    fields = _student_fields(college_id, full_name, iin, group_id, email, phone, guardian_name,
                             guardian_phone, clock.today(), age_confirmed)
    student = find_student_by_iin(fields["iin"])
    if student is not None and student.college_id != college_id:
        raise RuleViolation(iin_taken_message(), "iin")
    return _write_student(actor, college_id, student, fields)


def create_student(actor: User, college_id: int, **fields) -> User:
    """Register a new student from the form; an IIN already registered is refused."""
    existing = find_student_by_iin(checked_iin(fields.get("iin")))
    if existing is not None:
        raise RuleViolation(duplicate_student_message() if existing.college_id == college_id
                            else iin_taken_message(), "iin")
    return save_student(actor, college_id, **fields)


def update_student(actor: User, student: User, *, full_name: str, iin: str, group_id: int,
                   email: str | None = None, phone: str = "", guardian_name: str = "",
                   guardian_phone: str = "", age_confirmed: bool = False) -> User:
    """Change a student's details, the IIN included (it stays unique)."""
    _check_college_actor(actor, student.college_id)
    if student.college_id is None or student.student_profile is None:
        raise RuleViolation(_("У студента нет учебной карточки с группой."))
    fields = _student_fields(student.college_id, full_name, iin, group_id, email, phone,
                             guardian_name, guardian_phone, clock.today(), age_confirmed,
                             known_birth=student.student_profile.birth_date)
    other = find_student_by_iin(fields["iin"])
    if other is not None and other.id != student.id:
        raise RuleViolation(_("Этот ИИН уже указан у другого студента.")
                            if other.college_id == student.college_id else iin_taken_message(),
                            "iin")
    return _write_student(actor, student.college_id, student, fields)


def _write_student(actor: User, college_id: int, student: User | None, fields: dict) -> User:
    if fields["email"]:
        _email_free(fields["email"], student.id if student else None)
    created = student is None
    if student is None:
        student = User(role=Role.STUDENT, college_id=college_id, password_hash=None,
                       email=fields["email"] or placeholder_email())
        student.student_profile = StudentProfile()
        db.session.add(student)
    elif fields["email"]:
        student.email = fields["email"]
    profile = student.student_profile
    if profile is None:
        raise RuleViolation(_("У студента нет учебной карточки с группой."))
    student.full_name, student.phone = fields["full_name"], fields["phone"]
    profile.iin, profile.birth_date = fields["iin"], fields["birth_date"]
    profile.group_id = fields["group_id"]
    profile.guardian_name, profile.guardian_phone = (fields["guardian_name"],
                                                     fields["guardian_phone"])
    return _audited(actor, student, profile, created)


def _audited(actor: User, user: User, profile, created: bool) -> User:
    changes = _changes(user, profile)
    db.session.flush()
    if created or changes:
        action = f"{user.role.value}_{'created' if created else 'updated'}"
        audit.record(actor, action, user, changes)
    return user


# --- mentors, employers, coordinators ---------------------------------------------------------

def _check_enterprise_actor(actor: User, enterprise_id: int) -> Enterprise:
    enterprise = db.session.get(Enterprise, enterprise_id) if enterprise_id else None
    if enterprise is None or not can_see_enterprise_staff(actor, enterprise):
        raise RuleViolation(_("Выберите предприятие-партнёр своего колледжа."), "enterprise_id")
    return enterprise


def _account_fields(full_name: str, email: str | None, phone: str, user_id: int | None,
                    email_required: bool = False) -> dict:
    fields = {
        "full_name": checks.text(full_name, "full_name", 200),
        "email": checks.email(email, required=email_required),
        "phone": checks.phone(phone),
    }
    if fields["email"]:
        _email_free(fields["email"], user_id)
    return fields


def _mentor_fields(enterprise_id: int | None, department_id: int | None, position: str,
                   trainee_cap: int) -> dict:
    if department_id:
        owner = db.session.scalar(
            select(Department.enterprise_id).where(Department.id == department_id))
        if owner != enterprise_id:
            raise RuleViolation(_("Выберите цех этого предприятия."), "department_id")
    return {
        "department_id": department_id or None,
        "position": checks.text(position, "position", 200, required=False),
        "trainee_cap": checks.whole_number(trainee_cap, "trainee_cap", 1, 100),
    }


def create_mentor(actor: User, *, enterprise_id: int, full_name: str, email: str | None,
                  phone: str = "", department_id: int | None = None, position: str = "",
                  trainee_cap: int) -> User:
    """Register a foreman of a partner enterprise (no login until invited)."""
    enterprise = _check_enterprise_actor(actor, enterprise_id)
    fields = _account_fields(full_name, email, phone, None)
    profile_fields = _mentor_fields(enterprise.id, department_id, position, trainee_cap)
    mentor = User(role=Role.MENTOR, enterprise_id=enterprise.id, password_hash=None,
                  full_name=fields["full_name"], phone=fields["phone"],
                  email=fields["email"] or placeholder_email())
    mentor.mentor_profile = MentorProfile(**profile_fields)
    db.session.add(mentor)
    return _audited(actor, mentor, mentor.mentor_profile, created=True)


def update_mentor(actor: User, mentor: User, *, full_name: str, email: str | None,
                  phone: str = "", department_id: int | None = None, position: str = "",
                  trainee_cap: int) -> User:
    """Change a foreman's details; the cap may not fall below the active trainees."""
    refusal = mentor_refusal(actor, mentor)
    if refusal:
        raise RuleViolation(refusal)
    fields = _account_fields(full_name, email, phone, mentor.id)
    profile_fields = _mentor_fields(mentor.enterprise_id, department_id, position, trainee_cap)
    active = db.session.scalar(select(func.count()).select_from(Placement).where(
        Placement.mentor_id == mentor.id, Placement.status == PlacementStatus.ACTIVE))
    if profile_fields["trainee_cap"] < active:
        raise RuleViolation(_("У наставника уже %(n)s действующих практикантов.", n=active),
                            "trainee_cap")
    mentor.full_name, mentor.phone = fields["full_name"], fields["phone"]
    if fields["email"]:
        mentor.email = fields["email"]
    profile = mentor.mentor_profile or MentorProfile(user=mentor)
    for key, value in profile_fields.items():
        setattr(profile, key, value)
    return _audited(actor, mentor, profile, created=False)


def create_employer(actor: User, *, enterprise_id: int, full_name: str, email: str | None,
                    phone: str = "") -> User:
    """Register an enterprise's representative (HR / training lead), invited afterwards."""
    enterprise = _check_enterprise_actor(actor, enterprise_id)
    refusal = employer_refusal(actor, enterprise)
    if refusal:
        raise RuleViolation(refusal)
    fields = _account_fields(full_name, email, phone, None)
    employer = User(role=Role.EMPLOYER, enterprise_id=enterprise.id, password_hash=None,
                    full_name=fields["full_name"], phone=fields["phone"],
                    email=fields["email"] or placeholder_email())
    db.session.add(employer)
    return _audited(actor, employer, employer, created=True)


def create_coordinator(actor: User, *, college_id: int, full_name: str, email: str,
                       phone: str = "") -> User:
    """The admin registers a college's coordinator (an e-mail is required to sign in)."""
    if may_add_coordinator(actor) or db.session.get(College, college_id) is None:
        raise RuleViolation(_("Координаторов назначает администратор региона."))
    fields = _account_fields(full_name, email, phone, None, email_required=True)
    coordinator = User(role=Role.COORDINATOR, college_id=college_id, password_hash=None,
                       **fields)
    db.session.add(coordinator)
    return _audited(actor, coordinator, coordinator, created=True)


def update_contact(actor: User, person: User, *, full_name: str, email: str | None,
                   phone: str = "") -> User:
    """Change an employer's or coordinator's name, e-mail and phone (the e-mail stays unique;
    a blank one keeps an employer's current address, a coordinator must have one)."""
    refusal = contact_refusal(actor, person)
    if refusal:
        raise RuleViolation(refusal)
    fields = _account_fields(full_name, email, phone, person.id,
                             email_required=person.role == Role.COORDINATOR)
    person.full_name, person.phone = fields["full_name"], fields["phone"]
    if fields["email"]:
        person.email = fields["email"]
    return _audited(actor, person, person, created=False)
