"""The public verification page: current, no longer current and unknown documents."""

import re
from datetime import date

import pytest

from app.documents import queries
from app.documents.content import agreement_content, assessment_content, diary_content
from app.documents.services import (
    CODE_ALPHABET,
    format_code,
    issue_document,
    new_code,
    normalise_code,
)
from app.extensions import db
from app.models import DocumentKind, IssuedDocument
from tests import builders
from tests import builders_documents as bd

CURRENT = "Действителен"
CHANGED = "Неактуален"
UNKNOWN = "Неизвестен"


def _issue_diary(placement) -> IssuedDocument:
    loaded = queries.placement_for_document(placement.id)
    content = diary_content(loaded, queries.approved_entries([placement.id])[placement.id])
    document = issue_document(DocumentKind.DIARY, content, "ru", None, placement.id)
    db.session.commit()
    return document


def _page(client, code: str) -> str:
    response = client.get(f"/verify/{code}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    return response.get_data(as_text=True)


def test_code_printed_on_the_diary_verifies_as_current(login_as, client):
    placement = bd.kazakh_placement(required_hours=120)
    bd.approved_entries(placement, 3, hours=8)
    response = login_as(placement.student).get(f"/documents/diary/{placement.id}.pdf")
    text = "\n".join(bd.pdf_pages(response.data))
    printed = re.search(r"Код проверки: ([A-Z0-9]{5}-[A-Z0-9]{5})", text).group(1)
    assert f"/verify/{printed.replace('-', '')}" in text  # the link the QR code also carries
    client.post("/logout")

    page = _page(client, printed)  # typed as printed, with the dash
    assert CURRENT in page
    assert bd.KAZAKH_STUDENT in page and bd.KAZAKH_ENTERPRISE in page
    assert "12.01.2026" in page
    assert "24 из 120" in page  # approved hours of the required


def test_new_approved_entry_makes_the_diary_no_longer_current(app, client):
    placement = builders.placement()
    bd.approved_entries(placement, 2)
    document = _issue_diary(placement)
    assert CURRENT in _page(client, document.code)
    builders.entry(placement, date(2030, 1, 7), status=builders.EntryStatus.SUBMITTED)
    db.session.commit()
    assert CURRENT in _page(client, document.code)  # a submitted entry is not on the diary
    bd.approved_entries(placement, 1, start=date(2030, 1, 8))
    db.session.commit()
    page = _page(client, document.code)
    assert CHANGED in page
    assert placement.student.full_name in page  # still says what was certified


def test_changed_grade_makes_the_assessment_sheet_no_longer_current(app, client):
    assessment = bd.submitted_assessment(builders.placement(), grade=5)
    content = assessment_content(queries.assessment_for_document(assessment.id))
    document = issue_document(DocumentKind.ASSESSMENT, content, "kk", None, assessment.id)
    db.session.commit()
    page = _page(client, document.code)
    assert CURRENT in page and "отлично" in page
    assessment.grade = 4
    db.session.commit()
    assert CHANGED in _page(client, document.code)


def test_page_shows_no_more_than_the_document_and_masks_the_iin(app, client):
    placement = builders.placement()
    content = agreement_content(queries.placement_for_document(placement.id))
    document = issue_document(DocumentKind.AGREEMENT, content, "ru", None, placement.id)
    db.session.commit()
    iin = placement.student.student_profile.iin
    page = _page(client, document.code)
    assert CURRENT in page
    assert iin not in page
    assert f"{iin[:4]}•••••••{iin[-1]}" in page
    assert placement.student.email not in page


def test_same_unchanged_document_keeps_its_code(app):
    placement = builders.placement()
    first = _issue_diary(placement)
    again = _issue_diary(placement)
    assert again.code == first.code
    bd.approved_entries(placement, 1)
    assert _issue_diary(placement).code != first.code
    assert db.session.query(IssuedDocument).count() == 2


def _shape(page: str) -> str:
    # The language switcher sends the visitor back to the path they came from.
    return re.sub(r'name="next" value="[^"]*"', 'name="next"', page)


@pytest.mark.parametrize("junk", [
    "A" * 5000,
    "%00%00",
    "<script>alert(1)</script>",
    "ӘҒҚҢӨ-ҰҮҺІ0",
    "' OR 1=1 --",
    "abcdefghjk",  # well-formed, never issued
])
def test_unknown_and_junk_codes_answer_unknown_with_one_query(app, client, query_counter, junk):
    placement = builders.placement()
    _issue_diary(placement)
    reference = _page(client, new_code())
    with query_counter() as counter:
        page = _page(client, junk)
    assert UNKNOWN in page
    assert "Traceback" not in page
    assert _shape(page) == _shape(reference)  # the same response whatever was typed
    assert counter.count == 1  # one indexed lookup


def test_form_sends_the_typed_code_to_its_page(app, client):
    page = client.get("/verify").get_data(as_text=True)
    assert 'name="code"' in page
    response = client.get("/verify?code=+abcde-fgh23+")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/verify/abcde-fgh23")


def test_codes_are_short_unambiguous_and_normalised():
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(code) == 10 and set(code) <= set(CODE_ALPHABET) for code in codes)
    assert not set("01ILO") & set(CODE_ALPHABET)
    code = new_code()
    assert normalise_code(format_code(code).lower()) == code
    assert normalise_code(f" {code[:5]} {code[5:]} ") == code
    assert normalise_code("O" * 10) is None
