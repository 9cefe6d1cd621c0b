"""CSV and XLSX exports that open cleanly in a spreadsheet of the reader's locale.

CSV carries no types, so every text that a spreadsheet would run as a formula is prefixed with an
apostrophe, and numbers follow the reader's locale: `;` between fields and a decimal comma for
Russian and Kazakh (what Excel expects there), `,` and a decimal point for English; always with a
UTF-8 BOM so Excel reads Cyrillic. XLSX cells are typed — text stays text (a phone number
`+7 …` is not a formula in a typed cell), numbers are numbers, dates are dates — and only text that
openpyxl would store as a formula (it starts with `=`) is forced to a quote-prefixed text cell.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import Response, abort
from flask_babel import get_locale
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_TITLE_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))
MIN_WIDTH, MAX_WIDTH = 8, 60


@dataclass(frozen=True)
class CsvDialect:
    delimiter: str
    decimal: str


CSV_DIALECTS = {"en": CsvDialect(",", ".")}
LOCAL_CSV = CsvDialect(";", ",")  # ru, kk: the separators of a Russian-locale Excel


def csv_dialect(locale: str | None = None) -> CsvDialect:
    """The separators a spreadsheet of this locale (default: the reader's) expects."""
    language = locale or str(get_locale() or "ru")
    return CSV_DIALECTS.get(language.split("_")[0], LOCAL_CSV)


def neutralise(value: Any) -> Any:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _plain(value: Any) -> Any:
    """A cell value as a spreadsheet types it: None, number, date or text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, int | float | date | datetime):
        return value
    return str(value)


def _csv_cell(value: Any, dialect: CsvDialect) -> str:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value).replace(".", dialect.decimal)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(value)


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Response:
    """A UTF-8 CSV (with BOM) in the reader's locale's separators, as a download."""
    dialect = csv_dialect()
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=dialect.delimiter)
    writer.writerow([_csv_cell(h, dialect) for h in header])
    for row in rows:
        writer.writerow([_csv_cell(v, dialect) for v in row])
    body = buffer.getvalue().encode("utf-8")
    return _download(body, f"{filename}.csv", "text/csv; charset=utf-8")


def sheet_title(title: str) -> str:
    """A worksheet name Excel accepts: no []:*?/\\, at most 31 characters, never empty."""
    cleaned = " ".join(str(title).translate(SHEET_TITLE_FORBIDDEN).split()).strip("'")
    return cleaned[:31] or "Sheet"


def _width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    return max((len(line) for line in str(value).splitlines()), default=0)


def _date_format() -> str:
    return "yyyy-mm-dd" if csv_dialect() is not LOCAL_CSV else "dd.mm.yyyy"


def xlsx_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]], title: str | None = None
) -> Response:
    """An XLSX workbook with one sheet (named in the reader's language) as a download."""
    body = [[_plain(v) for v in row] for row in rows]
    head = [str(h) for h in header]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title(title or filename))
    for index in range(len(head)):
        widest = max([_width(head[index])] + [_width(r[index]) for r in body if index < len(r)])
        width = min(max(widest + 2, MIN_WIDTH), MAX_WIDTH)
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for text in head:
        cell = _xlsx_cell(sheet, text)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    date_format = _date_format()
    for row in body:
        sheet.append([_xlsx_cell(sheet, v, date_format) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _download(buffer.getvalue(), f"{filename}.xlsx", XLSX_MIMETYPE)


def _xlsx_cell(sheet, value: Any, date_format: str = "dd.mm.yyyy") -> Cell:
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and cell.data_type == "f":
        # Text that openpyxl would write as a formula stays text, shown as typed.
        cell.data_type = "s"
        cell.quotePrefix = True
    elif isinstance(value, datetime):
        cell.number_format = date_format + " hh:mm"
    elif isinstance(value, date):
        cell.number_format = date_format
    return cell


def spreadsheet_response(
    fmt: str,
    filename: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    title: str | None = None,
) -> Response:
    """A CSV or XLSX download of the rows, by the format a URL asked for; others are not found."""
    if fmt == "csv":
        return csv_response(filename, header, rows)
    if fmt == "xlsx":
        return xlsx_response(filename, header, rows, title)
    abort(404)


def _download(body: bytes, filename: str, mimetype: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
