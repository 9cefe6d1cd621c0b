"""Importing the rows of a file: every problem reported by row and column, all or nothing.

Every kind is checked in bulk: what the file refers to is loaded in one query per kind of record,
every row is checked in Python by the same rules the forms use, and only a confirmed import
writes, in batches, inside the current transaction; the caller commits only when there are no
problems and rolls back otherwise. A preview writes nothing at all.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.imports.columns import KINDS, match_header
from app.imports.reading import Table
from app.models import User
from app.rules import RuleViolation


@dataclass(frozen=True)
class Problem:
    """What is wrong, where: the file's row number and the column as its header names it."""

    row: int | None
    column: str | None
    message: str
    short: str = ""  # a note's few words, for the badge on its row


@dataclass(frozen=True)
class NewRecord:
    """A group or specialty the import will create, as the preview lists it."""

    label: str
    detail: str
    rows: int  # how many rows of the file need it


@dataclass
class Outcome:
    kind: str
    total: int
    created: int = 0
    updated: int = 0
    problems: list[Problem] = field(default_factory=list)
    # Not errors: what the import did differently from what the row asked (shown in the preview).
    notes: list[Problem] = field(default_factory=list)
    new_specialties: list[NewRecord] = field(default_factory=list)
    new_groups: list[NewRecord] = field(default_factory=list)
    # Specialty names the college does not know, for the coordinator to choose: (key, name, rows).
    unknown_specialties: list[tuple[str, str, int]] = field(default_factory=list)
    specialty_options: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def refuse(self, row: int | None, column: str | None, message: str) -> None:
        self.problems.append(Problem(row, column, message))

    def note(self, row: int | None, message: str, short: str = "") -> None:
        self.notes.append(Problem(row, None, message, short))

    def notes_by_row(self) -> dict[int | None, list[str]]:
        """The badges of each row with a note."""
        found: dict[int | None, list[str]] = {}
        for note in self.notes:
            if note.row is not None:
                found.setdefault(note.row, []).append(note.short or note.message)
        return found


def run_import(actor: User, college_id: int, table: Table, *, today: date,
               write: bool, choices: dict | None = None) -> Outcome:
    """Check every row of the table for the coordinator's college; with `write`, save them.

    `choices` are the specialties the coordinator picked in the preview for names in the file
    the college does not know (see `app.imports.groups`).
    """
    from app.imports.enterprises import import_enterprises
    from app.imports.placements import import_placements
    from app.imports.students import import_students

    outcome = Outcome(kind=table.kind, total=len(table.rows))
    if table.kind == "students":
        import_students(actor, college_id, table, outcome, today=today, write=write,
                        choices=choices)
    elif table.kind == "enterprises":
        import_enterprises(actor, college_id, table, outcome, write=write)
    else:
        import_placements(actor, college_id, table, outcome, write=write)
    return outcome


def repeated_row(outcome: Outcome, seen: dict[Any, int], key: Any, number: int) -> bool:
    """Whether the row repeats an earlier one by its key (reported as a problem)."""
    if not key:
        return False
    if key in seen:
        outcome.refuse(number, None, _("Строка повторяет строку %(row)s.", row=seen[key]))
        return True
    seen[key] = number
    return False


def refused(outcome: Outcome, table: Table, number: int, refusal: RuleViolation,
            columns: dict[str, str] | None = None) -> None:
    """Report a rule's refusal on the row, under the column the field comes from."""
    column = (columns or {}).get(refusal.field or "", refusal.field)
    outcome.refuse(number, table.title_of(column) if column else None, refusal.message)


def example_rows(kind: str) -> list[list[str]]:
    """A tiny example of a correct file, for the upload page: its header row in the reader's
    language (every language's titles are accepted), its data as an office would type it —
    the made-up names and words in the reader's language too."""
    header, *rows = _EXAMPLES[kind]
    columns = KINDS[kind]
    by_key = {column.key: column for column in columns}
    found = match_header(columns, header)
    titles = {position: str(by_key[key].title) for key, position in found.items()}
    return [[titles.get(position, cell) for position, cell in enumerate(header)],
            *([str(cell) for cell in row] for row in rows)]


_EXAMPLES: dict[str, list[list[Any]]] = {
        "students": [["ФИО", "ИИН", "Группа", "Код специальности", "Специальность", "Телефон",
                      "Родитель", "Телефон родителя"],
                     [_l("Ким Данияр Нурланович"), "070310590889", _l("ЭС-23-1"), "07130200",
                      # One word: a classifier name in full is demo data too.
                      _l("Электроснабжение"), "+7 708 897 34 34",
                      _l("Ким Нурлан Ахметович"), "+7 705 111 22 33"]],
        "enterprises": [["Наименование", "БИН", "Город", "Отрасль", "Мест в год"],
                        [_l("ТОО «Риддер Строй»"), "160750983883", _l("Риддер"),
                         _l("Строительство"), "8"]],
        "placements": [["ИИН студента", "БИН предприятия", "E-mail наставника", "Начало",
                        "Окончание", "Часы"],
                       ["070310590889", "160750983883", "master@ridder-stroy.kz",
                        f"{date(2026, 9, 1):%d.%m.%Y}", f"{date(2026, 12, 25):%d.%m.%Y}", "480"]],
}
