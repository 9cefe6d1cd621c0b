from datetime import date

import pytest

from app.domain.grades import band_for
from app.domain.identifiers import (
    birth_date_from_iin,
    check_digit,
    has_valid_check_digit,
    is_valid_bin,
    is_valid_iin,
    make_bin,
    make_iin,
    mask_iin,
)
from app.domain.working_time import age_on, is_minor, limit_for


@pytest.mark.parametrize(
    ("stem", "expected"),
    [
        ("00000000010", 1),  # first weights give 10, the second weights give 1
        ("12345678901", 3),  # 296 % 11 = 10, then 377 % 11 = 3
        ("00000000001", 0),  # 11 % 11 = 0
    ],
)
def test_check_digit_known_values(stem, expected):
    assert check_digit(stem) == expected
    assert has_valid_check_digit(stem + str(expected))


def test_stem_with_no_possible_check_digit_is_never_valid():
    stem = next(f"{n:011d}" for n in range(10**6) if check_digit(f"{n:011d}") is None)
    assert not any(has_valid_check_digit(stem + str(d)) for d in range(10))


def test_iin_from_sample_file_is_valid():
    # 050412 5 0123 ? — a boy born 12 April 2005
    iin = make_iin(date(2005, 4, 12), 123)
    assert iin.startswith("0504125")
    assert is_valid_iin(iin)
    assert birth_date_from_iin(iin) == date(2005, 4, 12)


@pytest.mark.parametrize(
    "bad", ["", "123", "1234567890123", "05041250012a", "０５０４１２５００１２３"]
)
def test_malformed_numbers_are_invalid(bad):
    assert not has_valid_check_digit(bad)


def test_wrong_check_digit_is_invalid():
    iin = make_iin(date(2007, 1, 31), 42, female=True)
    wrong = iin[:11] + str((int(iin[11]) + 1) % 10)
    assert is_valid_iin(iin)
    assert not is_valid_iin(wrong)


@pytest.mark.parametrize(
    ("iin_start", "born"),
    [("8501013", date(1985, 1, 1)), ("9912314", date(1999, 12, 31)), ("0602295", None),
     ("0802296", date(2008, 2, 29)), ("0001019", None)],
)
def test_birth_date_from_iin(iin_start, born):
    assert birth_date_from_iin(iin_start + "00000") == born


def test_bin_validity():
    bin_ = make_bin(date(2001, 5, 1), 7)
    assert is_valid_bin(bin_)
    assert not is_valid_bin(bin_[:-1] + str((int(bin_[-1]) + 1) % 10))


def test_mask_iin_hides_the_middle():
    assert mask_iin("041201500125") == "0412•••••••5"


@pytest.mark.parametrize(
    ("born", "day", "age"),
    [
        (date(2010, 5, 10), date(2026, 5, 9), 15),
        (date(2010, 5, 10), date(2026, 5, 10), 16),
        (date(2008, 2, 29), date(2026, 2, 28), 17),
        (date(2008, 2, 29), date(2026, 3, 1), 18),
    ],
)
def test_age_on_a_day(born, day, age):
    assert age_on(born, day) == age


@pytest.mark.parametrize(
    ("born", "day", "week", "daily"),
    [
        (date(2011, 6, 1), date(2026, 5, 31), 24, 4.8),  # 14
        (date(2010, 6, 1), date(2026, 6, 1), 36, 7.2),  # 16 on the birthday
        (date(2008, 6, 2), date(2026, 6, 1), 36, 7.2),  # 17, the day before turning 18
        (date(2008, 6, 1), date(2026, 6, 1), 40, 8),  # 18 on the birthday
    ],
)
def test_working_time_limit_follows_age_on_the_day(born, day, week, daily):
    limit = limit_for(born, day)
    assert limit is not None
    assert (limit.hours_per_week, limit.hours_per_day) == (week, daily)


def test_too_young_to_work():
    assert limit_for(date(2013, 1, 1), date(2026, 12, 1)) is None
    assert is_minor(date(2013, 1, 1), date(2026, 12, 1))


@pytest.mark.parametrize(
    ("score", "letter", "five"),
    [(100, "A", 5), (95, "A", 5), (94, "A-", 5), (85, "B+", 4), (75, "B-", 4), (74, "C+", 3),
     (50, "D", 3), (49, "F", 2), (0, "F", 2)],
)
def test_grade_bands(score, letter, five):
    band = band_for(score)
    assert (band.letter, band.five_point) == (letter, five)


@pytest.mark.parametrize("score", [-1, 101])
def test_grade_outside_scale_is_refused(score):
    with pytest.raises(ValueError):
        band_for(score)


def test_the_usable_daily_maximum_lies_on_a_half_hour():
    from app.domain.working_time import LIMITS, usable_hours_per_day

    assert [usable_hours_per_day(limit) for limit in LIMITS] == [4.5, 7.0, 8.0]


def test_who_could_ever_train_within_a_year():
    from datetime import date as day

    from app.domain.working_time import could_ever_train

    today = day(2026, 12, 1)
    assert could_ever_train(day(2013, 11, 30), today)  # 13 now, 14 before the year is out
    assert not could_ever_train(day(2014, 6, 1), today)  # 12: not within a year
