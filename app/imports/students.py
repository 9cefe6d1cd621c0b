"""Students from a file, in bulk: by IIN, created or updated, with the groups they need.

The same rules as the student form (`app.people.services`): a valid IIN whose birth date is the
one written, a unique IIN in the region, a free e-mail address, a group of the college. One rule
differs on purpose: a minor without a guardian's name and phone is imported all the same — an
office list rarely has them — and the row says that the student's placement cannot be put into
force until the guardian is filled in (`app.placements.services.activate_placement` refuses).
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from app import input_checks as checks
from app.domain.identifiers import birth_date_from_iin, mask_iin
from app.domain.working_time import is_minor
from app.extensions import db
from app.imports import bulk, cells
from app.imports.groups import GroupPlan
from app.imports.reading import Table
from app.imports.services import NewRecord, Outcome, refused, repeated_row
from app.models import Role, StudentProfile, User
from app.people.emails import is_placeholder, placeholder_email
from app.people.services import checked_iin, duplicate_email_message, iin_taken_message
from app.rules import RuleViolation

USER_FIELDS = ("full_name", "phone", "email")
PROFILE_FIELDS = ("birth_date", "group_id", "guardian_name", "guardian_phone")


@dataclass
class _Row:
    number: int
    fields: dict[str, Any]  # the values to store (group as a plan reference)
    existing: Any  # the stored student's row, or None for a new student


def guardian_missing_message() -> str:
    return _("Студент несовершеннолетний, а родитель или его телефон не указан: студент будет "
             "записан, но договор нельзя будет ввести в действие, пока вы не укажете родителя "
             "и его телефон в карточке студента.")


def import_students(actor: User, college_id: int, table: Table, outcome: Outcome, *,
                    today: date, write: bool, choices: dict | None = None) -> None:
    """Check every row (four queries whatever the file's length); with `write`, save them."""
    groups = GroupPlan.load(db, college_id, choices)
    iins = {cells.identifier(v.get("iin")) for _, v in table.rows} - {""}
    stored = {row.iin: row for row in db.session.execute(
        select(User.id, User.college_id, User.full_name, User.phone, User.email,
               StudentProfile.iin, StudentProfile.birth_date, StudentProfile.group_id,
               StudentProfile.guardian_name, StudentProfile.guardian_phone)
        .join(StudentProfile, StudentProfile.user_id == User.id)
        .where(StudentProfile.iin.in_(iins)))}
    emails = {cells.text(v.get("email")).lower() for _, v in table.rows} - {""}
    owners = dict(db.session.execute(
        select(User.email, User.id).where(User.email.in_(emails))).all())
    rows: list[_Row] = []
    seen: dict[Any, int] = {}
    seen_emails: dict[str, int] = {}
    for number, values in table.rows:
        if repeated_row(outcome, seen, cells.identifier(values.get("iin")) or None, number):
            continue
        try:
            row = _checked(values, number, groups, stored, owners, seen_emails, college_id)
        except RuleViolation as refusal:
            refused(outcome, table, number, refusal, {"group_id": "group"})
            continue
        fields = row.fields
        if is_minor(fields["birth_date"], today) and not (
                fields["guardian_name"] and fields["guardian_phone"]):
            outcome.note(number, guardian_missing_message(), _("нет данных родителя"))
        rows.append(row)
    specialties, new_groups = groups.described()
    outcome.new_specialties = [NewRecord(*item) for item in specialties]
    outcome.new_groups = [NewRecord(*item) for item in new_groups]
    outcome.unknown_specialties = [(key, name, rows)
                                   for key, (name, rows) in groups.unresolved.items()]
    outcome.specialty_options = groups.options()
    for spelling in sorted(groups.spellings):
        outcome.note(None, spelling)
    outcome.created = sum(1 for row in rows if row.existing is None)
    outcome.updated = len(rows) - outcome.created
    if write and outcome.ok:
        _write(actor, college_id, rows, groups.write(db, actor))


def _checked(values: dict[str, Any], number: int, groups: GroupPlan, stored: dict,
             owners: dict[str, int], seen_emails: dict[str, int], college_id: int) -> _Row:
    """The row's values as they will be stored; RuleViolation at the first problem."""
    full_name = checks.text(cells.text(values.get("full_name")), "full_name", 200)
    iin = checked_iin(cells.identifier(values.get("iin")))
    born = birth_date_from_iin(iin)
    written = cells.day(values.get("birth_date"), "birth_date")
    if written and born and written != born:
        raise RuleViolation(_("Дата рождения не совпадает с ИИН: по ИИН — %(day)s.",
                              day=born.strftime("%d.%m.%Y")), "birth_date")
    existing = stored.get(iin)
    if existing is not None and existing.college_id != college_id:
        raise RuleViolation(iin_taken_message(), "iin")
    email = checks.email(cells.text(values.get("email")))
    if email:
        owner = owners.get(email)
        if owner is not None and owner != (existing.id if existing is not None else None):
            raise RuleViolation(duplicate_email_message(), "email")
        if email in seen_emails:
            raise RuleViolation(_("Этот адрес электронной почты уже указан в строке %(row)s.",
                                  row=seen_emails[email]), "email")
        seen_emails[email] = number
    phone = checks.phone(cells.text(values.get("phone")))
    guardian_name = checks.text(cells.text(values.get("guardian_name")), "guardian_name", 200,
                                required=False)
    guardian_phone = checks.phone(cells.text(values.get("guardian_phone")), "guardian_phone")
    group = groups.resolve(values, number)
    if existing is not None:
        # A blank cell keeps what the college already has on record.
        email = email or existing.email
        phone = phone or existing.phone
        guardian_name = guardian_name or existing.guardian_name
        guardian_phone = guardian_phone or existing.guardian_phone
    return _Row(number, {
        "full_name": full_name, "iin": iin, "email": email, "phone": phone,
        "birth_date": born, "group": group, "guardian_name": guardian_name,
        "guardian_phone": guardian_phone,
    }, existing)


def _write(actor: User, college_id: int, rows: list[_Row], new_groups: dict[str, int]) -> None:
    """Insert the new students and update the changed ones, with their audit events."""
    for row in rows:
        kind, value = row.fields.pop("group")
        row.fields["group_id"] = value if kind == "id" else new_groups[value]
    new = [row for row in rows if row.existing is None]
    for row in new:
        row.fields["email"] = row.fields["email"] or placeholder_email()
    ids = bulk.insert_returning_ids(User, [
        {"role": Role.STUDENT, "college_id": college_id, "password_hash": None,  # nosec B105
         "active": True, "session_version": 1, **{k: row.fields[k] for k in USER_FIELDS}}
        for row in new], "email")
    bulk.insert_rows(StudentProfile, [
        {"user_id": user_id, "iin": row.fields["iin"],
         **{k: row.fields[k] for k in PROFILE_FIELDS}}
        for row, user_id in zip(new, ids, strict=True)])
    events = [("student_created", "users", user_id, _audited({}, row.fields, college_id))
              for row, user_id in zip(new, ids, strict=True)]
    users, profiles = [], []
    for row in rows:
        if row.existing is None:
            continue
        before = row.existing._asdict()
        changes = _audited(before, row.fields)
        if not changes:
            continue
        users.append({"id": row.existing.id, **{k: row.fields[k] for k in USER_FIELDS}})
        profiles.append({"user_id": row.existing.id,
                         **{k: row.fields[k] for k in PROFILE_FIELDS}})
        events.append(("student_updated", "users", row.existing.id, changes))
    bulk.update_rows(User, users)
    bulk.update_rows(StudentProfile, profiles)
    bulk.record_events(actor, events)


def _audited(before: dict[str, Any], after: dict[str, Any],
             college_id: int | None = None) -> dict[str, list[Any]]:
    """The before/after of changed fields as the student service audits them."""
    changes: dict[str, list[Any]] = {}
    if college_id is not None:
        changes["role"] = [None, Role.STUDENT.value]
        changes["college_id"] = [None, college_id]
    for key in ("full_name", "phone", "email", "iin", "birth_date", "group_id",
                "guardian_name", "guardian_phone"):
        old, new = before.get(key), after[key]
        if old == new:
            continue
        if key == "iin":
            old, new = (mask_iin(v) if v else v for v in (old, new))
        if key == "email":
            old, new = (None if v is None or is_placeholder(v) else v for v in (old, new))
            if old == new:
                continue
        if key == "birth_date":
            old, new = (v.isoformat() if v else v for v in (old, new))
        changes[key] = [old, new]
    return changes
