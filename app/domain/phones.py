"""Phone numbers read once, in one written form, with Google's libphonenumber (`phonenumbers`).

People type `+7 701 234 56 78`, `8 (701) 234-56-78`, `87012345678` or `701-234-56-78`: all are
the same Kazakh number. `canonical` turns any of them into `+7 701 234 56 78` (the form the
people pages show and sign-in looks up); a number the library cannot read as valid stays as
typed, so a landline with an extension is not lost, but it signs nobody in.
"""

import phonenumbers

REGION = "KZ"  # a number without a country code is read as Kazakh ("8 7xx…" included)


def _parsed(text: str) -> phonenumbers.PhoneNumber | None:
    text = (text or "").strip()
    if not text or len(text) > 40 or not any(ch.isdigit() for ch in text):
        return None
    try:
        number = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def canonical(text: str | None) -> str | None:
    """The number in its one written form, or None when it is not a valid phone number."""
    number = _parsed(text or "")
    if number is None:
        return None
    if number.country_code == 7:
        digits = phonenumbers.national_significant_number(number)
        if len(digits) == 10:
            return f"+7 {digits[:3]} {digits[3:6]} {digits[6:8]} {digits[8:]}"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def written(text: str | None) -> str:
    """What to store for a typed number: its one written form, or the text as typed."""
    text = (text or "").strip()
    return canonical(text) or text
