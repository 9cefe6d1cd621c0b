"""The printed documents as a secretary checks them, read back with pdftotext -layout in ru and
kk: every required part present, headers whole, signature blocks never alone, bad input laid out.

Set DOCS_OUT=/some/dir to keep the PDFs for a look (pdftoppm -r 60 -png file.pdf out)."""

import os
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _

from app.documents.content import natural_key, study_course
from app.documents.printing import distinct_labels
from app.extensions import db
from app.models import Competency, GraduateOutcome, OutcomeKind
from tests import builders
from tests import builders_documents as bd

COORDINATOR = "Гүлнар Бекова"
HEAD = "Серікбаев Нұрлан Асқарұлы"
LONG_NAME = ("Товарищество с ограниченной ответственностью «Восточно-Казахстанский "
             "машиностроительный и ремонтно-монтажный завод имени Первого Президента»")
LONG_ADDRESS = ("070004, Республика Казахстан, Восточно-Казахстанская область, город "
                "Усть-Каменогорск, проспект Независимости, дом 101/3, корпус 2, офис 414")
IBAN_WITH_SPACES = "KZ86 125K ZT50 0410 0100"
CHARACTERISATION = " ".join(["Старательно", "выполнял", "задания", "наставника,"] * 75)  # 300


def _keep(name: str, data: bytes) -> bytes:
    folder = os.environ.get("DOCS_OUT")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / name).write_bytes(data)
    return data


def _get(client, url: str, name: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return bd.pdf_pages(_keep(name, response.data))


def _squash(text: str) -> str:
    """Text with its line breaks and hyphenation undone, runs of space made one."""
    text = re.sub(r"(\w)[-\u2010]\n\s*(\w)", r"\1\2", text)
    return re.sub(r"\s+", " ", text)


def _signing_world(student_name: str = bd.KAZAKH_STUDENT):
    placement = bd.kazakh_placement(required_hours=120)
    placement.student.full_name = student_name
    college, enterprise = placement.college, placement.enterprise
    college.head_name, college.head_position = "Ахметова Сәуле Маратқызы", "директор"
    college.authority_basis, college.legal_address = "Устава", "Өскемен, Тәуелсіздік д-лы, 12"
    college.iban, college.bik, college.bank_name = "KZ86125KZT5004100100", "KCJBKZKX", "Bank"
    enterprise.name = LONG_NAME
    enterprise.head_name, enterprise.head_position = HEAD, "генеральный директор"
    enterprise.authority_basis, enterprise.legal_address = "Устава", LONG_ADDRESS
    enterprise.iban, enterprise.bik = IBAN_WITH_SPACES, "HSBKKZKX"
    enterprise.bank_name = "АО «Народный банк Казахстана»"
    enterprise.trainee_compensation = "85 000 тг в месяц пропорционально отработанному времени"
    builders.coordinator(college, full_name=COORDINATOR)
    db.session.flush()
    return placement


def _words_whole(pages: list[str], headers: list[str]) -> None:
    """Each word of each header stands alone on its line (no neighbour run into it)."""
    text = "\n".join(pages)
    for header in headers:
        for word in re.findall(r"\w+", header):
            if len(word) < 3:
                continue
            assert re.search(rf"(^|[\s(]){re.escape(word)}($|[\s),.:;])", text, re.M), (
                f"header word {word!r} of {header!r} is not whole: collides with a neighbour")


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_agreement_carries_every_part_a_secretary_checks(login_as, lang):
    placement = _signing_world()
    specialty = placement.student.student_profile.group.specialty
    db.session.add(Competency(specialty=specialty, code="ПК 1", name="Сварка", position=0))
    coordinator = builders.coordinator(placement.college)
    pages = _get(login_as(coordinator), f"/documents/agreement/{placement.id}.pdf?lang={lang}",
                 f"agreement-{lang}.pdf")
    text = _squash("\n".join(pages))
    with force_locale(lang):
        sections = [_("1. Предмет договора"), _("2. Срок обучения"),
                    _("3. Права и обязанности Сторон"), _("4. Компенсационная выплата"),
                    _("5. Приостановление и расторжение договора"),
                    _("6. Ответственность и разрешение споров"), _("7. Заключительные положения"),
                    _("8. Адреса, реквизиты и подписи Сторон"), _("Дуальды оқыту туралы шарт")
                    if lang == "kk" else _("Договор о дуальном обучении")]
        basis_word = _("Действует на основании")
    for expected in [*sections, "Д-17/2026", "Өскемен", "Ахметова Сәуле Маратқызы", HEAD,
                     "генеральный директор", "Устава", "KZ86125KZT5004100100", "KCJBKZKX",
                     "HSBKKZKX", IBAN_WITH_SPACES, "85 000 тг",
                     "No. 50" if lang == "en" else "№ 50", basis_word]:
        assert _squash(expected) in text, expected
    flat = text.replace("-", "")
    assert _squash(LONG_NAME).replace("-", "") in flat
    assert _squash(LONG_ADDRESS).replace("-", "") in flat
    with force_locale(lang):
        assert text.count(_("М.П.")) >= 2
    # The signatures sit with the parties' details, never alone on a page.
    with force_locale(lang):
        plan, schedule = _("Индивидуальный учебный план"), _("График учебного процесса")
    signed = next(_squash(p) for p in pages if _squash(sections[7]) in _squash(p))
    assert HEAD in signed and IBAN_WITH_SPACES in signed and bd.KAZAKH_STUDENT in signed
    # The annexes: the training plan with the specialty's modules, and the schedule.
    assert plan in _squash(pages[-2]) and "ПК 1 Сварка" in _squash(pages[-2])
    assert schedule in _squash(pages[-1]) and "12.01.2026" in pages[-1]


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_diary_has_title_page_review_named_signatures_and_whole_headers(login_as, lang):
    placement = _signing_world()
    bd.approved_entries(placement, 12, hours=7.5)
    assessment = bd.submitted_assessment(placement, grade=5, characterisation=CHARACTERISATION)
    assessment.college_score = 91
    db.session.flush()
    pages = _get(login_as(placement.student), f"/documents/diary/{placement.id}.pdf?lang={lang}",
                 f"diary-{lang}.pdf")
    title = _squash(pages[0])
    with force_locale(lang):
        ministry = _("Министерство просвещения Республики Казахстан")
        headers = [_("Дата"), _("Выполненная работа"), _("Часы"), _("Подписано (кем, когда)"),
                   _("Неделя"), _("По плану")]
        course = _("%(n)s курс", n=study_course(2024, placement.start_date))
    for expected in (ministry, bd.KAZAKH_COLLEGE, "ДС-24-1", course, "Усть-Каменогорск, 2026"):
        assert _squash(expected) in title, expected
    assert "7,5" not in title  # the title page holds no diary rows
    text = _squash("\n".join(pages))
    assert "91 · A- · 3,67" in text
    assert text.count("Старательно выполнял задания наставника,") == 75  # all 300 words
    last = _squash(pages[-1])
    for name in (COORDINATOR, HEAD, bd.KAZAKH_MENTOR, bd.KAZAKH_STUDENT):
        assert name in last, name
    _words_whole(pages, headers)
    # The seal place is printed beside the enterprise's head, not beside the college.
    lines = [line for page in pages for line in page.splitlines()]
    seal = "М.П." if lang == "ru" else "М.О."
    head_at = max(i for i, line in enumerate(lines) if "Серікбаев" in line)
    seal_at = [i for i, line in enumerate(lines) if seal in line]
    assert seal_at and all(abs(i - head_at) <= 4 for i in seal_at)
    supervisor_at = max(i for i, line in enumerate(lines) if COORDINATOR in line)
    column = lines[seal_at[0]].index(seal)
    assert column > len(lines[supervisor_at]) - len(lines[supervisor_at].lstrip()) + 30


@pytest.mark.parametrize("entries", [0, 14, 23, 31])
def test_diary_signatures_never_stand_alone_on_a_page(login_as, entries):
    placement = _signing_world()
    bd.approved_entries(placement, entries, hours=8)
    bd.submitted_assessment(placement, characterisation=CHARACTERISATION[: 40 * entries + 50])
    pages = _get(login_as(placement.student), f"/documents/diary/{placement.id}.pdf",
                 f"diary-{entries}.pdf")
    last = _squash(pages[-1])
    assert COORDINATOR in last and HEAD in last and "М.П." in last
    # Something of the document's body shares the page: the review, the totals or the rows.
    assert ("Старательно" in last or "Итого подтверждено" in last), last[:300]


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_assessment_sheet_has_letter_points_hours_and_three_signatures(login_as, lang):
    placement = _signing_world(student_name="Айдос")  # a one-word name
    bd.approved_entries(placement, 4, hours=6)
    assessment = bd.submitted_assessment(placement, grade=4, ratings=(5, 4, 3))
    assessment.college_score = 82
    db.session.flush()
    pages = _get(login_as(placement.mentor),
                 f"/documents/assessment/{assessment.id}.pdf?lang={lang}", f"assessment-{lang}.pdf")
    text = _squash("\n".join(pages))
    with force_locale(lang):
        word = _("хорошо")
    for expected in ("82", " B ", "3,00", word, "24 ", "120", "20%", "Айдос", HEAD, COORDINATOR,
                     bd.KAZAKH_MENTOR):
        assert expected in text, expected
    _words_whole(pages, [])


def _report_world(colleges: int):
    made = []
    for n in range(colleges, 0, -1):
        college = builders.college(name=f"Колледж №{n} города Усть-Каменогорска имени Абая")
        group = builders.group(college)
        made.append(college)
        kinds = [OutcomeKind.HIRED_BY_HOST, OutcomeKind.UNKNOWN][: 1 + n % 2]
        for kind in kinds:
            db.session.add(GraduateOutcome(
                student=builders.student(group, born=date(2004, 1, 1) + timedelta(days=n)),
                college_id=college.id,
                specialty_id=group.specialty_id, graduation_year=2025,
                graduated_on=date(2025, 6, 30), outcome=kind))
    db.session.flush()
    return made


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_region_report_names_issuer_totals_sorts_naturally_and_starts_with_the_chart(
        login_as, lang):
    _report_world(12)
    pages = _get(login_as(builders.admin()), f"/documents/report.pdf?year=2025&lang={lang}",
                 f"report-{lang}.pdf")
    first = _squash(pages[0])
    with force_locale(lang):
        region, issuer = _("Восточно-Казахстанская область"), _(
            "Управление образования Восточно-Казахстанской области")
        total = _("Итого")
        headers = [_("Колледж"), _("Специальность"), _("Выпускники"), _("По специальности"),
                   _("Доля, %%"), _("Исходы известны, %%")]
    assert region in first and _squash(issuer) in first
    assert "№4" in first and "№10" in first  # the chart's labels, on page 1, told apart
    text = "\n".join(pages)
    order = [int(n) for n in re.findall(r"Колледж №(\d+) города", text)]
    table = order[-12:]
    assert table == sorted(table)
    assert re.search(rf"{total}\s+18\s+12\b", _squash(text)), "the totals row"
    _words_whole(pages, headers)


def test_reports_of_one_college_and_of_six_hundred_lay_out(login_as):
    colleges = _report_world(600)
    pages = _get(login_as(builders.admin()), "/documents/report.pdf?year=2025",
                 "report-600.pdf")
    text = "\n".join(pages)
    assert len(re.findall(r"Колледж №(\d+) города", text)) >= 600
    for number, page in enumerate(pages, start=1):
        assert f"стр. {number} из {len(pages)}" in page
    assert "Итого" in pages[-1] and "М.П." in pages[-1]
    assert colleges


def test_report_of_one_college_fits_one_page(login_as):
    college = _report_world(1)[0]
    one = _get(login_as(builders.coordinator(college)), "/documents/report.pdf?year=2025",
               "report-1.pdf")
    assert len(one) == 1 and "Итого" in one[0] and college.name in _squash(one[0])


def test_natural_order_and_distinct_labels():
    names = [f"Усть-Каменогорский высший политехнический колледж №{n}" for n in (10, 4, 27)]
    assert sorted(names, key=natural_key)[0].endswith("№4")
    labels = distinct_labels(names)
    assert len(set(labels)) == 3 and all(len(label) <= 32 for label in labels)
    assert [label[-3:].strip() for label in labels] == ["№10", "№4", "№27"]
    assert distinct_labels(["Колледж"]) == ["Колледж"]
    assert study_course(2024, date(2026, 1, 12)) == 2 and study_course(2024, date(2024, 9, 2)) == 1

