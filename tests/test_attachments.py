"""Evidence on a diary entry: photos and PDFs judged by their content, kept outside the database
under content-addressed names, served through the entry's scope, locked with an approved entry."""

import io
import os
import struct
import zlib
from datetime import date, timedelta

import pytest
from PIL import ExifTags, Image
from pypdf import PdfWriter
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.evidence.services import EvidenceLimits, add_attachments
from app.extensions import db
from app.files.storage import (
    LocalFileStore,
    S3FileStore,
    clean_orphans,
    file_store,
    kept_on_commit,
    key_of,
)
from app.files.uploads import UploadLimits, accept_upload
from app.models import AuditEvent, EntryAttachment, EntryStatus, utcnow
from app.rules import RuleViolation
from tests import builders
from tests.builders_documents import pdf_pages
from tests.conftest import login

DAY = date(2026, 11, 24)


@pytest.fixture
def app_config(tmp_path):
    return {"FILES_DIR": str(tmp_path / "files")}


@pytest.fixture
def files_dir(app):
    return app.config["FILES_DIR"]


def stored_files(files_dir) -> list[str]:
    return sorted(p for _root, _dirs, names in os.walk(files_dir) for p in names)


def rows() -> int:
    return db.session.scalar(select(func.count()).select_from(EntryAttachment))


# --- files made in the test ----------------------------------------------------------------------

def photo(size=(1200, 900), color=(180, 90, 30), gps=False, orientation=None, fmt="JPEG") -> bytes:
    image = Image.new("RGB", size, color)
    out = io.BytesIO()
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "ShopPhone"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    if gps:
        info = exif.get_ifd(ExifTags.IFD.GPSInfo)
        info[ExifTags.GPS.GPSLatitudeRef] = "N"
        info[ExifTags.GPS.GPSLatitude] = (49.0, 57.0, 12.0)
        info[ExifTags.GPS.GPSLongitudeRef] = "E"
        info[ExifTags.GPS.GPSLongitude] = (82.0, 37.0, 5.0)
    image.save(out, fmt, **({"exif": exif.tobytes()} if fmt == "JPEG" else {}))
    return out.getvalue()


def pdf(pages=1, password=None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bomb(width=40_000, height=40_000) -> bytes:
    """A few hundred bytes whose header promises 1.6 gigapixels."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + chunk(b"IEND", b""))


SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def upload(client, entry, *files, field="files"):
    data = {field: [(io.BytesIO(content), name) for name, content in files], "upload": "y"}
    return client.post(f"/diary/entries/{entry.id}/files", data=data,
                        content_type="multipart/form-data")


@pytest.fixture
def world(app):
    """A trainee's draft entry, the people around it, and another college's trainee."""
    group = builders.group()
    mentor = builders.mentor()
    student = builders.student(group)
    placement = builders.placement(student, mentor)
    entry = builders.entry(placement, DAY, status=EntryStatus.DRAFT)
    other = builders.placement()
    other_entry = builders.entry(other, DAY, status=EntryStatus.DRAFT)
    people = {
        "student": student, "mentor": mentor,
        "coordinator": builders.coordinator(group.college),
        "employer": builders.employer(mentor.enterprise), "admin": builders.admin(),
        "other_student": other.student, "other_mentor": other.mentor,
        "other_coordinator": builders.coordinator(other.college),
    }
    db.session.commit()
    return {"entry": entry, "other_entry": other_entry, "people": people,
            "placement": placement}


def as_user(app, user):
    client = app.test_client()
    db.session.commit()
    assert login(client, user).status_code == 302
    return client


def attached(world, app, *files):
    """Upload as the trainee, expecting success; the rows made."""
    client = as_user(app, world["people"]["student"])
    response = upload(client, world["entry"], *files)
    assert response.status_code == 302, response.get_data(as_text=True)
    return list(db.session.scalars(select(EntryAttachment).order_by(EntryAttachment.id)))


# --- what is kept -------------------------------------------------------------------------------

def test_photo_is_re_encoded_without_metadata_or_gps_upright_and_capped(world, app, files_dir):
    original = photo(size=(3000, 1000), gps=True, orientation=6)
    assert b"ShopPhone" in original
    with Image.open(io.BytesIO(original)) as check:
        assert check.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test photo does carry GPS
    [attachment] = attached(world, app, ("IMG_0042.jpg", original))
    kept = file_store().get(attachment.file_key)
    assert attachment.file_key == key_of(kept) and attachment.size == len(kept)
    assert b"ShopPhone" not in kept and b"Exif" not in kept
    with Image.open(io.BytesIO(kept)) as image:
        assert image.format == "JPEG"
        assert not image.getexif() and "exif" not in image.info
        # Orientation 6 turned it upright (portrait), the long side capped at 2048.
        assert image.size == (683, 2048) or image.size == (682, 2048)
    with Image.open(io.BytesIO(file_store().get(attachment.thumb_key))) as thumb:
        assert max(thumb.size) == 320
    # Content-addressed, outside the database, under instance/… (the test's folder here).
    assert sorted(stored_files(files_dir)) == sorted([attachment.file_key, attachment.thumb_key])
    assert os.path.exists(os.path.join(files_dir, attachment.file_key[:2], attachment.file_key))
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "attachment_added"))
    assert event.object_id == world["entry"].id


def test_png_and_webp_are_accepted_and_kept_as_jpeg(world, app):
    made = attached(world, app, ("scheme.png", photo(fmt="PNG")), ("w.webp", photo(fmt="WEBP")))
    assert [a.content_type for a in made] == ["image/jpeg", "image/jpeg"]
    assert [a.name for a in made] == ["scheme.png", "w.webp"]


def test_pdf_is_kept_as_sent_and_downloaded_not_shown(world, app):
    document = pdf(pages=2)
    [attachment] = attached(world, app, ("Акт приёмки.pdf", document))
    assert attachment.content_type == "application/pdf" and attachment.pages == 2
    assert attachment.thumb_key is None
    response = as_user(app, world["people"]["mentor"]).get(f"/diary/files/{attachment.id}")
    assert response.status_code == 200 and response.data == document
    assert response.headers["Content-Type"] == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''%D0%90%D0%BA%D1%82_%D0%BF%D1%80%D0%B8%D1%91%D0%BC%D0%BA%D0%B8.pdf" \
        in disposition
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_photo_is_served_inline_with_a_safe_name(world, app):
    [attachment] = attached(world, app, ("../../shop/сварка\u202e gpj.exe", photo()))
    # Shown as sent minus the folders and the bidi override that would show "exe.jpg".
    assert attachment.name == "сварка gpj.exe"
    response = as_user(app, world["people"]["student"]).get(f"/diary/files/{attachment.id}")
    assert response.status_code == 200 and response.headers["Content-Type"] == "image/jpeg"
    # Saved as what it is (a JPEG), whatever the name said; the ASCII fallback by werkzeug.
    assert response.headers["Content-Disposition"] == (
        "inline; filename=_gpj.jpg; filename*=UTF-8''%D1%81%D0%B2%D0%B0%D1%80%D0%BA%D0%B0_gpj.jpg")
    thumb = as_user(app, world["people"]["mentor"]).get(f"/diary/files/{attachment.id}/thumb")
    assert thumb.status_code == 200 and thumb.headers["Cache-Control"] == "no-store"


def test_the_same_photo_twice_is_kept_once_and_released_when_nobody_holds_it(world, app,
                                                                             files_dir):
    same = photo()
    first, second = attached(world, app, ("a.jpg", same), ("b.jpg", same))
    assert first.file_key == second.file_key
    assert len(stored_files(files_dir)) == 2  # the photo and its thumbnail, once each
    client = as_user(app, world["people"]["student"])
    assert client.post(f"/diary/files/{first.id}/remove").status_code == 302
    assert len(stored_files(files_dir)) == 2  # still held by the second
    assert client.post(f"/diary/files/{second.id}/remove").status_code == 302
    assert stored_files(files_dir) == [] and rows() == 0


# --- bad input: a message in words, nothing stored ---------------------------------------------

BAD = [
    ("renamed.jpg", b"This is a text file, renamed to look like a photo.\n" * 20,
     "по содержимому не фото и не PDF"),
    ("drawing.svg", SVG, "SVG или HTML"),
    ("page.jpg", HTML, "SVG или HTML"),
    ("bomb.png", png_bomb(), "слишком велико по числу точек"),
    ("cut.jpg", photo()[:600], "повреждён или обрезан"),
    ("fake.pdf", b"%PDF-1.7\n this is not really a PDF at all", "повреждён или обрезан"),
    ("locked.pdf", pdf(password="secret"), "защищён паролем"),
    ("empty.jpg", b"", "пустой"),
    ("anim.gif", b"GIF89a" + b"\0" * 100, "по содержимому не фото и не PDF"),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_files_are_refused_in_words_and_nothing_is_stored(world, app, files_dir, name,
                                                              content, message):
    client = as_user(app, world["people"]["student"])
    response = upload(client, world["entry"], ("good.jpg", photo()), (name, content))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page and "Ничего не сохранено." in page
    assert stored_files(files_dir) == [] and rows() == 0


def test_pixels_above_the_configured_cap_are_refused(world, app, files_dir):
    app.config["ATTACHMENT_MAX_PIXELS"] = 1_000_000
    response = upload(as_user(app, world["people"]["student"]), world["entry"],
                      ("big.jpg", photo(size=(1200, 1000))))
    assert response.status_code == 422
    assert "больше 1 мегапикселей" in response.get_data(as_text=True)
    assert stored_files(files_dir) == [] and rows() == 0


def test_a_100_mb_upload_is_refused_before_it_is_read(world, app, files_dir):
    client = as_user(app, world["people"]["student"])
    response = upload(client, world["entry"], ("huge.jpg", b"\xff" * (100 * 1024 * 1024)))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "вместе больше 5 МБ: ничего не сохранено" in page
    assert stored_files(files_dir) == [] and rows() == 0


def test_the_per_file_limit_is_stated_before_and_enforced_after(world, app, files_dir):
    app.config["ATTACHMENT_MAX_BYTES"] = 200 * 1024
    client = as_user(app, world["people"]["student"])
    page = client.get(f"/diary/entries/{world['entry'].id}/files").get_data(as_text=True)
    assert "до 0,2 МБ каждый, не больше 5 файлов к записи" in page
    assert 'accept="image/*,application/pdf"' in page and 'capture="environment"' in page
    assert 'data-max-bytes="204800"' in page
    noise = Image.effect_noise((1500, 1500), 100).convert("RGB")
    out = io.BytesIO()
    noise.save(out, "JPEG", quality=95)
    assert len(out.getvalue()) > 200 * 1024
    response = upload(client, world["entry"], ("noise.jpg", out.getvalue()))
    assert response.status_code == 422
    assert "больше 0,2 МБ" in response.get_data(as_text=True)
    assert stored_files(files_dir) == [] and rows() == 0


def test_files_per_entry_are_capped_all_or_nothing(world, app, files_dir):
    app.config["ATTACHMENT_MAX_PER_ENTRY"] = 2
    attached(world, app, ("one.jpg", photo(color=(1, 2, 3))))
    before = stored_files(files_dir)
    response = upload(as_user(app, world["people"]["student"]), world["entry"],
                      ("two.jpg", photo(color=(4, 5, 6))), ("three.jpg", photo(color=(7, 8, 9))))
    assert response.status_code == 422
    assert "не больше 2 файлов: уже есть 1, выбрано 2" in response.get_data(as_text=True)
    assert stored_files(files_dir) == before and rows() == 1


def test_nothing_chosen_is_said(world, app):
    response = upload(as_user(app, world["people"]["student"]), world["entry"])
    assert response.status_code == 422
    assert "Выберите фото или PDF." in response.get_data(as_text=True)


def test_refusal_in_the_readers_language(world, app):
    student = world["people"]["student"]
    student.locale = "en"
    db.session.commit()
    response = upload(as_user(app, student), world["entry"], ("x.jpg", b"not a photo at all"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Ничего не сохранено" not in page and "Nothing" in page


def test_orphan_files_are_removed_when_the_database_write_fails(world, app, files_dir):
    entry = world["entry"]
    accepted = accept_upload(_Upload("a.jpg", photo()), UploadLimits(max_bytes=5 << 20))
    with pytest.raises(IntegrityError), kept_on_commit(db.session):
        add_attachments(world["people"]["student"], entry, [accepted], EvidenceLimits(5))
        assert len(stored_files(files_dir)) == 2  # the file was written first…
        db.session.add(EntryAttachment(entry_id=2_000_000, name="x", content_type="image/jpeg",
                                       file_key="0" * 64, size=1))
    assert stored_files(files_dir) == [] and rows() == 0  # …and removed with the rollback


def test_a_file_already_held_survives_a_failed_transaction(world, app, files_dir):
    [kept] = attached(world, app, ("a.jpg", photo()))
    accepted = accept_upload(_Upload("a.jpg", photo()), UploadLimits(max_bytes=5 << 20))
    with pytest.raises(RuleViolation), kept_on_commit(db.session):
        add_attachments(world["people"]["student"], db.session.get(type(world["entry"]),
                                                                   world["entry"].id),
                        [accepted], EvidenceLimits(5))
        raise RuleViolation("refused later")
    assert file_store().exists(kept.file_key) and file_store().exists(kept.thumb_key)


class _Upload:
    def __init__(self, filename, data):
        self.filename = filename
        self.stream = io.BytesIO(data)


# --- who may see, add and remove ---------------------------------------------------------------

SEE = {"student": 200, "mentor": 200, "coordinator": 200, "employer": 200, "admin": 200,
       "other_student": 404, "other_mentor": 404, "other_coordinator": 404}
CHANGE = {"student": 302, "mentor": 403, "coordinator": 403, "employer": 403, "admin": 403,
          "other_student": 404, "other_mentor": 404, "other_coordinator": 404}


@pytest.mark.parametrize("who", list(SEE))
def test_who_sees_the_files_as_they_see_the_entry(world, app, who):
    [attachment] = attached(world, app, ("a.jpg", photo()))
    client = as_user(app, world["people"][who])
    for url in (f"/diary/files/{attachment.id}", f"/diary/files/{attachment.id}/thumb",
                f"/diary/entries/{world['entry'].id}/files"):
        assert client.get(url).status_code == SEE[who], url


@pytest.mark.parametrize("who", list(CHANGE))
def test_only_the_trainee_adds_files(world, app, files_dir, who):
    response = upload(as_user(app, world["people"][who]), world["entry"], ("a.jpg", photo()))
    assert response.status_code == CHANGE[who]
    assert rows() == (1 if who == "student" else 0)
    if who != "student":
        assert stored_files(files_dir) == []


@pytest.mark.parametrize("who", list(CHANGE))
def test_only_the_trainee_removes_files(world, app, who):
    [attachment] = attached(world, app, ("a.jpg", photo()))
    response = as_user(app, world["people"][who]).post(f"/diary/files/{attachment.id}/remove")
    expected = {302: 302, 403: 302, 404: 404}[CHANGE[who]]
    assert response.status_code == expected
    assert rows() == (0 if who == "student" else 1)


def test_a_forged_entry_id_of_another_trainee_is_404(world, app, files_dir):
    client = as_user(app, world["people"]["student"])
    response = upload(client, world["other_entry"], ("a.jpg", photo()))
    assert response.status_code == 404
    assert stored_files(files_dir) == [] and rows() == 0
    assert client.get("/diary/entries/2000000/files").status_code == 404
    assert client.get("/diary/files/2000000").status_code == 404


# --- locked with the entry ---------------------------------------------------------------------

@pytest.mark.parametrize("status", [EntryStatus.APPROVED, EntryStatus.SUBMITTED])
def test_an_approved_or_waiting_entrys_files_are_locked(world, app, files_dir, status):
    [attachment] = attached(world, app, ("a.jpg", photo()))
    world["entry"].status = status
    db.session.commit()
    before = stored_files(files_dir)
    client = as_user(app, world["people"]["student"])
    word = "подписана наставником" if status == EntryStatus.APPROVED else "на проверке"
    page = client.get(f"/diary/entries/{world['entry'].id}/files").get_data(as_text=True)
    assert word in page and 'type="file"' not in page and "Удалить" not in page
    response = upload(client, world["entry"], ("b.jpg", photo(color=(9, 9, 9))))
    assert response.status_code == 409 and word in response.get_data(as_text=True)
    response = client.post(f"/diary/files/{attachment.id}/remove", follow_redirects=True)
    assert word in response.get_data(as_text=True)
    assert "Ничего не изменено." in response.get_data(as_text=True)
    assert rows() == 1 and stored_files(files_dir) == before


def test_a_rejected_entry_takes_new_files(world, app):
    world["entry"].status = EntryStatus.REJECTED
    db.session.commit()
    assert len(attached(world, app, ("fix.jpg", photo()))) == 1


# --- where they are seen -----------------------------------------------------------------------

def test_the_diary_and_the_review_card_show_thumbnails(world, app):
    [attachment] = attached(world, app, ("a.jpg", photo()), )
    world["entry"].status = EntryStatus.SUBMITTED
    world["entry"].submitted_at = utcnow()
    db.session.commit()
    thumb = f'src="/diary/files/{attachment.id}/thumb"'
    week = f"{DAY.isocalendar().year}-W{DAY.isocalendar().week:02d}"
    diary = as_user(app, world["people"]["student"]).get(
        f"/diary/{world['placement'].id}?week={week}").get_data(as_text=True)
    assert thumb in diary
    review = as_user(app, world["people"]["mentor"]).get("/review").get_data(as_text=True)
    assert thumb in review and 'alt="Фото: a.jpg"' in review


def test_pages_run_a_fixed_number_of_queries(world, app, query_counter):
    student = world["people"]["student"]
    client = as_user(app, student)
    week = f"{DAY.isocalendar().year}-W{DAY.isocalendar().week:02d}"
    url = f"/diary/{world['placement'].id}?week={week}"

    def count() -> int:
        with query_counter() as counter:
            assert client.get(url).status_code == 200
        return counter.count

    upload(client, world["entry"], ("a.jpg", photo()))
    small = count()
    for offset in (1, 2, 3):
        entry = builders.entry(world["placement"], DAY - timedelta(days=offset),
                               status=EntryStatus.DRAFT)
        db.session.commit()
        upload(client, entry, ("b.jpg", photo(color=(offset, 0, 0))),
               ("c.pdf", pdf()))
    assert rows() == 7
    assert count() == small


def test_the_diary_pdf_lists_each_entrys_files(world, app):
    attached(world, app, ("сварной шов.jpg", photo()), ("Акт.pdf", pdf(pages=3)))
    world["entry"].status = EntryStatus.APPROVED
    world["entry"].reviewed_by_id = world["people"]["mentor"].id
    world["entry"].reviewed_at = utcnow()
    db.session.commit()
    client = as_user(app, world["people"]["coordinator"])
    response = client.get(f"/documents/diary/{world['placement'].id}.pdf")
    assert response.status_code == 200
    text = " ".join(" ".join(pdf_pages(response.data)).split())
    assert "Приложения (2):" in text
    # -layout may put the signer's column between a name and its kind.
    assert "сварной шов.jpg (фото); Акт.pdf" in text and "(PDF, 3 стр.)" in text


# --- the stores and the orphan sweep -------------------------------------------------------------

def test_flask_files_clean_removes_only_old_files_nobody_holds(world, app, files_dir, runner):
    [kept] = attached(world, app, ("a.jpg", photo()))
    store = file_store()
    orphan = b"left behind by an interrupted upload"
    young = b"an upload committing right now"
    store.put(key_of(orphan), orphan, "image/jpeg")
    store.put(key_of(young), young, "image/jpeg")
    # The store's clock is the file system's: set the files' times around the frozen "now".
    old = _epoch(utcnow() - timedelta(hours=3))
    recent = _epoch(utcnow() - timedelta(minutes=10))
    for path, when in ((store.path(key_of(orphan)), old), (store.path(kept.file_key), old),
                       (store.path(key_of(young)), recent)):
        os.utime(path, (when, when))
    result = runner.invoke(args=["files", "clean"])
    assert result.exit_code == 0 and "removed 1 orphan" in result.output
    assert not store.exists(key_of(orphan))
    assert store.exists(key_of(young)) and store.exists(kept.file_key)
    assert clean_orphans(utcnow(), timedelta(0)) == 1  # the young one, once past its grace


def _epoch(naive_utc) -> float:
    from datetime import UTC

    return naive_utc.replace(tzinfo=UTC).timestamp()


def test_the_s3_store_speaks_to_a_bucket(app):
    import boto3
    from botocore.stub import Stubber

    client = boto3.client("s3", region_name="us-east-1", aws_access_key_id="x",
                          aws_secret_access_key="x")  # noqa: S106
    store = S3FileStore("evidence", "shakirt/", client=client)
    data = b"photo bytes"
    key = key_of(data)
    with Stubber(client) as stub:
        stub.add_client_error("head_object", "404", http_status_code=404,
                              expected_params={"Bucket": "evidence", "Key": f"shakirt/{key}"})
        stub.add_response("put_object", {}, {"Bucket": "evidence", "Key": f"shakirt/{key}",
                                             "Body": data, "ContentType": "image/jpeg"})
        stub.add_response("get_object", {"Body": io.BytesIO(data)},
                          {"Bucket": "evidence", "Key": f"shakirt/{key}"})
        stub.add_client_error("get_object", "NoSuchKey", http_status_code=404)
        assert store.put(key, data, "image/jpeg") is True
        assert store.get(key) == data
        with pytest.raises(FileNotFoundError):
            store.get(key)
        stub.assert_no_pending_responses()


def test_keys_that_are_not_content_addresses_are_refused(tmp_path):
    store = LocalFileStore(tmp_path)
    for bad in ("../../etc/passwd", "A" * 64, "0" * 63):
        with pytest.raises(ValueError):
            store.path(bad)


def test_the_limits_respect_flasks_upload_cap(app):
    app.config["ATTACHMENT_MAX_BYTES"] = 50 << 20
    app.config["MAX_CONTENT_LENGTH"] = 5 << 20
    assert UploadLimits.from_config(app.config).max_bytes == 5 << 20


def test_the_foremans_diary_pdf_shows_the_photos_thumbnails(world, app):
    from pypdf import PdfReader

    attached(world, app, ("шов.jpg", photo()), ("Акт.pdf", pdf()))
    world["entry"].status = EntryStatus.APPROVED
    world["entry"].reviewed_by_id = world["people"]["mentor"].id
    world["entry"].reviewed_at = utcnow()
    db.session.commit()
    url = f"/documents/diary/{world['placement'].id}.pdf"

    def images(who) -> int:
        response = as_user(app, world["people"][who]).get(url)
        assert response.status_code == 200
        # WeasyPrint may share one resource dictionary between pages: count images once.
        return len({image.data for page in PdfReader(io.BytesIO(response.data)).pages
                    for image in page.images})

    assert images("mentor") == 1  # the photo's thumbnail; the PDF is listed by name
    assert images("coordinator") == 0


def test_a_day_with_files_cannot_be_cleared_away_in_the_diary(world, app, files_dir):
    from tests.builders_practice import week_form

    attached(world, app, ("a.jpg", photo()))
    entry = world["entry"]
    db.session.refresh(entry)
    client = as_user(app, world["people"]["student"])
    week = f"{DAY.isocalendar().year}-W{DAY.isocalendar().week:02d}"
    response = client.post(f"/diary/{world['placement'].id}?week={week}", data=week_form(
        [{"date": DAY, "hours": "", "activity": "", "version": entry.version}]))
    assert response.status_code == 422
    assert "приложены фото или документы" in response.get_data(as_text=True)
    assert rows() == 1 and len(stored_files(files_dir)) == 2
    assert db.session.get(type(entry), entry.id) is not None


def test_the_configuration_chooses_the_s3_store(app):
    app.config.update(FILES_BACKEND="s3", FILES_S3_BUCKET="evidence", FILES_S3_PREFIX="p/",
                      FILES_S3_REGION="us-east-1",
                      FILES_S3_ENDPOINT_URL="https://objects.example.invalid")
    app.extensions.pop("shakirt_files", None)
    store = file_store()
    assert isinstance(store, S3FileStore)
    assert (store.bucket, store.prefix) == ("evidence", "p/")
    assert store.client.meta.endpoint_url == "https://objects.example.invalid"
    app.extensions.pop("shakirt_files", None)
