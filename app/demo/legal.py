"""Legal details of the demo organisations (who signs, address, bank), so the demo's agreements
print as filled papers. Drawn from a generator seeded by the organisation's BIN, so adding them
leaves every other draw of the world — and so every seed's world — as it was."""

import random

from app.demo.names import NameBook

# Real Kazakh banks' BIC codes (the agreement's bank details look as they would).
BANKS = (
    ("HSBKKZKX", "АО «Народный Банк Казахстана»", "601"),
    ("KCJBKZKX", "АО «Банк ЦентрКредит»", "856"),
    ("CASPKZKA", "АО «Kaspi Bank»", "722"),
    ("IRTYKZKA", "АО «ForteBank»", "965"),
    ("TSESKZKA", "АО «First Heartland Jusan Bank»", "998"),
)
STREETS = ("Абая", "Казахстан", "Независимости", "Кабанбай батыра", "Ауэзова", "Сатпаева",
           "Гоголя", "Бажова", "Протозанова", "Тәуелсіздік")
PAY = ("85 000", "90 000", "100 000", "120 000")


def kazakh_iban(bank_code: str, account: str) -> str:
    """KZ, two ISO 13616 check digits, the bank's 3-digit code and a 13-digit account."""
    bban = f"{bank_code}{account}"
    moved = f"{bban}KZ00"
    check = 98 - int("".join(str(int(ch, 36)) for ch in moved)) % 97
    return f"KZ{check:02d}{bban}"


def details(bin_: str, city: str, enterprise: bool) -> dict[str, str]:
    """A party's legal details for the demo: head, authority, address, bank (and for an
    enterprise, the trainee's compensation)."""
    rng = random.Random(f"legal:{bin_}")
    head, _ = NameBook(rng).person()
    bik, bank, code = rng.choice(BANKS)
    values = {
        "head_name": head,
        "head_position": rng.choice(("Генеральный директор", "Директор", "Управляющий директор"))
        if enterprise else "Директор",
        "authority_basis": "Устава",
        "legal_address": f"{city}, ул. {rng.choice(STREETS)}, {rng.randint(1, 180)}",
        "iban": kazakh_iban(code, f"{rng.randrange(10**13):013d}"),
        "bik": bik,
        "bank_name": bank,
    }
    if enterprise:
        values["trainee_compensation"] = (
            f"{rng.choice(PAY)} тг в месяц пропорционально отработанному на предприятии времени")
    return values
