"""Kazakhstan's 12-digit identification numbers: IIN (people) and BIN (organisations)."""

from datetime import date

_FIRST_WEIGHTS = tuple(range(1, 12))
_SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def check_digit(first_eleven: str) -> int | None:
    """The control digit for 11 digits, or None when the number cannot be valid."""
    digits = [int(c) for c in first_eleven]
    for weights in (_FIRST_WEIGHTS, _SECOND_WEIGHTS):
        control = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if control != 10:
            return control
    return None


def has_valid_check_digit(number: str) -> bool:
    """True when the string is 12 digits whose last one is the right control digit."""
    if len(number) != 12 or not number.isascii() or not number.isdigit():
        return False
    return check_digit(number[:11]) == int(number[11])


_CENTURY = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}


def birth_date_from_iin(iin: str) -> date | None:
    """The birth date an IIN encodes (YYMMDD plus the century digit), or None."""
    if len(iin) < 7 or not iin[:7].isdigit() or iin[6] not in _CENTURY:
        return None
    year = _CENTURY[iin[6]] + int(iin[0:2])
    try:
        return date(year, int(iin[2:4]), int(iin[4:6]))
    except ValueError:
        return None


def is_valid_iin(iin: str) -> bool:
    return has_valid_check_digit(iin) and birth_date_from_iin(iin) is not None


def is_valid_bin(bin_: str) -> bool:
    return has_valid_check_digit(bin_)


def mask_iin(iin: str) -> str:
    """Show the birth-date part and the last digit only: 0412•••••••5."""
    if len(iin) != 12:
        return "•" * len(iin)
    return f"{iin[:4]}{'•' * 7}{iin[-1]}"


def make_iin(born: date, serial: int, female: bool = False) -> str:
    """Build a valid IIN for a birth date and a serial number (for demo data and tests)."""
    century = {18: 1, 19: 3, 20: 5}[born.year // 100] + (1 if female else 0)
    serial %= 10_000
    while True:
        stem = f"{born:%y%m%d}{century}{serial:04d}"
        control = check_digit(stem)
        if control is not None:
            return f"{stem}{control}"
        serial = (serial + 1) % 10_000


def make_bin(registered: date, serial: int) -> str:
    """Build a valid BIN (YYMM, type digits, serial, control) for demo data and tests."""
    serial %= 100_000
    while True:
        stem = f"{registered:%y%m}40{serial:05d}"
        control = check_digit(stem)
        if control is not None:
            return f"{stem}{control}"
        serial = (serial + 1) % 100_000
