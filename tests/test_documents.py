"""Official documents as PDF: read back with poppler, scoped like their objects, safe to render."""

import re
from datetime import date, timedelta

import pytest
from babel.dates import format_date

from app.documents import printing
from app.documents.render import BASE_URL, ResourceRefused, fetcher, render_pdf
from app.extensions import db
from app.models import EntryStatus, IssuedDocument, OutcomeKind, Role
from tests import builders
from tests import builders_documents as bd


def _download(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    return response.data


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_diary_in_kazakh_reads_back_names_hours_and_kazakh_letters(login_as):
    placement = bd.kazakh_placement(required_hours=120)
    bd.approved_entries(placement, 2, hours=6)
    bd.approved_entries(placement, 1, hours=7.5, start=date(2026, 1, 19))
    builders.entry(placement, date(2026, 1, 20), activity="Черновик не печатается",
                   status=EntryStatus.SUBMITTED)
    data = _download(login_as(placement.student), f"/documents/diary/{placement.id}.pdf?lang=kk")

    pages = bd.pdf_pages(data)
    text = "\n".join(pages)
    for expected in (bd.KAZAKH_STUDENT, bd.KAZAKH_COLLEGE, bd.KAZAKH_ENTERPRISE, bd.KAZAKH_MENTOR,
                     "ДС-24-1", "Д-17/2026", "12.01.2026", "19.01.2026"):
        assert expected in text
    assert all(word in text for word in bd.KAZAKH_ACTIVITY.split())
    assert set(bd.KAZAKH_LETTERS) <= set(text.lower())
    assert "Черновик не печатается" not in text
    totals = _squash(text)
    # Labels come from the Kazakh catalog.
    assert re.search(r"Барлығы расталған сағаттар 19,5", totals), totals
    assert re.search(r"Келісімшарт бойынша талап етілетін 120", totals)
    assert "16,2%" in totals  # 19.5 of 120
    assert "3 беттің 1-беті" in totals and "3 беттің 3-беті" in totals  # with the title page
    # The dates are written the Kazakh way: the language was applied, not just the data.
    assert _squash(format_date(date.today(), "long", locale="kk")) in totals
    assert "М." in text  # the seal place
    fonts = bd.pdf_fonts(data)
    assert fonts and all(" yes " in line and "Shakirt-Document" in line for line in fonts)


def test_long_diary_numbers_its_pages_repeats_the_header_and_escapes_markup(login_as):
    placement = bd.kazakh_placement(required_hours=300)
    hostile = "<script>alert(1)</script> <img src=http://evil.example/x.png>"
    long_word = "Ж" * 300
    bd.approved_entries(placement, 1, activity=f"{hostile} {long_word}")
    bd.approved_entries(placement, 44, hours=8, activity="Монтаж кабельных линий",
                        start=placement.start_date + timedelta(days=1))
    pages = bd.pdf_pages(_download(login_as(placement.student),
                                   f"/documents/diary/{placement.id}.pdf?lang=ru"))

    total = len(pages)
    assert total >= 2
    for number, page in enumerate(pages, start=1):
        assert f"стр. {number} из {total}" in page
    diary_pages = [page for page in pages if "Монтаж кабельных линий" in page]
    assert len(diary_pages) >= 2
    assert all("Выполненная работа" in page for page in diary_pages)  # repeated table header
    text = "\n".join(pages)
    assert "<script>alert(1)</script>" in text  # printed as text, not markup
    assert "<img src=http://" in text
    lines_with_word = [line for line in text.splitlines() if "ЖЖЖ" in line]
    assert len(lines_with_word) > 3  # wrapped inside its column
    assert sum(line.count("Ж") for line in lines_with_word) == 300
    # 1 × 6 h + 44 × 8 h
    assert "Итого подтверждено часов 358" in _squash(text)


def test_diary_without_approved_entries_is_a_clear_document(login_as):
    placement = builders.placement(required_hours=200)
    builders.entry(placement, placement.start_date, status=EntryStatus.SUBMITTED)
    coordinator = builders.coordinator(placement.college)
    text = _squash("\n".join(bd.pdf_pages(_download(
        login_as(coordinator), f"/documents/diary/{placement.id}.pdf"))))
    assert "нет подписанных наставником записей" in text
    assert "Итого подтверждено часов 0" in text
    assert placement.student.full_name in text


def test_assessment_sheet_in_english_prints_ratings_grade_and_recommendation(login_as):
    placement = bd.kazakh_placement()
    assessment = bd.submitted_assessment(placement, grade=4, ratings=(5, 3),
                                         characterisation="Ответственный <b>работник</b>")
    text = _squash("\n".join(bd.pdf_pages(_download(
        login_as(placement.mentor), f"/documents/assessment/{assessment.id}.pdf?lang=en"))))
    assert bd.KAZAKH_STUDENT in text
    assert "ПК 1 Компетенция 1 5" in text
    assert "ПК 2 Компетенция 2 3" in text
    assert "4 (" in text
    assert "Ответственный <b>работник</b>" in text
    assert "Issued 1 December 2026" in text  # day first, unambiguous (app.i18n)


def test_agreement_of_a_minor_names_the_parties_and_the_parent(login_as):
    student = builders.student(born=date(2010, 3, 1), full_name="Айгерім Серікқызы")
    student.student_profile.guardian_name = "Серік Әбенов"
    placement = builders.placement(student, start=date(2026, 2, 2), agreement_number="42/Д",
                                   parent_consent_on=date(2026, 1, 20))
    text = _squash("\n".join(bd.pdf_pages(_download(
        login_as(builders.coordinator(placement.college)),
        f"/documents/agreement/{placement.id}.pdf"))))
    for expected in ("42/Д", placement.college.name, placement.enterprise.name,
                     placement.college.bin, placement.enterprise.bin,
                     student.student_profile.iin, "Айгерім Серікқызы",
                     "Законный представитель", "Серік Әбенов", "20.01.2026", "480 ч."):
        assert expected in text, expected


def test_agreement_masks_the_iin_for_mentor_and_employer_and_verifies_alike(app, client):
    from app.domain.identifiers import mask_iin
    from tests.conftest import login

    student = builders.student(born=date(2005, 4, 12))
    placement = builders.placement(student, start=date(2026, 2, 2))
    employer = builders.employer(placement.enterprise)
    iin = student.student_profile.iin
    db.session.commit()
    codes = set()
    for reader, full in ((placement.mentor, False), (employer, False), (student, True),
                         (builders.coordinator(placement.college), True), (builders.admin(), True)):
        db.session.commit()
        login(client, reader)
        text = _squash("\n".join(bd.pdf_pages(_download(
            client, f"/documents/agreement/{placement.id}.pdf"))))
        client.post("/logout")
        assert (iin in text) is full, reader.role
        assert ("12.04.2005" in text) is full, reader.role
        if not full:
            assert mask_iin(iin) in text
        codes.add(re.search(r"Код проверки: ([A-Z0-9]{5}-[A-Z0-9]{5})", text).group(1))
    assert len(codes) == 1  # masking is only the print: one content, one code
    page = client.get(f"/verify/{codes.pop()}").get_data(as_text=True)
    assert "Действителен" in page
    assert iin not in page and mask_iin(iin) in page


def _graduates(year: int = 2025):
    mine = builders.group()
    other = builders.group()
    bd.graduates(mine, year, [OutcomeKind.HIRED_BY_HOST, OutcomeKind.EMPLOYED_IN_SPECIALTY,
                              OutcomeKind.EMPLOYED_OUTSIDE, OutcomeKind.UNKNOWN])
    bd.graduates(other, year, [OutcomeKind.HIRED_BY_HOST] * 3 + [OutcomeKind.NOT_EMPLOYED])
    return mine, other


def test_coordinator_report_covers_own_college_only(login_as):
    mine, other = _graduates()
    coordinator = builders.coordinator(mine.college)
    text = _squash("\n".join(bd.pdf_pages(_download(
        login_as(coordinator), "/documents/report.pdf?year=2025"))))
    assert mine.college.name in text and other.college.name not in text
    assert "Выпускники 4" in text
    assert "Трудоустроены по специальности 2" in text
    assert "Доля трудоустроенных по специальности 50%" in text
    assert "Известны исходы (доля) 75%" in text


def test_admin_region_report_has_every_college_and_a_chart(login_as):
    mine, other = _graduates()
    client = login_as(builders.admin())
    text = _squash("\n".join(bd.pdf_pages(_download(client, "/documents/report.pdf?year=2025"))))
    assert mine.college.name in text and other.college.name in text
    assert "Выпускники 8" in text
    assert "Трудоустроены по специальности 5" in text
    assert "Трудоустроены по специальности, %" in text  # the chart's heading
    assert "50%" in text and "75%" in text  # the bars' labels: 2 of 4 and 3 of 4


@pytest.mark.parametrize("role", [Role.STUDENT, Role.MENTOR, Role.EMPLOYER])
def test_report_is_refused_to_other_roles(login_as, role):
    placement = builders.placement()
    user = {Role.STUDENT: placement.student, Role.MENTOR: placement.mentor,
            Role.EMPLOYER: builders.employer(placement.enterprise)}[role]
    assert login_as(user).get("/documents/report.pdf").status_code == 403


def test_documents_of_another_college_are_not_found(login_as):
    placement = builders.placement()
    assessment = bd.submitted_assessment(placement)
    outsider = builders.coordinator()
    client = login_as(outsider)
    for url in (f"/documents/diary/{placement.id}.pdf",
                f"/documents/agreement/{placement.id}.pdf",
                f"/documents/assessment/{assessment.id}.pdf",
                f"/documents/group/{placement.student.student_profile.group_id}/diaries.zip"):
        assert client.get(url).status_code == 404, url
    assert db.session.query(IssuedDocument).count() == 0


def test_other_trainees_documents_are_not_found_for_student_and_mentor(app, client):
    from tests.conftest import login

    placement = builders.placement()
    other = builders.placement()
    db.session.commit()
    for user in (placement.student, placement.mentor):
        login(client, user)
        assert client.get(f"/documents/diary/{other.id}.pdf").status_code == 404
        assert client.get(f"/documents/agreement/{other.id}.pdf").status_code == 404
        client.post("/logout")


# The group ZIP is a background job now: tests/test_jobs.py.


def test_downloads_page_lists_what_each_role_may_print(login_as, app, client):
    from tests.conftest import login

    group = builders.group()
    placement = builders.placement(builders.student(group))
    assessment = bd.submitted_assessment(placement)
    other = builders.placement()
    coordinator = builders.coordinator(group.college)
    admin = builders.admin()
    bd.graduates(group, 2025, [OutcomeKind.HIRED_BY_HOST])
    db.session.commit()

    login(client, placement.student)
    page = client.get("/documents").get_data(as_text=True)
    assert f"/documents/diary/{placement.id}.pdf" in page
    assert f"/documents/agreement/{placement.id}.pdf" in page
    assert f"/documents/assessment/{assessment.id}.pdf" in page
    assert f"/documents/diary/{other.id}.pdf" not in page
    assert "/documents/report.pdf" not in page
    assert ">Документы</a>" in page  # the navigation entry
    client.post("/logout")

    login(client, coordinator)
    page = client.get("/documents").get_data(as_text=True)
    assert f"/documents/group/{group.id}/diaries.zip" in page
    assert f"/documents/diary/{placement.id}.pdf" in page
    assert f"/documents/diary/{other.id}.pdf" not in page
    assert "/documents/report.pdf?lang=ru&amp;year=2025" in page
    client.post("/logout")

    login(client, placement.mentor)
    page = client.get("/documents").get_data(as_text=True)
    assert f"/documents/assessment/{assessment.id}.pdf" in page
    assert f"/documents/diary/{other.id}.pdf" not in page
    client.post("/logout")

    login(client, admin)
    page = client.get("/documents").get_data(as_text=True)
    assert "/documents/report.pdf?lang=kk&amp;year=2025" in page
    assert "diaries.zip" not in page


# --- the locked-down fetcher ---------------------------------------------------------------------


@pytest.mark.parametrize("url", [
    "http://evil.example/x.png",
    "https://127.0.0.1/static/pdf/document.css",
    "file:///etc/passwd",
    f"{BASE_URL}static/../../../../etc/passwd",
    f"{BASE_URL}static/%2e%2e/%2e%2e/app/config.py",
    f"{BASE_URL}etc/passwd",
    "data:text/html,<script>alert(1)</script>",
    "ftp://example.com/file",
])
def test_fetcher_refuses_anything_but_app_assets(app, url):
    with app.test_request_context(), pytest.raises(ResourceRefused):
        fetcher().fetch(url)


def test_fetcher_serves_static_files_and_own_images(app):
    with app.test_request_context():
        font = fetcher().fetch(f"{BASE_URL}static/fonts/DejaVuSans.ttf")
        assert font.read(4) == b"\x00\x01\x00\x00"
        qr = printing.qr_data_uri("https://example.kz/verify/ABCDEFGH23")
        assert fetcher([qr]).fetch(qr).read().startswith(b"<svg")


def test_render_never_fetches_foreign_urls(app, monkeypatch):
    from app.documents import render

    asked = []

    real_fetch = render.StaticOnlyFetcher.fetch

    def spy(self, url, headers=None):
        asked.append(url)
        return real_fetch(self, url, headers)

    monkeypatch.setattr(render.StaticOnlyFetcher, "fetch", spy)
    html = ('<link rel="stylesheet" href="http://evil.example/x.css">'
            '<img src="file:///etc/passwd"><img src="http://127.0.0.1:9/x.png"><p>ok</p>')
    with app.test_request_context():
        data = render_pdf(html)
    assert data.startswith(b"%PDF")
    # Every URL went through the fetcher, which refused them; the document still renders.
    assert {"http://evil.example/x.css", "file:///etc/passwd", "http://127.0.0.1:9/x.png"} <= set(
        asked)
