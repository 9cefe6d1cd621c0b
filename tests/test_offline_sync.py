"""Works without signal: writes queued on a phone are taken once each (an idempotency key per
write), a conflict keeps both texts, a stale approval is refused, an expired CSRF token is
replaced, and nobody writes into another trainee's diary — plus the manifest, the worker and
the data the phone keeps."""

import re
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, DiaryEntry, EntryStatus, OfflineOutcome, OfflineWrite
from app.practice.weeks import Week
from tests import builders
from tests.conftest import login

MONDAY = Week.of(date.today()).monday  # the frozen clock's week: Monday is already past


def _key() -> str:
    return str(uuid.uuid4())


def _entry_write(placement, day=MONDAY, key=None, **kw) -> dict:
    return {"key": key or _key(), "kind": "entry", "placement": str(placement.id),
            "work_date": day.isoformat(), "hours": kw.pop("hours", "6"),
            "activity": kw.pop("activity", "Сварка стыков без связи"),
            "version": kw.pop("version", ""), "submit": kw.pop("submit", ""), **kw}


def _send(client, write: dict, token: str | None = None):
    headers = {"X-CSRFToken": token} if token is not None else {}
    return client.post("/offline/writes", json=write, headers=headers)


def _entries(placement) -> list[DiaryEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(DiaryEntry).where(
        DiaryEntry.placement_id == placement.id).order_by(DiaryEntry.work_date)))


def _writes() -> int:
    return db.session.scalar(select(func.count()).select_from(OfflineWrite))


# --- the write, once ---------------------------------------------------------------------------


def test_an_entry_typed_offline_is_saved_and_sent_to_the_foreman(login_as):
    placement = builders.placement()
    client = login_as(placement.student)
    response = _send(client, _entry_write(placement, submit="1"))
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["outcome"] == "done" and answer["replayed"] is False
    assert "отправлена наставнику" in answer["message"]
    [entry] = _entries(placement)
    assert (entry.work_date, entry.minutes, entry.status) == (MONDAY, 360,
                                                              EntryStatus.SUBMITTED)
    assert entry.activity == "Сварка стыков без связи"
    assert answer["server"]["id"] == entry.id


def test_a_replayed_write_is_answered_as_done_and_nothing_is_duplicated(login_as):
    placement = builders.placement()
    client = login_as(placement.student)
    write = _entry_write(placement, submit="1")
    first = _send(client, write).get_json()
    again = _send(client, write)
    assert again.status_code == 200
    assert again.get_json()["outcome"] == "done" and again.get_json()["replayed"] is True
    assert again.get_json()["message"] == first["message"]
    [entry] = _entries(placement)
    assert entry.version == first["server"]["version"]  # not written a second time
    assert _writes() == 1
    submitted = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.object_type == "diary_entries", AuditEvent.action == "entry_submitted"))
    assert submitted == 1


def test_the_same_key_of_another_user_is_another_write(login_as, client):
    first = builders.placement()
    second = builders.placement()
    db.session.commit()
    key = _key()
    login(client, first.student)
    assert _send(client, _entry_write(first, key=key)).status_code == 200
    client.post("/logout")
    login(client, second.student)
    answer = _send(client, _entry_write(second, key=key, activity="Другой текст")).get_json()
    assert answer["outcome"] == "done" and answer["replayed"] is False
    assert [e.activity for e in _entries(second)] == ["Другой текст"]


def test_a_draft_typed_over_an_existing_one_at_its_version_updates_it(login_as):
    placement = builders.placement()
    draft = builders.entry(placement, MONDAY, status=EntryStatus.DRAFT, activity="Утром")
    client = login_as(placement.student)
    answer = _send(client, _entry_write(placement, version=str(draft.version),
                                        activity="Утром и вечером")).get_json()
    assert answer["outcome"] == "done"
    [entry] = _entries(placement)
    assert (entry.activity, entry.status) == ("Утром и вечером", EntryStatus.DRAFT)


# --- conflicts: nothing typed is lost ------------------------------------------------------------


def test_a_day_signed_meanwhile_is_a_conflict_that_keeps_both_texts(login_as):
    placement = builders.placement()
    builders.entry(placement, MONDAY, status=EntryStatus.APPROVED, activity="Подписанный текст")
    client = login_as(placement.student)
    write = _entry_write(placement, activity="Текст с телефона")
    response = _send(client, write)
    assert response.status_code == 409
    answer = response.get_json()
    assert answer["outcome"] == "conflict"
    assert "наставник подписал запись" in answer["message"]
    assert answer["typed"]["activity"] == "Текст с телефона"
    assert answer["server"]["activity"] == "Подписанный текст"
    [entry] = _entries(placement)
    assert (entry.activity, entry.status) == ("Подписанный текст", EntryStatus.APPROVED)
    stored = db.session.scalar(select(OfflineWrite))
    assert stored.outcome == OfflineOutcome.CONFLICT
    assert stored.typed["activity"] == "Текст с телефона"
    # Sent again (the phone lost the answer): the same conflict, nothing else.
    again = _send(client, write)
    assert again.status_code == 409 and again.get_json()["replayed"] is True


def test_a_day_changed_meanwhile_is_a_conflict_that_keeps_both_texts(login_as):
    placement = builders.placement()
    draft = builders.entry(placement, MONDAY, status=EntryStatus.DRAFT, activity="Версия 1")
    seen = draft.version
    draft.activity = "Изменено в другой вкладке"
    db.session.flush()
    client = login_as(placement.student)
    response = _send(client, _entry_write(placement, version=str(seen), activity="С телефона"))
    assert response.status_code == 409
    answer = response.get_json()
    assert "сохранены оба текста" in answer["message"]
    assert answer["typed"]["activity"] == "С телефона"
    assert answer["server"]["activity"] == "Изменено в другой вкладке"
    assert [e.activity for e in _entries(placement)] == ["Изменено в другой вкладке"]


def test_a_new_day_typed_while_another_device_wrote_the_same_day_is_a_conflict(login_as):
    placement = builders.placement()
    builders.entry(placement, MONDAY, status=EntryStatus.DRAFT, activity="С компьютера")
    client = login_as(placement.student)
    response = _send(client, _entry_write(placement, activity="С телефона"))
    assert response.status_code == 409
    assert [e.activity for e in _entries(placement)] == ["С компьютера"]


def test_a_write_the_diary_refuses_is_answered_in_words_and_kept(login_as):
    placement = builders.placement()
    client = login_as(placement.student)
    write = _entry_write(placement, hours="13")
    response = _send(client, write)
    assert response.status_code == 422
    assert "не более 8 ч в день" in response.get_json()["message"]
    assert _entries(placement) == []
    assert _send(client, write).get_json()["replayed"] is True


@pytest.mark.parametrize(("change", "message"), [
    ({"hours": "abc"}, "Часы — это число"),
    ({"activity": ""}, "Укажите часы и что сделано"),
    ({"activity": "пере\u202eвернуто"}, "смены направления"),
    ({"key": "x"}, "нет ключа"),
    ({"work_date": "2026-13-45"}, "повреждена"),
])
def test_a_malformed_queued_write_is_refused_in_words_and_not_stored(login_as, change, message):
    placement = builders.placement()
    client = login_as(placement.student)
    response = _send(client, {**_entry_write(placement), **change})
    assert 400 <= response.status_code < 500
    assert message in response.get_json()["message"]
    assert _entries(placement) == [] and _writes() == 0


@pytest.mark.parametrize("body", [b"[1, 2]", b"not json", b'{"kind": "entry"}', b'"x"',
                                  b'{"kind": ["entry"]}', b'{"kind": "approval", "key": {}}'])
def test_a_body_that_is_no_write_is_refused_without_a_500(login_as, body):
    placement = builders.placement()
    client = login_as(placement.student)
    response = client.post("/offline/writes", data=body, content_type="application/json")
    assert response.status_code in (400, 422)
    assert response.get_json()["outcome"] == "refused"


# --- scoping -------------------------------------------------------------------------------------


@pytest.mark.parametrize("placement_id", ["99999999999999999999", "2147483648", "0"])
def test_a_write_for_a_placement_no_database_could_hold_is_not_found(login_as, placement_id):
    placement = builders.placement()
    client = login_as(placement.student)
    response = _send(client, {**_entry_write(placement), "placement": placement_id})
    assert response.status_code == 404 and _writes() == 0
    approval = {"key": _key(), "kind": "approval", "entry": placement_id, "version": "1"}
    client.post("/logout")
    assert _send(login_as(placement.mentor), approval).status_code == 404


def test_a_write_for_another_trainees_placement_is_not_found_and_writes_nothing(login_as):
    mine = builders.placement()
    theirs = builders.placement()
    client = login_as(mine.student)
    response = _send(client, _entry_write(theirs))
    assert response.status_code == 404
    assert "у вас нет" in response.get_json()["message"]
    assert _entries(theirs) == [] and _writes() == 0


def test_the_foreman_cannot_write_a_trainees_diary_nor_a_trainee_sign(login_as, client):
    placement = builders.placement()
    entry = builders.entry(placement, MONDAY)
    db.session.commit()
    login(client, placement.mentor)
    assert _send(client, _entry_write(placement)).status_code == 403
    client.post("/logout")
    login(client, placement.student)
    response = _send(client, {"key": _key(), "kind": "approval", "entry": str(entry.id),
                              "version": str(entry.version)})
    assert response.status_code == 403
    assert _entries(placement)[0].status == EntryStatus.SUBMITTED


def test_another_foremans_trainee_cannot_be_signed_offline(login_as):
    placement = builders.placement()
    entry = builders.entry(placement, MONDAY)
    client = login_as(builders.mentor())
    response = _send(client, {"key": _key(), "kind": "approval", "entry": str(entry.id),
                              "version": str(entry.version)})
    assert response.status_code == 404
    assert _entries(placement)[0].status == EntryStatus.SUBMITTED


def test_signed_out_a_write_is_answered_so_the_phone_keeps_it(client):
    response = _send(client, {"key": _key(), "kind": "entry"})
    assert response.status_code == 401
    assert response.get_json()["outcome"] == "signed_out"
    assert client.get("/offline/token").status_code == 401
    assert client.get("/offline/snapshot").status_code == 401


# --- the foreman's approvals -------------------------------------------------------------------


def _approval(entry, version=None, key=None) -> dict:
    return {"key": key or _key(), "kind": "approval", "entry": str(entry.id),
            "version": str(entry.version if version is None else version)}


def test_an_approval_queued_offline_signs_once(login_as):
    placement = builders.placement()
    entry = builders.entry(placement, MONDAY)
    client = login_as(placement.mentor)
    write = _approval(entry)
    answer = _send(client, write).get_json()
    assert answer["outcome"] == "done" and answer["message"].startswith("Подписано:")
    signed = _entries(placement)[0]
    assert signed.status == EntryStatus.APPROVED and signed.reviewed_by_id == placement.mentor.id
    again = _send(client, write)
    assert again.status_code == 200 and again.get_json()["replayed"] is True
    assert _entries(placement)[0].version == signed.version
    approvals = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "entry_approved"))
    assert approvals == 1


def test_an_approval_of_a_stale_version_is_refused_never_signed(login_as):
    placement = builders.placement()
    entry = builders.entry(placement, MONDAY)
    seen = entry.version
    entry.activity = "Исправлено после того, как наставник ушёл без связи"
    db.session.flush()
    client = login_as(placement.mentor)
    response = _send(client, _approval(entry, version=seen))
    assert response.status_code == 422
    assert "изменилась, пока страница была открыта" in response.get_json()["message"]
    assert _entries(placement)[0].status == EntryStatus.SUBMITTED


def test_a_second_approval_of_a_signed_entry_is_refused_not_signed_twice(login_as):
    placement = builders.placement()
    entry = builders.entry(placement, MONDAY)
    client = login_as(placement.mentor)
    assert _send(client, _approval(entry)).status_code == 200
    signed = _entries(placement)[0]
    response = _send(client, _approval(signed))  # a second tab's queued copy, another key
    assert response.status_code == 422
    assert "уже подписана" in response.get_json()["message"]
    assert _entries(placement)[0].version == signed.version


# --- CSRF: an expired token is replaced, the write is not lost -----------------------------------


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _sign_in(client, user) -> str:
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"email": user.email, "password": builders.PASSWORD,
                                "csrf_token": _token(page)})
    return _token(client.get("/").get_data(as_text=True))


class TestWithCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_a_write_under_an_expired_token_is_refused_until_a_new_one_is_obtained(
            self, app, client):
        placement = builders.placement()
        db.session.commit()
        old = _sign_in(client, placement.student)
        client.post("/logout", data={"csrf_token": old})
        _sign_in(client, placement.student)  # a new session: the queued write's token is stale
        write = _entry_write(placement)
        response = _send(client, write, token=old)
        assert response.status_code == 403 and response.get_json()["outcome"] == "csrf"
        assert _send(client, write, token="").get_json()["outcome"] == "csrf"
        assert _entries(placement) == [] and _writes() == 0
        fresh = client.get("/offline/token")
        assert fresh.headers["Cache-Control"] == "no-store"
        response = _send(client, write, token=fresh.get_json()["csrf_token"])
        assert response.status_code == 200 and response.get_json()["outcome"] == "done"
        assert len(_entries(placement)) == 1


# --- what the phone keeps, and the installable shell -------------------------------------------


def test_the_snapshot_holds_the_trainees_current_week_only(login_as):
    placement = builders.placement()
    builders.entry(placement, MONDAY, status=EntryStatus.DRAFT, activity="Черновик недели")
    builders.entry(placement, MONDAY - timedelta(days=7), activity="Прошлая неделя")
    client = login_as(placement.student)
    response = client.get("/offline/snapshot")
    assert response.headers["Cache-Control"] == "no-store"
    data = response.get_json()
    assert data["user"] == placement.student.id and data["placement"]["id"] == placement.id
    assert [d["date"] for d in data["days"]][0] == MONDAY.isoformat()
    monday, tuesday, wednesday = data["days"][:3]
    assert monday["entry"]["activity"] == "Черновик недели" and monday["open"] is True
    assert tuesday["open"] is True and tuesday["entry"] is None
    assert wednesday["open"] is False  # not yet come
    assert "Прошлая неделя" not in response.get_data(as_text=True)


def test_the_snapshot_holds_the_foremans_queue_of_own_trainees(login_as):
    placement = builders.placement()
    mine = builders.entry(placement, MONDAY, activity="Моего практиканта")
    builders.entry(builders.placement(), MONDAY, activity="Чужого практиканта")
    client = login_as(placement.mentor)
    data = client.get("/offline/snapshot").get_json()
    assert [(c["id"], c["version"]) for c in data["queue"]] == [(mine.id, mine.version)]
    assert "Чужого" not in str(data)


def test_the_snapshot_runs_a_fixed_number_of_queries(login_as, query_counter):
    placement = builders.placement()
    client = login_as(placement.mentor)
    with query_counter() as small:
        client.get("/offline/snapshot")
    for i in range(6):
        other = builders.placement(mentor_=placement.mentor)
        builders.entry(other, MONDAY - timedelta(days=i))
    db.session.commit()
    with query_counter() as grown:
        client.get("/offline/snapshot")
    assert grown.count == small.count


def test_the_app_is_installable_manifest_and_icons(client):
    response = client.get("/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json(force=True)
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        image = client.get(icon["src"])
        assert image.status_code == 200 and image.data[:8] == b"\x89PNG\r\n\x1a\n"
    page = client.get("/login").get_data(as_text=True)
    assert 'rel="manifest"' in page and "/sw.js?lang=ru" in page


def test_the_service_worker_covers_the_app_and_keeps_the_shell_only(client):
    response = client.get("/sw.js?lang=kk")
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    body = response.get_data(as_text=True)
    assert "workbox.setConfig" in body and "/static/vendor/workbox/" in body
    assert "/offline?lang=kk" in body and "/static/css/app.css" in body
    assert "googleapis" not in body
    assert client.get("/static/vendor/workbox/workbox-sw.js").status_code == 200
    assert client.get("/static/vendor/workbox/LICENSE").status_code == 200
    assert client.get("/static/vendor/idb/LICENSE").status_code == 200


def test_the_offline_shell_carries_no_users_data(login_as):
    placement = builders.placement()
    client = login_as(placement.student)
    page = client.get("/offline?lang=en").get_data(as_text=True)
    assert "No connection" in page and "Нет связи" not in page
    assert placement.student.full_name not in page and "csrf_token" not in page
    assert "data-user" not in page
    assert "<script>" not in page  # strict CSP: scripts from files only


def test_signing_out_clears_what_the_phone_keeps(login_as):
    """The logout form is caught by the offline script, which empties IndexedDB first."""
    placement = builders.placement()
    client = login_as(placement.student)
    page = client.get("/").get_data(as_text=True)
    assert "js/offline.js" in page and f'data-user="{placement.student.id}"' in page
    with open("app/static/js/offline.js", encoding="utf-8") as fh:
        script = fh.read()
    assert "form[action$='/logout']" in script and "await forget()" in script


def test_two_copies_of_one_write_racing_cannot_both_run(app):
    """The key is claimed before the write: a copy that missed the stored answer (it was not
    committed yet) fails on the key, and the view answers it with the stored outcome."""
    from app.models import utcnow
    from app.offline.services import KeyTaken, TypedEntry, write_entry

    placement = builders.placement()
    typed = TypedEntry(placement.id, MONDAY, Decimal("6"), "Один раз", None, True)
    key = _key()
    with app.test_request_context():
        write_entry(placement.student, placement, typed, key=key, today=date.today(),
                    now=utcnow())
        db.session.commit()
        with pytest.raises(KeyTaken):
            write_entry(placement.student, placement, typed, key=key, today=date.today(),
                        now=utcnow())
        db.session.rollback()
    assert [e.activity for e in _entries(placement)] == ["Один раз"] and _writes() == 1


# --- photos taken without signal -----------------------------------------------------------------


@pytest.fixture
def app_config(tmp_path):
    return {"FILES_DIR": str(tmp_path / "files")}


def _photo(color=(180, 90, 30)) -> bytes:
    from io import BytesIO

    from PIL import Image
    out = BytesIO()
    Image.new("RGB", (1600, 1200), color).save(out, "JPEG")
    return out.getvalue()


def _stored_files(app) -> list[str]:
    import os
    return sorted(name for _root, _dirs, names in os.walk(app.config["FILES_DIR"])
                  for name in names)


def _send_with_photos(client, write: dict, *photos, token=None):
    from io import BytesIO
    data = {**write, "photos": [(BytesIO(body), name) for name, body in photos]}
    headers = {"X-CSRFToken": token} if token is not None else {}
    return client.post("/offline/writes", data=data, headers=headers,
                       content_type="multipart/form-data")


def test_a_day_sent_offline_with_its_photos_reaches_the_foreman_with_them(app, login_as):
    from app.models import EntryAttachment
    placement = builders.placement()
    client = login_as(placement.student)
    write = _entry_write(placement, submit="1")
    response = _send_with_photos(client, write, ("seam.jpg", _photo()),
                                 ("weld.jpg", _photo((20, 90, 160))))
    answer = response.get_json()
    assert response.status_code == 200, answer
    assert answer["outcome"] == "done" and "Приложено фото: 2" in answer["message"]
    [entry] = _entries(placement)
    assert entry.status == EntryStatus.SUBMITTED  # saved, the photos attached, then sent
    files = db.session.scalars(select(EntryAttachment).where(
        EntryAttachment.entry_id == entry.id)).all()
    assert sorted(f.name for f in files) == ["seam.jpg", "weld.jpg"]
    assert all(f.thumb_key for f in files) and len(_stored_files(app)) == 4
    # The replay (the answer was lost on the way) attaches nothing twice.
    again = _send_with_photos(client, write, ("seam.jpg", _photo()),
                              ("weld.jpg", _photo((20, 90, 160)))).get_json()
    assert again["replayed"] is True and again["outcome"] == "done"
    assert db.session.scalar(select(func.count()).select_from(EntryAttachment)) == 2
    # The foreman's review card shows them.
    client.post("/logout")
    mentor = login_as(placement.mentor)
    queue = mentor.get("/review").get_data(as_text=True)
    assert all(f"/diary/files/{f.id}/thumb" in queue for f in files)


def test_a_photo_the_server_refuses_keeps_the_whole_day_on_the_phone(app, login_as):
    placement = builders.placement()
    client = login_as(placement.student)
    response = _send_with_photos(client, _entry_write(placement, submit="1"),
                                 ("seam.jpg", b"<html>not a photo</html>"))
    answer = response.get_json()
    assert response.status_code == 422 and answer["outcome"] == "refused"
    assert "seam.jpg" in answer["message"]
    assert _entries(placement) == [] and _stored_files(app) == []  # nothing half stored


def test_photos_beyond_the_entry_limit_are_refused_and_no_file_is_left(app, login_as):
    app.config["ATTACHMENT_MAX_PER_ENTRY"] = 1
    placement = builders.placement()
    client = login_as(placement.student)
    response = _send_with_photos(client, _entry_write(placement),
                                 ("a.jpg", _photo()), ("b.jpg", _photo((1, 2, 3))))
    answer = response.get_json()
    assert response.status_code == 422 and "не больше 1 файлов" in answer["message"]
    assert _entries(placement) == [] and _stored_files(app) == []


def test_photos_on_a_day_signed_meanwhile_are_a_conflict_and_nothing_is_attached(app, login_as):
    placement = builders.placement()
    entry = builders.entry(placement, MONDAY, status=EntryStatus.APPROVED)
    db.session.commit()
    client = login_as(placement.student)
    response = _send_with_photos(client, _entry_write(placement, version=str(entry.version)),
                                 ("late.jpg", _photo()))
    assert response.status_code == 409 and response.get_json()["outcome"] == "conflict"
    assert _stored_files(app) == []


def test_a_write_above_the_request_cap_is_refused_in_json_and_stays_on_the_phone(app, login_as):
    app.config["MAX_CONTENT_LENGTH"] = 50_000
    placement = builders.placement()
    client = login_as(placement.student)
    response = _send_with_photos(client, _entry_write(placement), ("big.jpg", b"x" * 60_000))
    assert response.status_code == 413
    answer = response.get_json()
    assert answer["outcome"] == "refused" and "осталась на телефоне" in answer["message"]
    assert _entries(placement) == []


def test_the_photo_limits_reach_the_phone_before_anything_is_taken(login_as):
    placement = builders.placement()
    client = login_as(placement.student)
    page = client.get(f"/diary/{placement.id}").get_data(as_text=True)
    assert 'data-max-bytes="5242880"' in page and 'data-per-entry="5"' in page
    assert f'data-short="{MONDAY.strftime("%d.%m")}"' in page
