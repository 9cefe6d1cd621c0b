"""Enterprises from a file, in bulk: found or created by BIN, and made partners of the college.

The rules of `app.organisations.services.save_enterprise`: a valid BIN; an enterprise already in
the region is linked, and its details are changed only while no employer of it has signed in
(its HR keeps the record then; the row says so).
"""

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import exists, select

from app import input_checks as checks
from app.extensions import db
from app.imports import bulk, cells
from app.imports.reading import Table
from app.imports.services import Outcome, refused, repeated_row
from app.models import College, Enterprise, Partnership, Role, User
from app.organisations.services import _enterprise_fields
from app.rules import RuleViolation

FIELDS = ("name", "name_kk", "city", "industry", "intake_capacity", "contact_name",
          "contact_phone", "contact_email")


def kept_record_message() -> str:
    return _("Предприятие с этим БИН уже есть в системе и добавлено в партнёры; его данные "
             "ведёт представитель предприятия, поэтому запись оставлена без изменений.")


def import_enterprises(actor: User, college_id: int, table: Table, outcome: Outcome, *,
                       write: bool) -> None:
    """Check every row (one query whatever the file's length); with `write`, save them."""
    bins = {cells.identifier(v.get("bin")) for _, v in table.rows} - {""}
    partner = exists().where(Partnership.college_id == college_id,
                             Partnership.enterprise_id == Enterprise.id)
    employer = exists().where(User.enterprise_id == Enterprise.id, User.role == Role.EMPLOYER,
                              User.password_hash.is_not(None))
    stored = {row.bin: row for row in db.session.execute(
        select(Enterprise.id, Enterprise.bin, *(getattr(Enterprise, f) for f in FIELDS),
               partner.label("partner"), employer.label("has_employer"))
        .where(Enterprise.bin.in_(bins)))}
    rows: list[tuple[str, dict[str, Any], Any]] = []
    seen: dict[Any, int] = {}
    for number, values in table.rows:
        if repeated_row(outcome, seen, cells.identifier(values.get("bin")) or None, number):
            continue
        try:
            capacity = cells.whole_number(values.get("intake_capacity"), "intake_capacity")
            bin_ = checks.bin_number(cells.identifier(values.get("bin")))
            fields = _enterprise_fields(
                cells.text(values.get("name")), cells.text(values.get("city")),
                cells.text(values.get("industry")), capacity or 0,
                cells.text(values.get("contact_name")), cells.text(values.get("contact_phone")),
                cells.text(values.get("contact_email")),
                # an empty or missing Kazakh name keeps the one the enterprise has
                cells.text(values.get("name_kk")) or None)
        except RuleViolation as refusal:
            refused(outcome, table, number, refusal)
            continue
        existing = stored.get(bin_)
        if existing is not None and existing.has_employer:
            outcome.note(number, kept_record_message())
        rows.append((bin_, fields, existing))
    outcome.created = sum(1 for _b, _f, existing in rows if existing is None)
    outcome.updated = len(rows) - outcome.created
    if write and outcome.ok:
        _write(actor, college_id, rows)


def _write(actor: User, college_id: int, rows: list[tuple[str, dict[str, Any], Any]]) -> None:
    new = [(bin_, fields) for bin_, fields, existing in rows if existing is None]
    ids = bulk.insert_returning_ids(Enterprise, [{"bin": b, "name_kk": "", **f} for b, f in new],
                                    "bin")
    events = [("created", "enterprises", new_id,
               {"bin": [None, b], **{k: [None, v] for k, v in f.items() if v not in ("", 0)}})
              for (b, f), new_id in zip(new, ids, strict=True)]
    linked = list(ids) + [e.id for _b, _f, e in rows if e is not None and not e.partner]
    if linked:
        college = db.session.scalar(select(College.name).where(College.id == college_id))
        bulk.insert_rows(Partnership, [{"college_id": college_id, "enterprise_id": e}
                                       for e in linked])
        events += [("partner_linked", "enterprises", e, {"college": [None, college]})
                   for e in linked]
    updates = []
    for _b, fields, existing in rows:
        if existing is None or existing.has_employer:
            continue
        changes = {k: [getattr(existing, k), v] for k, v in fields.items()
                   if getattr(existing, k) != v}
        if changes:
            updates.append({"id": existing.id, "name_kk": existing.name_kk, **fields})
            events.append(("updated", "enterprises", existing.id, changes))
    bulk.update_rows(Enterprise, updates)
    bulk.record_events(actor, events)
