"""An organisation's name in the reader's language: the one way pages and documents read it.

Colleges, enterprises, specialties, departments and competencies have a Russian name and an
optional Kazakh one. A Kazakh reader sees the Kazakh name when there is one, everybody else the
Russian (there is no English name). A legal form at the head of the name prints in the reader's
language (ТОО ↔ ЖШС ↔ LLP) when it is shown; the stored name is never rewritten.
"""

import re

from flask_babel import get_locale

# One row per legal form: its abbreviation in Russian, Kazakh and English. An empty English
# abbreviation keeps the Russian one (no settled English short form).
LEGAL_FORMS: tuple[dict[str, str], ...] = (
    {"ru": "ТОО", "kk": "ЖШС", "en": "LLP"},  # товарищество с ограниченной ответственностью
    {"ru": "АО", "kk": "АҚ", "en": "JSC"},  # акционерное общество
    {"ru": "ИП", "kk": "ЖК", "en": "IE"},  # индивидуальный предприниматель
    {"ru": "ГКП на ПХВ", "kk": "ШЖҚ МКК", "en": ""},  # на праве хозяйственного ведения
    {"ru": "КГКП", "kk": "КМҚК", "en": ""},  # коммунальное государственное казённое
)
# Longest abbreviation first, so that "ГКП на ПХВ" is not read as something shorter.
_SPELLINGS = sorted(
    ((spelling, form) for form in LEGAL_FORMS for spelling in form.values() if spelling),
    key=lambda pair: -len(pair[0]),
)
_HEAD = re.compile(
    "^(" + "|".join(re.escape(spelling) for spelling, _form in _SPELLINGS) + r")(?=[\s«\"“])")
_FORM_OF = dict(_SPELLINGS)


def reader_locale() -> str:
    """The language pages and documents are being rendered in (a document forces its own)."""
    return str(get_locale() or "ru")


def legal_form_in(name: str, locale: str) -> str:
    """The name with the legal form at its head spelled in `locale` (as it is, if none)."""
    match = _HEAD.match(name or "")
    if match is None:
        return name or ""
    form = _FORM_OF[match.group(1)]
    return (form.get(locale) or form["ru"]) + name[match.end():]


def local_name(name: str | None, name_kk: str | None = "", locale: str | None = None) -> str:
    """The name a reader in `locale` (the current one by default) sees."""
    locale = locale or reader_locale()
    chosen = name_kk if locale == "kk" and name_kk else name
    return legal_form_in(chosen or "", locale)


class NamedInTwoLanguages:
    """A model with `name` and an optional `name_kk`: `local_name` is the one to show."""

    @property
    def local_name(self) -> str:
        return local_name(self.name, self.name_kk)  # type: ignore[attr-defined]


def content_names(key: str, name: str, name_kk: str = "", code: str = "") -> dict[str, str]:
    """A name as a document's language-neutral content (or a notification's stored parameters)
    holds it: `key`, and `key_kk` only when there is a Kazakh name (so that content without one,
    and its hash, stay as they were); a code (a specialty's) goes in front of both. The
    template shows it with `local_name(c.key, c.key_kk)`, a notification with `stored_name`."""
    def coded(text: str) -> str:
        return f"{code} {text}" if code else text

    return {key: coded(name), f"{key}_kk": coded(name_kk)} if name_kk else {key: coded(name)}


def stored_name(params: dict, key: str) -> str:
    """A name kept in stored parameters by `content_names` (a notification's), as the current
    reader sees it."""
    return local_name(params.get(key) or "", params.get(f"{key}_kk") or "")
