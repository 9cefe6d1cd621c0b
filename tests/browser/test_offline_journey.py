"""Works without signal, in Chromium's offline mode: a trainee types a day and photographs the
work with no connection, the phone keeps both ("on the phone, not sent"), the service worker
shows the offline shell on a reload; back online the day is sent with its photo, and the
foreman — signing it offline in turn — sees both."""

from datetime import date

import pytest
from axe_playwright_python.sync_playwright import Axe
from PIL import ExifTags, Image
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.extensions import db
from app.models import DiaryEntry, EntryAttachment, EntryStatus, OfflineWrite
from app.practice.weeks import Week
from tests import builders
from tests.browser.steps import sign_in, sign_out

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def files_dir(monkeypatch, tmp_path):
    """The live server's photos go to the test's folder, not to instance/."""
    monkeypatch.setenv("FILES_DIR", str(tmp_path / "files"))
    return tmp_path / "files"

WORKER_READY = """async () => {
  const registration = await navigator.serviceWorker.ready;
  return Boolean(registration.active);
}"""

# Resolves once the page has stored what the phone keeps (the week or the queue).
SNAPSHOT_KEPT = """async (role) => {
  for (let i = 0; i < 100; i += 1) {
    const db = await idb.openDB("shakirt-offline", 1);
    const kept = await db.get("snapshot", "current");
    db.close();
    if (kept && kept.role === role) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}"""


def _serious(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page as it stands."""
    return [f"{v['id']} {[n['target'] for n in v['nodes'][:3]]}"
            for v in Axe().run(page).response["violations"]
            if v["impact"] in ("serious", "critical")]


def _entry(placement) -> DiaryEntry | None:
    db.session.expire_all()
    return db.session.scalar(select(DiaryEntry).where(DiaryEntry.placement_id == placement.id))


def _ready_offline(page: Page, role: str) -> None:
    assert page.evaluate(WORKER_READY)
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    assert page.evaluate(SNAPSHOT_KEPT, role)


def _photo(path) -> str:
    """A photo as a phone's camera would hand it over (big, with its maker's metadata)."""
    image = Image.new("RGB", (3000, 2000), (170, 95, 40))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "ShopPhone"
    image.save(path, "JPEG", exif=exif.tobytes())
    return str(path)


def test_a_day_typed_offline_is_kept_sent_when_online_and_signed_by_the_foreman(
        page: Page, live_server, tmp_path):
    placement = builders.placement()
    db.session.commit()
    monday = Week.of(date.today()).monday
    day = monday.strftime("%d.%m")
    text = "Зачистка швов, записано в цеху без связи"
    page.set_viewport_size({"width": 360, "height": 780})

    # Online: the trainee opens the diary; the worker installs, the week is kept on the phone.
    sign_in(page, live_server, placement.student.email, name=placement.student.full_name)
    page.goto(f"{live_server}/diary/{placement.id}")
    _ready_offline(page, "student")

    # No signal: the day is typed, a photo taken, and "sent" — it all stays on the phone.
    page.context.set_offline(True)
    page.evaluate("window.dispatchEvent(new Event('offline'))")
    page.get_by_label(f"Часы {day}").fill("6")
    page.get_by_label(f"Что сделано {day}").fill(text)
    page.get_by_label(f"Фото к записи {day}").set_input_files(_photo(tmp_path / "seam.jpg"))
    page.get_by_role("button", name=f"Отправить день {day}").click()
    panel = page.locator("[data-offline-panel]")
    expect(panel).to_contain_text("на телефоне, не отправлено")
    expect(panel).to_contain_text("фото: 1")
    page.screenshot(path="test-results/offline-diary-photo.png", full_page=True)
    expect(page.get_by_text("Нет связи: сохранено на телефоне")).to_be_visible()
    assert _entry(placement) is None

    # Reloaded without signal: the service worker answers with the shell and the kept week.
    page.reload()
    expect(page.get_by_role("heading", name="Нет связи")).to_be_visible()
    expect(page.locator("[data-offline-panel]")).to_contain_text("на телефоне, не отправлено")
    expect(page.get_by_label(f"Часы {day}")).to_be_visible()
    page.screenshot(path="test-results/offline-shell-student.png", full_page=True)
    assert _serious(page) == []

    # Back online: the shell sends what waited, once.
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("[data-offline-panel]")).to_contain_text("отправлено")
    expect(page.locator("[data-offline-panel]")).not_to_contain_text("не отправлено")
    entry = _entry(placement)
    assert entry is not None and entry.status == EntryStatus.SUBMITTED
    assert entry.activity == text and entry.minutes == 360
    [photo] = db.session.scalars(select(EntryAttachment).where(
        EntryAttachment.entry_id == entry.id)).all()
    assert photo.name == "seam.jpg" and max(photo.width, photo.height) <= 2048
    page.goto(f"{live_server}/diary/{placement.id}")
    expect(page.locator(f"[data-date='{monday.isoformat()}']")).to_contain_text(text)
    sign_out(page)
    kept = page.evaluate("""async () => {
      const db = await idb.openDB("shakirt-offline", 1);
      const left = (await db.getAll("writes")).length + (await db.getAll("snapshot")).length;
      db.close();
      return left;
    }""")
    assert kept == 0  # a shared phone keeps nothing of the trainee who signed out

    # The foreman sees the day in the queue and signs it without signal; online, it is signed.
    sign_in(page, live_server, placement.mentor.email, name=placement.mentor.full_name)
    page.goto(f"{live_server}/review")
    expect(page.get_by_text(text)).to_be_visible()
    expect(page.get_by_role("img", name="Фото: seam.jpg")).to_be_visible()
    _ready_offline(page, "mentor")
    page.context.set_offline(True)
    page.get_by_role("button", name=f"Подписать {day}", exact=True).click()
    expect(page.locator("[data-offline-panel]")).to_contain_text("на телефоне, не отправлено")
    assert _entry(placement).status == EntryStatus.SUBMITTED
    page.context.set_offline(False)
    expect(page.locator("[data-offline-panel]")).not_to_contain_text("не отправлено")
    expect(page.locator("[data-offline-panel]")).to_contain_text("отправлено")
    page.screenshot(path="test-results/offline-review-synced.png", full_page=True)
    assert _entry(placement).status == EntryStatus.APPROVED
    assert len(db.session.scalars(select(OfflineWrite)).all()) == 2


def test_a_day_changed_while_offline_shows_both_texts_and_loses_none(page: Page, live_server):
    placement = builders.placement()
    monday = Week.of(date.today()).monday
    draft = builders.entry(placement, monday, status=EntryStatus.DRAFT, activity="Черновик утра")
    db.session.commit()
    day = monday.strftime("%d.%m")
    page.set_viewport_size({"width": 360, "height": 780})
    sign_in(page, live_server, placement.student.email, name=placement.student.full_name)
    page.goto(f"{live_server}/diary/{placement.id}")
    _ready_offline(page, "student")

    page.context.set_offline(True)
    page.get_by_label(f"Что сделано {day}").fill("Текст, набранный в цеху")
    page.get_by_role("button", name="Сохранить черновик").last.click()
    expect(page.locator("[data-offline-panel]")).to_contain_text("на телефоне, не отправлено")
    # Meanwhile the same day is changed on another device.
    draft = db.session.get(DiaryEntry, draft.id)
    draft.activity = "Исправлено с компьютера"
    db.session.commit()

    page.context.set_offline(False)
    panel = page.locator("[data-offline-panel]")
    expect(panel).to_contain_text("не принято — конфликт")
    expect(panel).to_contain_text("сохранены оба текста")
    expect(panel).to_contain_text("Текст, набранный в цеху")
    expect(panel).to_contain_text("Исправлено с компьютера")
    page.screenshot(path="test-results/offline-conflict.png", full_page=True)
    assert _serious(page) == []
    assert _entry(placement).activity == "Исправлено с компьютера"
