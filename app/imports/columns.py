"""The columns each kind of import reads, with the header spellings offices actually use."""

import re
from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Column:
    """One column of an import file: its key, its name for people, and how headers spell it."""

    key: str
    title: object  # a lazy translated string
    aliases: tuple[str, ...]
    kind: str = "text"  # text, iin, bin, date, int, email
    required: bool = False


def normalise_header(text: object) -> str:
    """Lower-case, ё→е, no BOM, asterisks, brackets' spacing or trailing dots and colons."""
    value = str(text or "").replace("\ufeff", "").replace("ё", "е").replace("Ё", "Е")
    value = value.lower().replace("*", " ").replace("_", " ")
    value = re.sub(r"\s+", " ", value).strip(" .:")
    return value


STUDENT_COLUMNS = (
    Column("full_name", _l("ФИО"), ("фио", "ф.и.о", "ф. и. о", "фамилия имя отчество",
                                    "фамилия, имя, отчество", "студент", "обучающийся",
                                    "full name", "name", "student", "аты-жөні"), required=True),
    Column("iin", _l("ИИН"), ("иин", "иин студента", "iin", "жсн"), kind="iin", required=True),
    Column("group", _l("Группа"), ("группа", "группа (код)", "код группы", "group",
                                   "group code", "топ", "топ коды", "оқу тобы"), required=True),
    Column("birth_date", _l("Дата рождения"), ("дата рождения", "д.р", "дата рожд",
                                               "birth date", "date of birth", "birthday",
                                               "туған күні"), kind="date"),
    Column("phone", _l("Телефон"), ("телефон", "тел", "мобильный телефон", "phone",
                                    "mobile", "телефон студента")),
    Column("email", _l("Электронная почта"), ("e-mail", "email", "эл. почта", "эл.почта",
                                              "электронная почта", "почта", "e-mail студента"),
           kind="email"),
    Column("guardian_name", _l("Родитель / законный представитель"),
           ("родитель", "родитель / законный представитель", "родитель/законный представитель",
            "законный представитель", "фио родителя", "родитель (фио)",
            "фио законного представителя", "фио родителя (законного представителя)",
            "ата-анасы", "ата-ана", "заңды өкілі", "ата-анасының аты-жөні",
            "заңды өкілінің аты-жөні", "guardian", "parent", "guardian name", "parent name",
            "parent/guardian", "parent / guardian", "legal representative")),
    Column("guardian_phone", _l("Телефон родителя"),
           ("телефон родителя", "телефон представителя", "телефон законного представителя",
            "тел. родителя", "тел родителя", "контакт родителя", "ата-анасының телефоны",
            "заңды өкілінің телефоны", "ата-ана телефоны", "guardian phone", "parent phone",
            "guardian's phone", "parent's phone", "guardian telephone")),
    # The group carries the specialty; for a group the college does not have yet, the
    # specialty (by classifier code, or by a name the college already uses) says where it goes.
    Column("specialty", _l("Специальность"), ("специальность", "название специальности",
                                              "specialty", "speciality", "specialty name",
                                              "мамандық", "мамандық атауы")),
    Column("specialty_code", _l("Код специальности"),
           ("код специальности", "шифр специальности", "шифр", "код", "specialty code",
            "speciality code", "мамандық коды", "мамандықтың коды")),
    Column("qualification", _l("Квалификация"), ("квалификация", "qualification",
                                                 "біліктілік")),
    Column("intake_year", _l("Год набора"), ("год набора", "год поступления", "набор",
                                             "intake year", "year of intake", "intake",
                                             "қабылдау жылы", "түскен жылы"), kind="int"),
)

ENTERPRISE_COLUMNS = (
    Column("name", _l("Наименование"), ("наименование", "название", "предприятие",
                                        "организация", "name", "enterprise", "company",
                                        "кәсіпорын"), required=True),
    Column("name_kk", _l("Наименование на казахском"),
           ("наименование на казахском", "название на казахском", "наименование (каз)",
            "название (каз)", "наименование на казахском языке", "қазақша атауы",
            "kazakh name", "name kk", "name (kazakh)")),
    Column("bin", _l("БИН"), ("бин", "bin", "бсн", "бин предприятия"), kind="bin",
           required=True),
    Column("city", _l("Город"), ("город", "населенный пункт", "city", "town", "қала"),
           required=True),
    Column("industry", _l("Отрасль"), ("отрасль", "сфера", "вид деятельности", "industry",
                                       "sector")),
    Column("intake_capacity", _l("Мест в год"), ("мест в год", "места в год", "квота",
                                                 "количество мест", "мест", "capacity",
                                                 "intake capacity", "places per year",
                                                 "yearly intake"), kind="int"),
    Column("contact_name", _l("Контактное лицо"), ("контактное лицо", "контакт",
                                                   "contact", "contact name", "contact person")),
    Column("contact_phone", _l("Телефон"), ("телефон", "контактный телефон", "phone",
                                            "contact phone")),
    Column("contact_email", _l("Электронная почта"), ("e-mail", "email", "эл. почта",
                                                      "электронная почта", "contact email"),
           kind="email"),
)

PLACEMENT_COLUMNS = (
    Column("iin", _l("ИИН студента"), ("иин студента", "иин", "student iin", "iin"),
           kind="iin", required=True),
    Column("bin", _l("БИН предприятия"), ("бин предприятия", "бин", "enterprise bin", "bin"),
           kind="bin", required=True),
    Column("mentor_email", _l("E-mail наставника"),
           ("e-mail наставника", "email наставника", "почта наставника", "наставник",
            "mentor email", "mentor e-mail", "mentor"), kind="email", required=True),
    Column("start_date", _l("Начало"), ("начало", "дата начала", "с", "start", "start date",
                                        "from"), kind="date", required=True),
    Column("end_date", _l("Окончание"), ("окончание", "дата окончания", "конец", "по", "end",
                                         "end date", "to"), kind="date", required=True),
    Column("required_hours", _l("Часы"), ("часы", "часов", "требуемые часы", "кол-во часов",
                                          "hours", "required hours"), kind="int",
           required=True),
    Column("department", _l("Цех / отдел"), ("цех", "отдел", "цех / отдел", "цех/отдел",
                                             "department", "workshop")),
    Column("agreement_number", _l("Номер договора"), ("номер договора", "№ договора",
                                                      "договор", "agreement number",
                                                      "agreement", "contract number")),
    Column("parent_consent_on", _l("Согласие родителя"),
           ("согласие родителя", "дата согласия родителя", "согласие законного представителя",
            "ата-ана келісімі", "ата-анасының келісімі", "parent consent", "parental consent",
            "guardian consent"), kind="date"),
)

KINDS: dict[str, tuple[Column, ...]] = {
    "students": STUDENT_COLUMNS,
    "enterprises": ENTERPRISE_COLUMNS,
    "placements": PLACEMENT_COLUMNS,
}

KIND_LABELS = {
    "students": _l("Студенты"),
    "enterprises": _l("Предприятия"),
    "placements": _l("Договоры"),
}


def match_header(columns: tuple[Column, ...], cells: list[object]) -> dict[str, int]:
    """Which position of a header row holds which column (first match wins)."""
    lookup = {title: column.key for column in columns for title in _titles(column)}
    lookup.update({alias: column.key for column in columns for alias in column.aliases})
    found: dict[str, int] = {}
    for position, cell in enumerate(cells):
        key = lookup.get(normalise_header(cell))
        if key is not None and key not in found:
            found[key] = position
    return found


def _titles(column: Column) -> set[str]:
    """The column's title in every language of the app: the import help page shows these."""
    titles = set()
    for language in current_app.config["LANGUAGES"]:
        with force_locale(language):
            titles.add(normalise_header(column.title))
    return titles
