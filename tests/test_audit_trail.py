"""The audit trail: chained by hash (any change outside the app is found by `flask audit verify`),
and a page for the admin (everything) and coordinators (their college), filtered and exported."""

import csv
import io
import threading

import pytest
from sqlalchemy import delete, func, insert, select, update

from app.audit_chain import verify
from app.extensions import db
from app.imports.bulk import record_events
from app.models import AuditChainHead, AuditEvent
from app.placements import services
from tests import builders
from tests.builders_placements import terms, world


@pytest.fixture(autouse=True)
def request_context(app):
    with app.test_request_context():
        yield


def _breaks():
    return [b.problem for b in verify(db.session.connection())]


def _three_events():
    w = world()
    services.create_placement(w.coordinator, **terms(w))
    services.create_placement(w.coordinator, **terms(w, start_date=terms(w)["end_date"]
                                                     .replace(year=2027, month=1, day=11),
                                                     end_date=terms(w)["end_date"]
                                                     .replace(year=2027, month=5, day=28)))
    record_events(w.coordinator, [("updated", "groups", w.group.id, {"code": ["A", "B"]})])
    db.session.commit()
    return w


def test_events_written_by_the_app_form_one_unbroken_chain(app):
    _three_events()
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
    assert len(events) == 3
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[1].prev_hash == events[0].hash and events[2].prev_hash == events[1].hash
    assert db.session.get(AuditChainHead, 1).last_hash == events[2].hash
    assert _breaks() == []


def test_a_changed_event_is_found(app):
    _three_events()
    db.session.execute(update(AuditEvent).where(AuditEvent.seq == 2)
                       .values(changes={"status": [None, "active"]}))
    assert _breaks() == ["its content was changed after it was written"]


def test_a_removed_event_is_found(app):
    _three_events()
    db.session.execute(delete(AuditEvent).where(AuditEvent.seq == 2))
    assert "events 2–2 of the chain are missing" in _breaks()


def test_removing_the_last_events_is_found(app):
    _three_events()
    db.session.execute(delete(AuditEvent).where(AuditEvent.seq == 3))
    assert any("the last events were removed" in b for b in _breaks())


def test_an_event_inserted_outside_the_app_is_found(app):
    _three_events()
    db.session.execute(insert(AuditEvent.__table__).values(
        action="deleted", object_type="placements", object_id=1, changes={}))
    assert _breaks() == ["it was inserted outside the app (not in the chain)"]


def test_the_command_says_intact_or_names_the_break(app):
    _three_events()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "intact: 3 events" in result.output
    db.session.execute(update(AuditEvent).where(AuditEvent.seq == 1).values(actor_id=None))
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code != 0
    assert "link 1): its content was changed" in result.output
    assert "tampered with: 1 break" in result.output


def test_writers_at_the_same_time_never_fork_the_chain(app):
    w = world()
    db.session.commit()
    group_id, actor = w.group.id, w.coordinator

    def write(n: int) -> None:
        with app.app_context():
            for i in range(5):
                record_events(db.session.get(type(actor), actor.id),
                              [("updated", "groups", group_id, {"n": [n, i]})])
                db.session.commit()
            db.session.remove()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 15
    assert _breaks() == []


# --- the page ---------------------------------------------------------------------------------


def test_a_coordinator_reads_their_colleges_trail_only(login_as):
    mine = _three_events()
    other = world()
    services.create_placement(other.coordinator, **terms(other))
    db.session.commit()
    page = login_as(mine.coordinator).get("/audit").get_data(as_text=True)
    assert page.count('class="history__item"') == 3
    assert other.student.full_name not in page
    assert "договор без номера" in page or "договор №" in page


def test_the_admin_reads_everything_and_filters(login_as):
    w = _three_events()
    other = world()
    services.create_placement(other.coordinator, **terms(other))
    client = login_as(builders.admin())
    assert client.get("/audit").get_data(as_text=True).count('class="history__item"') == 4
    by_action = client.get("/audit?action=updated").get_data(as_text=True)
    assert by_action.count('class="history__item"') == 1
    by_kind = client.get("/audit?object_type=placements").get_data(as_text=True)
    assert by_kind.count('class="history__item"') == 3
    by_who = client.get(f"/audit?who={other.coordinator.full_name}").get_data(as_text=True)
    assert by_who.count('class="history__item"') == 1
    assert w.coordinator.full_name not in by_who.split("<main", 1)[1]
    later = client.get("/audit?since=2027-01-01").get_data(as_text=True)
    assert "Изменений за этот период нет." in later
    today = client.get("/audit?since=2026-12-01&until=2026-12-01").get_data(as_text=True)
    assert today.count('class="history__item"') == 4


def test_a_period_ending_before_it_starts_is_refused_in_words(login_as):
    _three_events()
    response = login_as(builders.admin()).get("/audit?since=2026-12-05&until=2026-12-01")
    assert response.status_code == 200
    assert "Конец периода раньше его начала." in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["mentor", "student", "employer"])
def test_other_roles_have_no_trail_page(login_as, role):
    user = {"mentor": builders.mentor, "student": builders.student,
            "employer": builders.employer}[role]()
    client = login_as(user)
    assert client.get("/audit").status_code in (403, 404)
    assert client.get("/audit/export.csv").status_code in (403, 404)


def test_the_export_lists_the_filtered_events_in_words(login_as):
    w = _three_events()
    response = login_as(w.coordinator).get("/audit/export.csv?object_type=groups")
    text = response.get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:3] == ["Когда", "Кто", "Действие"]
    assert len(rows) == 2
    assert rows[1][3] == "Группа"


def test_the_page_runs_the_same_queries_for_a_long_trail(login_as, query_counter):
    w = _three_events()
    client = login_as(w.coordinator)
    with query_counter() as short:
        client.get("/audit")
    for n in range(40):
        record_events(w.coordinator, [("updated", "groups", w.group.id, {"code": [n, n + 1]})])
        services.create_placement(w.coordinator, **terms(
            w, agreement_number=f"ДО-{n}", start_date=terms(w)["start_date"].replace(year=2030 + n),
            end_date=terms(w)["end_date"].replace(year=2030 + n)))
    db.session.commit()
    with query_counter() as long:
        page = client.get("/audit").get_data(as_text=True)
    assert page.count('class="history__item"') == 25
    assert long.count == short.count
