"""Fictional people and organisations in real towns of East Kazakhstan region (ВКО).

Every person is a random mix of common first names, patronymics and surnames: no real person.
Семей is not in ВКО since 2022 (Abai region), so it is not used; Зыряновск is now Алтай.
"""

import random

CITIES = (
    "Усть-Каменогорск", "Риддер", "Алтай", "Шемонаиха", "Серебрянск", "Зайсан",
    "Глубокое", "Кокпекты", "Курчум", "Улкен Нарын", "Самарское", "Катон-Карагай",
)
# Most colleges and plants are in the regional centre.
CITY_WEIGHTS = (40, 12, 10, 8, 5, 4, 6, 3, 3, 3, 3, 3)

MALE_NAMES = (
    "Алихан", "Арман", "Нурлан", "Ерлан", "Данияр", "Айдос", "Бауыржан", "Ержан", "Тимур",
    "Руслан", "Максим", "Артём", "Дмитрий", "Иван", "Сергей", "Алексей", "Никита", "Кирилл",
    "Асхат", "Дархан", "Санжар", "Мирас", "Олжас", "Азамат", "Еркебулан", "Владислав",
    "Евгений", "Денис", "Ильяс", "Жандос",
)
FEMALE_NAMES = (
    "Айгерим", "Алия", "Дана", "Жанна", "Асель", "Камила", "Мадина", "Аружан", "Динара",
    "Анна", "Мария", "Екатерина", "Ольга", "Наталья", "Виктория", "Ксения", "Алина",
    "Томирис", "Салтанат", "Гульнара", "Индира", "Софья", "Дарья", "Айым",
)
# Fathers' names: (patronymic of a son, of a daughter).
PATRONYMICS = (
    ("Серикович", "Сериковна"), ("Болатович", "Болатовна"), ("Каиратович", "Каиратовна"),
    ("Маратович", "Маратовна"), ("Ерланович", "Ерлановна"), ("Нурланович", "Нурлановна"),
    ("Сергеевич", "Сергеевна"), ("Александрович", "Александровна"),
    ("Владимирович", "Владимировна"), ("Николаевич", "Николаевна"),
    ("Бахытович", "Бахытовна"), ("Асканович", "Аскановна"), ("Игоревич", "Игоревна"),
    ("Жанатович", "Жанатовна"), ("Викторович", "Викторовна"),
)
# Surnames in their male form; the female form adds "а".
SURNAMES = (
    "Ахметов", "Байжанов", "Жумабаев", "Касымов", "Нургалиев", "Сапаров", "Токтаров",
    "Исаев", "Омаров", "Бекмуханов", "Ермеков", "Кенжебаев", "Мусин", "Абдрахманов",
    "Сагинтаев", "Калиев", "Турсынов", "Жакупов", "Иванов", "Петров", "Смирнов", "Кузнецов",
    "Попов", "Волков", "Морозов", "Лебедев", "Новиков", "Фёдоров", "Соколов", "Зайцев",
    "Белов", "Гусев", "Тарасов", "Шевцов", "Костин", "Алтынбеков", "Серикбаев", "Даулетов",
)

COLLEGE_KINDS = (
    "строительный колледж", "энергетический колледж", "горно-металлургический колледж",
    "политехнический колледж", "индустриально-технический колледж",
    "колледж транспорта и коммуникаций", "технологический колледж", "аграрно-технический колледж",
)
ENTERPRISE_STEMS = (
    "Шығыс", "Ертіс", "Алтай", "Ульба", "Бухтарма", "Нарын", "Иртыш", "Маркаколь", "Тарбагатай",
    "Белуха", "Шульба", "Кедр", "Кызылтау", "Медеу", "Берель", "Таргын", "Аблакетка", "Согра",
)
ENTERPRISE_KINDS = (
    ("Металл", "металлургия"), ("Энергосервис", "энергетика"), ("Стройкомплект", "строительство"),
    ("Ремонтмаш", "ремонт оборудования"), ("ГОК-Сервис", "горнодобывающая промышленность"),
    ("Электромонтаж", "энергетика"), ("Сварка", "металлоконструкции"),
    ("Машзавод", "машиностроение"), ("Теплосеть", "энергетика"), ("Строймонтаж", "строительство"),
)
DEPARTMENTS = {
    "металлургия": ("Плавильный цех", "Ремонтно-механический цех", "Сварочный участок"),
    "энергетика": ("Электроцех", "Служба подстанций", "Участок релейной защиты"),
    "строительство": ("Монтажный участок", "Бетонный участок", "Участок отделочных работ"),
    "ремонт оборудования": ("Слесарный цех", "Участок наплавки", "Участок гидравлики"),
    "горнодобывающая промышленность": ("Ремонтный цех", "Обогатительная фабрика"),
    "металлоконструкции": ("Сварочный цех", "Заготовительный участок"),
    "машиностроение": ("Механосборочный цех", "Инструментальный цех"),
}
LEGAL_FORMS = ("ТОО", "АО")
MENTOR_POSITIONS = ("мастер производства", "старший мастер", "мастер участка", "бригадир")
REJECTION_COMMENTS = (
    "Уточните, какие именно операции выполняли.",
    "Часы не совпадают с табелем, исправьте.",
    "Опишите применённые меры безопасности.",
    "В этот день вы были на инструктаже, а не на участке — перепишите запись.",
)
CHARACTERISATIONS = {
    5: "Дисциплинирован, работает аккуратно и самостоятельно, соблюдает технику безопасности. "
       "Быстро осваивает новые операции, помогает другим практикантам.",
    4: "Ответственно относится к заданиям, соблюдает трудовую дисциплину. "
       "Нуждается в контроле на сложных операциях, но уверенно растёт.",
    3: "Задания выполняет, но медленно и не всегда качественно. "
       "Рекомендуется дополнительная практика под наблюдением мастера.",
}


# Mobile codes of Kazakhstan's operators that libphonenumber knows as valid, by second digit.
MOBILE_CODES = {
    "0": ("700", "701", "702", "705", "706", "707", "708"),
    "5": ("747", "751"),
    "7": ("771", "775", "776", "777", "778"),
}


class NameBook:
    """Draws fictional full names and phone numbers from one seeded random generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def person(self, female: bool | None = None) -> tuple[str, bool]:
        """A full name (surname, name, patronymic) and whether the person is female."""
        rng = self.rng
        if female is None:
            female = rng.random() < 0.35
        surname = rng.choice(SURNAMES) + ("а" if female else "")
        first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
        patronymic = rng.choice(PATRONYMICS)[1 if female else 0]
        return f"{surname} {first} {patronymic}", female

    def phone(self) -> str:
        """A Kazakh mobile number in the one written form, of a code operators really use (so
        it signs in; see app.domain.phones). The draws are the same as before the codes were
        checked, so the rest of the seeded world does not move."""
        rng = self.rng
        codes = MOBILE_CODES[rng.choice("0057")]
        code = codes[rng.randint(0, 9) % len(codes)]
        return (f"+7 {code} {rng.randint(100, 999)} "
                f"{rng.randint(10, 99)} {rng.randint(10, 99)}")

    def city(self) -> str:
        return self.rng.choices(CITIES, weights=CITY_WEIGHTS)[0]

    def enterprise(self, serial: int) -> tuple[str, str]:
        """A fictional enterprise name and its industry."""
        rng = self.rng
        suffix, industry = rng.choice(ENTERPRISE_KINDS)
        name = f"{rng.choice(LEGAL_FORMS)} «{rng.choice(ENTERPRISE_STEMS)} {suffix}-{serial}»"
        return name, industry

    def college(self, city: str, serial: int) -> str:
        """A fictional college name in a real town."""
        return f"Колледж №{serial} г. {city} ({self.rng.choice(COLLEGE_KINDS)})"
