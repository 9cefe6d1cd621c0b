"""The groups a students file names: found in the college, or created with the import.

A group the college does not have yet is created in the specialty the row names — by its
classifier code (a new code creates the specialty too) or by a name, qualification or code the
college already uses. Everything is loaded in two queries; nothing is written before `write`.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from app import input_checks as checks
from app.imports import bulk, cells
from app.models import Group, Specialty, User
from app.naming import local_name
from app.rules import RuleViolation

# Latin letters that look like Cyrillic ones: "CB-23-1" typed on an English keyboard is СВ-23-1.
_LOOKALIKES = str.maketrans("ABCEHKMOPTXY", "АВСЕНКМОРТХУ")
_YEAR = re.compile(r"(?<!\d)(\d{4}|\d{2})(?!\d)")


def group_key(code: str) -> str:
    """A group code as compared: case, dashes, spaces and look-alike letters do not matter."""
    value = code.upper().translate(_LOOKALIKES)
    value = re.sub(r"[\u2010-\u2015\u2212]", "-", value).strip()
    value = re.sub(r"\s*-\s*", "-", value)
    return re.sub(r"\s+", "-", value)


def tidy_code(code: str) -> str:
    """A new group's code as the college will show it: "св 23 1" → "СВ-23-1"."""
    value = code.upper()
    if re.search("[А-ЯЁӘҒҚҢӨҰҮҺІ]", value):
        value = value.translate(_LOOKALIKES)  # a Cyrillic code typed half on a Latin layout
    value = re.sub(r"[\u2010-\u2015\u2212]", "-", value).strip()
    value = re.sub(r"\s*-\s*", "-", value)
    return re.sub(r"\s+", "-", value)


def name_key(name: str) -> str:
    value = name.lower().replace("ё", "е")
    value = re.sub(r"\([^)]*\)", " ", value)
    value = re.sub(r"[«»\"'.,]", " ", value)
    return re.sub(r"\s+", " ", value).strip()


def _code_key(code: str) -> str:
    return re.sub(r"\s+", "", code).upper()


def intake_year_of(code: str) -> int | None:
    """The intake year a group code carries (СВ-23-1 → 2023), if it carries one."""
    found = _YEAR.search(code)
    if not found:
        return None
    year = int(found.group(1))
    return year if year >= 1000 else 2000 + year


@dataclass
class _NewSpecialty:
    code: str
    name: str
    qualification: str
    rows: int = 0
    id: int | None = None


@dataclass
class _NewGroup:
    code: str
    intake_year: int
    specialty: tuple[str, Any]  # ("id", specialty id) or ("new", specialty code key)
    first_row: int
    rows: int = 0
    id: int | None = None


@dataclass
class GroupPlan:
    """The college's groups and specialties, and what the file asks to create."""

    college_id: int
    specialties: list[Any] = field(default_factory=list)
    groups: dict[str, Any] = field(default_factory=dict)
    new_specialties: dict[str, _NewSpecialty] = field(default_factory=dict)
    new_groups: dict[str, _NewGroup] = field(default_factory=dict)
    spellings: set[str] = field(default_factory=set)
    # What the coordinator chose in the preview for names the college does not know:
    # name key -> {"id": an existing specialty} or {"code": ..., "qualification": ...}.
    choices: dict[str, dict[str, Any]] = field(default_factory=dict)
    unresolved: dict[str, list[Any]] = field(default_factory=dict)  # key -> [name, rows]

    @classmethod
    def load(cls, db, college_id: int, choices: dict | None = None) -> "GroupPlan":
        plan = cls(college_id, choices=dict(choices or {}))
        plan.specialties = list(db.session.execute(
            select(Specialty.id, Specialty.code, Specialty.name, Specialty.name_kk,
                   Specialty.qualification)
            .where(Specialty.college_id == college_id)))
        for row in db.session.execute(
                select(Group.id, Group.code, Group.specialty_id)
                .where(Group.college_id == college_id)):
            plan.groups[group_key(row.code)] = row
        return plan

    # --- one row ------------------------------------------------------------------------------

    def resolve(self, values: dict[str, Any], number: int) -> tuple[str, Any]:
        """The row's group: ("id", group id) or ("new", group key); RuleViolation if neither."""
        code = cells.text(values.get("group"))
        if not code:
            raise RuleViolation(_("Укажите группу."), "group")
        key = group_key(code)
        wanted, unresolved = self._specialty(values)
        existing = self.groups.get(key)
        if existing is not None:
            if wanted is not None and wanted != ("id", existing.specialty_id):
                raise RuleViolation(
                    _("Группа «%(code)s» уже есть в колледже, но в специальности «%(have)s», "
                      "а в файле указана другая. Исправьте специальность или код группы.",
                      code=existing.code, have=self._label(("id", existing.specialty_id))),
                    self._specialty_field(values))
            if code != existing.code:
                self.spellings.add(_("Группа «%(written)s» в файле — это группа «%(code)s» "
                                     "колледжа.", written=code[:40], code=existing.code))
            return ("id", existing.id)
        if unresolved is not None:
            name = cells.text(values.get("specialty"))
            if name and unresolved.field == "specialty":
                entry = self.unresolved.setdefault(name_key(name), [name[:200], 0])
                entry[1] += 1
            raise unresolved
        if wanted is None:
            raise RuleViolation(
                _("Группы «%(code)s» нет в колледже. Чтобы создать её вместе с импортом, "
                  "укажите в файле её специальность (столбец «Код специальности» или "
                  "«Специальность»).", code=code[:40]), "group")
        new = self.new_groups.get(key)
        if new is not None:
            if new.specialty != wanted:
                raise RuleViolation(
                    _("Группа «%(code)s» в строке %(row)s указана с другой специальностью.",
                      code=new.code, row=new.first_row), self._specialty_field(values))
            new.rows += 1
            if wanted[0] == "new":
                self.new_specialties[wanted[1]].rows += 1
            return ("new", key)
        code = checks.text(tidy_code(code), "group", 30)
        year = cells.whole_number(values.get("intake_year"), "intake_year")
        if year is None:
            year = intake_year_of(code)
        if year is None:
            raise RuleViolation(
                _("Не удалось понять год набора новой группы «%(code)s»: добавьте столбец "
                  "«Год набора».", code=code), "intake_year")
        year = checks.whole_number(year, "intake_year", 1990, 2100)
        if wanted[0] == "new":
            self.new_specialties[wanted[1]].rows += 1
        self.new_groups[key] = _NewGroup(code, year, wanted, number, rows=1)
        return ("new", key)

    def options(self) -> list[tuple[int, str]]:
        """The college's specialties, for choosing one in the preview."""
        return [(s.id, f"{s.code} {local_name(s.name, s.name_kk)}") for s in self.specialties]

    def _specialty_field(self, values: dict[str, Any]) -> str:
        return "specialty_code" if cells.text(values.get("specialty_code")) else "specialty"

    def _specialty(self, values: dict[str, Any]
                   ) -> tuple[tuple[str, Any] | None, RuleViolation | None]:
        """The specialty the row names, and a refusal if it names one the college lacks."""
        code = _code_key(cells.text(values.get("specialty_code")))
        name = cells.text(values.get("specialty"))
        chosen = self.choices.get(name_key(name)) if name and not code else None
        if chosen and "id" in chosen:
            known = next((s for s in self.specialties if s.id == chosen["id"]), None)
            if known is not None:  # only the college's own specialties can be chosen
                return ("id", known.id), None
        elif chosen and chosen.get("code"):
            values = {**values, "specialty_code": chosen["code"],
                      "qualification": chosen.get("qualification", "")}
            code = _code_key(chosen["code"])
        if code:
            known = next((s for s in self.specialties if _code_key(s.code) == code), None)
            if known is not None:
                return ("id", known.id), None
            if code in self.new_specialties:
                return ("new", code), None
            try:
                spelled = checks.text(cells.text(values.get("specialty_code")), "specialty_code",
                                      20)
                if not name:
                    raise RuleViolation(_("Укажите название новой специальности «%(code)s».",
                                          code=spelled), "specialty")
                self.new_specialties[code] = _NewSpecialty(
                    spelled, checks.text(name, "specialty", 200),
                    checks.text(cells.text(values.get("qualification")), "qualification", 200,
                                required=False))
            except RuleViolation as refusal:
                return None, refusal
            return ("new", code), None
        if not name:
            return None, None
        wanted = name_key(name)
        matches = [s for s in self.specialties if _matches(s, wanted)]
        if len(matches) == 1:
            return ("id", matches[0].id), None
        if matches:
            return None, RuleViolation(
                _("Название «%(name)s» подходит к нескольким специальностям колледжа: "
                  "укажите код специальности.", name=name[:60]), "specialty")
        # The preview offers to choose or create it; the row only names it.
        return None, RuleViolation(
            _("Специальности «%(name)s» нет в колледже.", name=name[:60]), "specialty")

    def _label(self, ref: tuple[str, Any]) -> str:
        if ref[0] == "new":
            new = self.new_specialties[ref[1]]
            return f"{new.code} {new.name}"
        known = next(s for s in self.specialties if s.id == ref[1])
        return f"{known.code} {local_name(known.name, known.name_kk)}"

    # --- the preview and the write --------------------------------------------------------------

    def described(self) -> tuple[list[tuple[str, str, int]], list[tuple[str, str, int]]]:
        """(label, detail, rows) of the specialties and groups to create, for the preview."""
        specialties = [(f"{s.code} {s.name}", s.qualification, s.rows)
                       for s in self.new_specialties.values() if s.rows]
        groups = [(g.code, _("набор %(year)s, %(specialty)s", year=g.intake_year,
                             specialty=self._label(g.specialty)), g.rows)
                  for g in self.new_groups.values()]
        return specialties, groups

    def write(self, db, actor: User) -> dict[str, int]:
        """Create the new specialties and groups; the group key → id of every new group."""
        used = [s for s in self.new_specialties.values() if s.rows]
        ids = bulk.insert_returning_ids(Specialty, [
            {"college_id": self.college_id, "code": s.code, "name": s.name,
             "qualification": s.qualification} for s in used], "code")
        events: list[tuple[str, str, int, dict]] = []
        for specialty, new_id in zip(used, ids, strict=True):
            specialty.id = new_id
            events.append(("created", "specialties", new_id, {
                "code": [None, specialty.code], "name": [None, specialty.name],
                "qualification": [None, specialty.qualification or None]}))
        groups = list(self.new_groups.items())
        rows = []
        for _key, group in groups:
            kind, value = group.specialty
            specialty_id = value if kind == "id" else self.new_specialties[value].id
            rows.append({"college_id": self.college_id, "code": group.code,
                         "intake_year": group.intake_year, "specialty_id": specialty_id})
        ids = bulk.insert_returning_ids(Group, rows, "code")
        created: dict[str, int] = {}
        for (key, group), row, new_id in zip(groups, rows, ids, strict=True):
            group.id = created[key] = new_id
            events.append(("created", "groups", new_id, {
                "code": [None, group.code], "intake_year": [None, group.intake_year],
                "specialty_id": [None, row["specialty_id"]]}))
        bulk.record_events(actor, events)
        return created


def _matches(specialty: Any, wanted: str) -> bool:
    """A name the office wrote for a specialty: its name (shortened or not), code or trade."""
    name = name_key(specialty.name)
    return (wanted in (name, name_key(specialty.qualification), name_key(specialty.code))
            or name.startswith(wanted + " ") or wanted.startswith(name + " "))
