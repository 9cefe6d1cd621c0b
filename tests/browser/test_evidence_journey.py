"""Evidence on a phone: the trainee attaches a photo and a PDF to a day, the foreman sees the
photo in the review card, and a file that is not a photo is refused in words."""

import io

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import EntryStatus
from tests import builders
from tests.browser.steps import sign_in, sign_out
from tests.builders_practice import last_week

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def files_dir(monkeypatch, tmp_path):
    """The live server reads its settings from the environment: keep its files in the test's
    folder, not in instance/."""
    monkeypatch.setenv("FILES_DIR", str(tmp_path / "files"))
    return tmp_path / "files"


def _photo(path) -> str:
    out = io.BytesIO()
    Image.new("RGB", (1600, 1200), (160, 80, 40)).save(out, "JPEG")
    path.write_bytes(out.getvalue())
    return str(path)


def test_a_photo_goes_from_the_phone_to_the_review_card(page: Page, live_server, tmp_path,
                                                        files_dir):
    placement = builders.placement()
    day = last_week().monday
    entry = builders.entry(placement, day, status=EntryStatus.DRAFT)
    db.session.commit()
    page.set_viewport_size({"width": 360, "height": 780})
    (tmp_path / "note.jpg").write_text("not a photo, only a name\n" * 10)

    sign_in(page, live_server, placement.student.email, name=placement.student.full_name)
    page.goto(f"{live_server}/diary/{placement.id}?week={last_week().code}")
    page.get_by_role("link", name="Добавить фото или PDF").click()
    expect(page.get_by_text("до 5 МБ каждый, не больше 5 файлов к записи")).to_be_visible()
    page.get_by_label("Выбрать фото или PDF").set_input_files(str(tmp_path / "note.jpg"))
    page.get_by_role("button", name="Загрузить").click()
    expect(page.locator(".error-summary")).to_contain_text("по содержимому не фото и не PDF")
    page.get_by_label("Выбрать фото или PDF").set_input_files(_photo(tmp_path / "seam.jpg"))
    page.get_by_role("button", name="Загрузить").click()
    expect(page.get_by_text("Добавлено файлов: 1.")).to_be_visible()
    expect(page.get_by_role("img", name="Фото: seam.jpg")).to_be_visible()
    # Visible is the box (its width and height are set); wait for the thumbnail itself to load.
    expect(page.locator(".evidence-list__thumb").first).to_have_js_property("complete", True)
    assert page.evaluate("document.querySelector('.evidence-list__thumb').naturalWidth") == 320
    page.get_by_role("link", name="К дневнику недели").click()
    expect(page.get_by_role("link", name="Фото и документы: 1")).to_be_visible()
    page.get_by_role("button", name=f"Отправить день {day.strftime('%d.%m')}").click()
    expect(page.get_by_text("Отправлено наставнику на проверку: 1.")).to_be_visible()
    sign_out(page)

    sign_in(page, live_server, placement.mentor.email, name=placement.mentor.full_name)
    page.goto(f"{live_server}/review")
    card = page.locator(f"#entry-{entry.id}")
    expect(card.get_by_role("img", name="Фото: seam.jpg")).to_be_visible()
    with page.expect_popup() as opened:
        card.get_by_role("img", name="Фото: seam.jpg").click()
    expect(opened.value.locator("img")).to_be_visible()
