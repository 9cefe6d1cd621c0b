"""Reading an uploaded file into rows: CSV in any office encoding and separator, or XLSX.

Everything that makes the whole file unusable is an ImportRefused with a message for people;
problems of single cells are left to the checks, which name the row and the column.
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _

from app.imports.columns import KINDS, Column, match_header

MAX_ROWS = 5000
MAX_COLUMNS = 60
HEADER_SEARCH_ROWS = 10  # offices put a title or a blank line above the table
MAX_UNZIPPED_BYTES = 60 * 1024 * 1024
TEXT_EXTENSIONS = {"csv", "txt"}


class ImportRefused(Exception):
    """The file as a whole cannot be imported; the message says why, for people."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Table:
    """The rows of an import file under the columns it was recognised to have."""

    kind: str
    headers: dict[str, str]  # column key -> the header as written in the file
    rows: list[tuple[int, dict[str, Any]]]  # (row number in the file, values by column key)
    ignored: list[str] = field(default_factory=list)  # headers of columns not used

    def title_of(self, key: str) -> str:
        """The column's header as the user wrote it, else its usual name."""
        if key in self.headers:
            return self.headers[key]
        column = next((c for c in KINDS[self.kind] if c.key == key), None)
        return str(column.title) if column else key


def read_upload(kind: str, filename: str, data: bytes) -> Table:
    """Parse an uploaded CSV or XLSX into a Table of the given kind, or refuse the file."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if not data.removeprefix(b"\xef\xbb\xbf").strip() or data in (b"\xff\xfe", b"\xfe\xff"):
        raise ImportRefused(_("Файл пустой."))
    if extension == "xls":
        raise ImportRefused(
            _("Старый формат Excel (.xls) не поддерживается: сохраните файл как .xlsx или CSV.")
        )
    if extension == "xlsx":
        grids = _xlsx_grids(data)
    elif extension in TEXT_EXTENSIONS:
        grids = [_csv_grid(data)]
    else:
        raise ImportRefused(_("Можно загрузить только таблицу CSV или XLSX."))
    return _table(kind, grids)


# --- CSV ---------------------------------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1251; refuse binary junk."""
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF", b"\x89PNG", b"\xff\xd8")):
        raise ImportRefused(_("Это не текстовая таблица CSV. Если это книга Excel, "
                              "сохраните её как .xlsx и загрузите снова."))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ImportRefused(_("Не удалось прочитать файл: неизвестная кодировка.")) from None
    if b"\x00" in data:
        raise ImportRefused(_("Это не текстовая таблица CSV: файл содержит двоичные данные."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1251", errors="replace")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n")
    if controls > max(3, len(text) // 200) or text.count("\ufffd") > max(3, len(text) // 200):
        raise ImportRefused(_("Это не текстовая таблица CSV: файл содержит двоичные данные."))
    return text


def sniff_separator(text: str) -> str:
    """The separator of the first non-empty line: semicolon, comma or tab, whichever it uses."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: first.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ";"


def _csv_grid(data: bytes) -> list[list[Any]]:
    text = decode_text(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_separator(text))
    grid = []
    try:
        for line in reader:
            grid.append(line[:MAX_COLUMNS])
            if len(grid) > MAX_ROWS + HEADER_SEARCH_ROWS:
                break
    except csv.Error:
        raise ImportRefused(_("Файл CSV повреждён: не удалось разобрать строки.")) from None
    return grid


# --- XLSX --------------------------------------------------------------------------------------


def _xlsx_grids(data: bytes) -> list[list[list[Any]]]:
    """Every sheet's rows (the one with the right header is picked later)."""
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise ImportRefused(_("Файл не похож на книгу Excel (.xlsx): он повреждён или "
                              "в другом формате.")) from None
    if unzipped > MAX_UNZIPPED_BYTES:
        raise ImportRefused(_("Книга Excel слишком велика для загрузки за один раз."))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on broken books
        raise ImportRefused(_("Файл не похож на книгу Excel (.xlsx): он повреждён или "
                              "в другом формате.")) from None
    grids = []
    try:
        for sheet in workbook.worksheets:
            grid = []
            for row in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
                grid.append(list(row))
                if len(grid) > MAX_ROWS + HEADER_SEARCH_ROWS:
                    break
            grids.append(grid)
    except Exception:
        raise ImportRefused(_("Книгу Excel не удалось прочитать: она повреждена.")) from None
    finally:
        workbook.close()
    return grids


# --- the table -------------------------------------------------------------------------------


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _table(kind: str, grids: list[list[list[Any]]]) -> Table:
    columns = KINDS[kind]
    required = [c for c in columns if c.required]
    best: tuple[int, int, dict[str, int], list[list[Any]]] | None = None
    for grid in grids:
        for index, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
            found = match_header(columns, row)
            if found and (best is None or len(found) > len(best[2])):
                best = (index, len(found), found, grid)
            if all(c.key in found for c in required):
                break
    if best is None:
        raise ImportRefused(
            _("Не найдена строка заголовков. Первая строка таблицы должна называть столбцы: "
              "%(names)s.", names=_names(required))
        )
    header_index, _count, found, grid = best
    missing = [c for c in required if c.key not in found]
    if missing:
        raise ImportRefused(
            _("В файле нет обязательных столбцов: %(names)s.", names=_names(missing))
        )
    header = grid[header_index]
    used = set(found.values())
    ignored = [str(cell).strip() for i, cell in enumerate(header)
               if i not in used and not _blank(cell)]
    rows = []
    for offset, cells in enumerate(grid[header_index + 1:], start=header_index + 2):
        values = {key: _cell(cells, pos) for key, pos in found.items()}
        if all(_blank(v) for v in values.values()):
            continue
        rows.append((offset, values))
    if not rows:
        raise ImportRefused(_("В файле нет строк с данными — только заголовок."))
    if len(rows) > MAX_ROWS:
        raise ImportRefused(_("Слишком много строк: не больше %(n)s за один раз.", n=MAX_ROWS))
    headers = {key: str(header[pos]).replace("\ufeff", "").strip() for key, pos in found.items()}
    return Table(kind=kind, headers=headers, rows=rows, ignored=ignored)


def _cell(cells: list[Any], position: int) -> Any:
    value = cells[position] if position < len(cells) else None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, date | int | float) or value is None:
        return value
    return str(value)


def english_name(column: Column) -> str:
    """The column's English header, for files made by partners abroad."""
    return next((alias for alias in column.aliases if alias.isascii()), "")


def _names(columns: list[Column]) -> str:
    return ", ".join(f"«{c.title}» / «{english_name(c)}»" for c in columns)
