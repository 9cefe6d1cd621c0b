"""An absence's supporting document (a sick note, an order): checked and stored as evidence is,
served only to those who see the placement, and never left behind by a refused absence."""

import io
import os
from datetime import date

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Absence
from tests import builders
from tests.test_attachments import HTML, SVG, pdf, photo


@pytest.fixture
def app_config(tmp_path):
    return {"FILES_DIR": str(tmp_path / "files")}


def _stored(app) -> list[str]:
    return [n for _root, _dirs, names in os.walk(app.config["FILES_DIR"]) for n in names]


def _placement():
    return builders.placement(start=date(2026, 11, 2), end_date=date(2027, 2, 26))


def _post(client, placement, document=None, first=date(2026, 11, 23), last=date(2026, 11, 25)):
    data = {"first_day": first.isoformat(), "last_day": last.isoformat(), "kind": "sick",
            "note": "справка № 12"}
    if document is not None:
        name, content = document
        data["document"] = (io.BytesIO(content), name)
    return client.post(f"/placements/{placement.id}/absences", data=data,
                       content_type="multipart/form-data")


def test_a_sick_note_photo_is_kept_with_the_absence_and_shown_to_the_mentor(app, login_as,
                                                                              client):
    placement = _placement()
    response = _post(login_as(placement.student), placement, ("справка.jpg", photo(gps=True)))
    assert response.status_code == 302
    absence = db.session.scalar(select(Absence))
    assert absence.document_key and absence.document_type == "image/jpeg"
    assert len(_stored(app)) == 1
    client.post("/logout")
    login_as(placement.mentor)
    page = client.get(f"/placements/{placement.id}/calendar").get_data(as_text=True)
    assert f"/absences/{absence.id}/document" in page
    served = client.get(f"/absences/{absence.id}/document")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert served.headers["Cache-Control"] == "no-store"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert b"GPS" not in served.data and b"ShopPhone" not in served.data


def test_a_pdf_order_is_downloaded_not_shown(login_as):
    placement = _placement()
    client = login_as(placement.student)
    _post(client, placement, ("приказ.pdf", pdf()))
    absence = db.session.scalar(select(Absence))
    served = client.get(f"/absences/{absence.id}/document")
    assert served.mimetype == "application/pdf"
    assert served.headers["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(("name", "content"), [
    ("note.svg", SVG), ("note.html", HTML), ("note.jpg", b"not a picture at all"),
])
def test_a_bad_file_refuses_the_absence_in_words_and_stores_nothing(app, login_as, name,
                                                                   content):
    placement = _placement()
    response = _post(login_as(placement.student), placement, (name, content))
    assert response.status_code == 422
    assert 'class="field__error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Absence)) == 0
    assert _stored(app) == []


def test_a_refused_absence_leaves_no_file_behind(app, login_as):
    placement = _placement()
    client = login_as(placement.student)
    assert _post(client, placement).status_code == 302
    again = _post(client, placement, ("справка.pdf", pdf()))  # the same days: a clash
    assert again.status_code == 422
    assert "уже записан пропуск" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Absence)) == 1
    assert _stored(app) == []


def test_the_document_is_not_served_outside_the_placement(login_as, client):
    placement = _placement()
    _post(login_as(placement.student), placement, ("справка.pdf", pdf()))
    absence = db.session.scalar(select(Absence))
    client.post("/logout")
    login_as(builders.mentor())
    assert client.get(f"/absences/{absence.id}/document").status_code == 404


def test_an_absence_without_a_document_has_no_link(login_as):
    placement = _placement()
    client = login_as(placement.student)
    _post(client, placement)
    absence = db.session.scalar(select(Absence))
    assert client.get(f"/absences/{absence.id}/document").status_code == 404
