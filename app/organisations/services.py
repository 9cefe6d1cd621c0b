"""Changes to colleges, specialties, groups and enterprises; each writes its audit event."""

import re

from flask_babel import gettext as _
from sqlalchemy import select

from app import audit
from app import input_checks as checks
from app.extensions import db
from app.models import (
    College,
    Competency,
    CompetencyRating,
    Department,
    DiaryEntry,
    Enterprise,
    Group,
    Partnership,
    Specialty,
    User,
)
from app.organisations import legal
from app.policy import can_edit_enterprise
from app.rules import RuleViolation


def _college_fields(name: str, city: str, bin: str, name_kk: str) -> dict:
    return {
        "name": checks.text(name, "name", 200),
        "name_kk": checks.text(name_kk, "name_kk", 200, required=False),
        "city": checks.text(city, "city", 100),
        "bin": checks.bin_number(bin),
    }


def save_college(actor: User, college: College | None, *, name: str, city: str, bin: str,
                 name_kk: str = "", **legal_details: str) -> College:
    """Create a college, or change one; its BIN is unique in the region."""
    fields = _college_fields(name, city, bin, name_kk) | legal.checked(legal_details)
    clash = db.session.scalar(select(College.id).where(College.bin == fields["bin"]))
    if clash is not None and (college is None or clash != college.id):
        raise RuleViolation(_("Колледж с этим БИН уже зарегистрирован."), "bin")
    created = college is None
    college = college or College()
    for key, value in fields.items():
        setattr(college, key, value)
    return _saved(actor, college, created)


def _saved(actor: User, obj, created: bool):
    changes = audit.changes_of(obj)
    if created:
        db.session.add(obj)
    db.session.flush()
    if created or changes:
        audit.record(actor, "created" if created else "updated", obj, changes)
    return obj


# --- specialties and their competencies ----------------------------------------------------------

# "ПМ 01 — Name", "ПК 1.1 - Name", or a tab: an explicit separator between code and name.
_SEPARATOR = re.compile(r"\t|\s[—–-]\s")
# Without one, a training-plan code: letters, an optional space or hyphen, numbers (ПМ 01, ПК-1.2).
_PLAN_CODE = re.compile(r"([^\W\d_]{1,6}[ \-]?\d{1,3}(?:[.\-]\d{1,3})*)\s+(\S.*)")


def split_competency(line: str) -> tuple[str, str]:
    """A competency line as (code, name); a code may hold a space, as ПМ 01 does."""
    parts = _SEPARATOR.split(line, maxsplit=1)
    if len(parts) == 2:
        return parts[0].strip(), parts[1].strip()
    if match := _PLAN_CODE.fullmatch(line):
        return match.group(1), match.group(2).strip()
    code, _sep, name = line.partition(" ")
    return code, name.strip()


def competency_line(code: str, name: str) -> str:
    """A competency as the specialty form shows it, read back the same by split_competency."""
    return f"{code} — {name}"


def parse_kazakh_competencies(lines: str, codes: list[str]) -> dict[str, str]:
    """Kazakh names of competencies, 'CODE — Атауы' lines matched by code to `codes`."""
    names = dict(parse_competencies(lines, field="competencies_kk"))
    unknown = [code for code in names if code not in codes]
    if unknown:
        raise RuleViolation(_("Нет компетенции с кодом %(code)s: коды берутся из списка выше.",
                              code=unknown[0]), "competencies_kk")
    return names


def parse_competencies(lines: str, field: str = "competencies") -> list[tuple[str, str]]:
    """Read 'CODE — Name' lines (code first, then the name) into pairs; blank lines are skipped."""
    pairs: list[tuple[str, str]] = []
    for number, line in enumerate((lines or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        code, name = split_competency(line)
        if not name:
            raise RuleViolation(
                _("Строка %(n)s: укажите код и название через пробел.", n=number), field)
        if len(code) > 20 or len(name) > 300:
            raise RuleViolation(
                _("Строка %(n)s: код до 20 символов, название до 300.", n=number), field)
        pairs.append((code, name))
    codes = [code for code, _name in pairs]
    if len(set(codes)) != len(codes):
        raise RuleViolation(_("Коды компетенций повторяются."), field)
    return pairs


def save_specialty(actor: User, college_id: int, specialty: Specialty | None, *, code: str,
                   name: str, qualification: str, competencies: list[tuple[str, str]],
                   name_kk: str = "", competency_names_kk: dict[str, str] | None = None
                   ) -> Specialty:
    """Create or change a specialty with its list of competencies (matched by code); the
    Kazakh names of competencies come by code too (a competency not named keeps none)."""
    names_kk = competency_names_kk or {}
    fields = {
        "code": checks.text(code, "code", 20),
        "name": checks.text(name, "name", 200),
        "name_kk": checks.text(name_kk, "name_kk", 200, required=False),
        "qualification": checks.text(qualification, "qualification", 200),
    }
    clash = db.session.scalar(select(Specialty.id).where(
        Specialty.college_id == college_id, Specialty.code == fields["code"]))
    if clash is not None and (specialty is None or clash != specialty.id):
        raise RuleViolation(_("Специальность с этим кодом в колледже уже есть."), "code")
    existing = {c.code: c for c in specialty.competencies} if specialty else {}
    removed = [c for code_, c in existing.items() if code_ not in dict(competencies)]
    removed_ids = [c.id for c in removed]
    if removed and db.session.scalar(select(CompetencyRating.id).where(
            CompetencyRating.competency_id.in_(removed_ids)).limit(1)):
        raise RuleViolation(
            _("Нельзя удалить компетенцию, по которой уже выставлены оценки."), "competencies")
    if removed and db.session.scalar(select(DiaryEntry.id).where(
            DiaryEntry.competency_id.in_(removed_ids)).limit(1)):
        raise RuleViolation(
            _("Нельзя удалить компетенцию, которая указана в записях дневника практики."),
            "competencies")
    before = _competency_text(specialty.competencies) if specialty else ""
    created = specialty is None
    specialty = specialty or Specialty(college_id=college_id)
    for key, value in fields.items():
        setattr(specialty, key, value)
    changes = audit.changes_of(specialty)
    if created:
        db.session.add(specialty)
    for competency in removed:
        db.session.delete(competency)
    for position, (code_, name_) in enumerate(competencies):
        competency = existing.get(code_) or Competency(specialty=specialty, code=code_)
        competency.name, competency.position = name_, position
        competency.name_kk = names_kk.get(code_, "")
        db.session.add(competency)
    db.session.flush()
    db.session.expire(specialty, ["competencies"])
    after = _competency_text(specialty.competencies)
    if after != before:
        changes["competencies"] = [before or None, after or None]
    if created or changes:
        audit.record(actor, "created" if created else "updated", specialty, changes)
    return specialty


def _competency_text(competencies: list[Competency]) -> str:
    return "; ".join(f"{c.code} {c.name}" + (f" ({c.name_kk})" if c.name_kk else "")
                     for c in competencies)


def save_group(actor: User, college_id: int, group: Group | None, *, code: str,
               intake_year: int, specialty_id: int) -> Group:
    """Create or change a study group of a specialty of the same college."""
    fields = {
        "code": checks.text(code, "code", 30),
        "intake_year": checks.whole_number(intake_year, "intake_year", 1990, 2100),
    }
    owner = db.session.scalar(select(Specialty.college_id).where(Specialty.id == specialty_id))
    if owner != college_id:
        raise RuleViolation(_("Выберите специальность своего колледжа."), "specialty_id")
    clash = db.session.scalar(select(Group.id).where(
        Group.college_id == college_id, Group.code == fields["code"]))
    if clash is not None and (group is None or clash != group.id):
        raise RuleViolation(_("Группа с этим кодом в колледже уже есть."), "code")
    created = group is None
    group = group or Group(college_id=college_id)
    for key, value in fields.items():
        setattr(group, key, value)
    group.specialty_id = specialty_id
    return _saved(actor, group, created)


# --- enterprises -----------------------------------------------------------------------------

def _enterprise_fields(name: str, city: str, industry: str, intake_capacity: int,
                       contact_name: str, contact_phone: str, contact_email: str,
                       name_kk: str | None = None) -> dict:
    """The checked details; a Kazakh name of None (an import without that column) is left out,
    so an existing enterprise keeps its own."""
    kazakh = {} if name_kk is None else {
        "name_kk": checks.text(name_kk, "name_kk", 200, required=False)}
    return kazakh | {
        "name": checks.text(name, "name", 200),
        "city": checks.text(city, "city", 100),
        "industry": checks.text(industry, "industry", 100, required=False),
        "intake_capacity": checks.whole_number(intake_capacity, "intake_capacity", 0, 100_000),
        "contact_name": checks.text(contact_name, "contact_name", 200, required=False),
        "contact_phone": checks.phone(contact_phone, "contact_phone"),
        "contact_email": checks.email(contact_email, "contact_email"),
    }


def find_enterprise_by_bin(bin: str) -> Enterprise | None:
    return db.session.scalar(select(Enterprise).where(Enterprise.bin == bin))


def save_enterprise(actor: User, college_id: int | None, *, name: str, bin: str, city: str,
                    industry: str = "", intake_capacity: int = 0, contact_name: str = "",
                    contact_phone: str = "", contact_email: str = "",
                    name_kk: str | None = None, **legal_details: str
                    ) -> tuple[Enterprise, bool]:
    """Create the enterprise, or find it by BIN; with a college, make it a partner.

    An existing enterprise's details are updated only if the actor may edit it; the second value
    says whether the details were written (False: the existing record was kept as it is).
    """
    bin = checks.bin_number(bin)
    fields = _enterprise_fields(name, city, industry, intake_capacity, contact_name,
                                contact_phone, contact_email, name_kk)
    fields |= legal.checked(legal_details)
    enterprise = find_enterprise_by_bin(bin)
    created = enterprise is None
    if enterprise is None:
        enterprise = Enterprise(bin=bin, **fields)
        _saved(actor, enterprise, created)
    if college_id is not None:
        link_partner(actor, college_id, enterprise)
    if created:
        return enterprise, True
    if not can_edit_enterprise(actor, enterprise):
        return enterprise, False
    for key, value in fields.items():
        setattr(enterprise, key, value)
    _saved(actor, enterprise, created=False)
    return enterprise, True


def register_enterprise(actor: User, college_id: int | None, **fields) -> Enterprise:
    """Register a new enterprise from the form; a BIN already in the region is refused."""
    bin = checks.bin_number(fields.get("bin"))
    if find_enterprise_by_bin(bin) is not None:
        raise RuleViolation(duplicate_enterprise_message(), "bin")
    return save_enterprise(actor, college_id, **fields)[0]


def duplicate_enterprise_message() -> str:
    return _("Предприятие с этим БИН уже есть в регионе: найдите его и добавьте в партнёры.")


def update_enterprise(actor: User, enterprise: Enterprise, *, name: str, city: str,
                      industry: str = "", intake_capacity: int = 0, contact_name: str = "",
                      contact_phone: str = "", contact_email: str = "", name_kk: str = "",
                      **legal_details: str) -> Enterprise:
    """Change an enterprise's details, capacity and contacts (its BIN stays)."""
    if not can_edit_enterprise(actor, enterprise):
        raise RuleViolation(not_editable_message())
    fields = _enterprise_fields(name, city, industry, intake_capacity, contact_name,
                                contact_phone, contact_email, name_kk)
    fields |= legal.checked(legal_details)
    for key, value in fields.items():
        setattr(enterprise, key, value)
    return _saved(actor, enterprise, created=False)


def not_editable_message() -> str:
    return _("Данные этого предприятия меняет его представитель или управление образования.")


def link_partner(actor: User, college_id: int, enterprise: Enterprise) -> bool:
    """Make the enterprise a partner of the college; False when it already was one."""
    if db.session.get(Partnership, (college_id, enterprise.id)) is not None:
        return False
    db.session.add(Partnership(college_id=college_id, enterprise_id=enterprise.id))
    db.session.flush()
    college = db.session.get(College, college_id)
    if college is None:
        raise RuleViolation(_("Можно работать только со своим колледжем."))
    audit.record(actor, "partner_linked", enterprise, {"college": [None, college.name]})
    return True


def add_department(actor: User, enterprise: Enterprise, name: str, name_kk: str = ""
                   ) -> Department:
    """Add a workshop (цех) or department to an enterprise; names are unique within it."""
    if not can_edit_enterprise(actor, enterprise):
        raise RuleViolation(not_editable_message())
    name = checks.text(name, "name", 200)
    name_kk = checks.text(name_kk, "name_kk", 200, required=False)
    if db.session.scalar(select(Department.id).where(
            Department.enterprise_id == enterprise.id, Department.name == name)):
        raise RuleViolation(_("Такое подразделение уже есть."), "name")
    department = Department(enterprise_id=enterprise.id, name=name, name_kk=name_kk)
    db.session.add(department)
    db.session.flush()
    audit.record(actor, "department_added", enterprise, {"department": [None, name]})
    return department


def rename_department(actor: User, department: Department, name: str, name_kk: str = ""
                      ) -> Department:
    """Change a department's name or its Kazakh name; names stay unique within the enterprise."""
    if not can_edit_enterprise(actor, department.enterprise):
        raise RuleViolation(not_editable_message())
    name = checks.text(name, "name", 200)
    name_kk = checks.text(name_kk, "name_kk", 200, required=False)
    if db.session.scalar(select(Department.id).where(
            Department.enterprise_id == department.enterprise_id, Department.name == name,
            Department.id != department.id)):
        raise RuleViolation(_("Такое подразделение уже есть."), "name")
    before = (department.name, department.name_kk)
    department.name, department.name_kk = name, name_kk
    db.session.flush()
    if before != (name, name_kk):
        audit.record(actor, "department_renamed", department.enterprise,
                     {"department": [" / ".join(filter(None, before)),
                                     " / ".join(filter(None, (name, name_kk)))]})
    return department
