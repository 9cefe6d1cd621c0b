"""The host's job offer recorded during the placement: who may, which dates and steps, the audit,
the carry into the graduate's outcome and the dashboard funnel."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.dashboard import queries as dashboard
from app.demo import load_world
from app.extensions import db
from app.models import AuditEvent, OfferStatus, Placement, PlacementStatus
from app.outcomes import services
from app.outcomes.offers import record_placement_offer
from app.rules import RuleViolation
from tests import builders

TODAY = date.today()
START = TODAY - timedelta(weeks=4)


@pytest.fixture(autouse=True)
def request_context(app):
    """Services translate their messages, which needs a request's locale."""
    with app.test_request_context():
        yield


def _trainee(status=PlacementStatus.ACTIVE):
    """An active placement, its host's employer and its college's coordinator."""
    placement = builders.placement(status=status, start=START)
    return placement, builders.employer(placement.enterprise), builders.coordinator(
        placement.college)


def _reload(placement: Placement) -> Placement:
    db.session.expire_all()
    return db.session.get(Placement, placement.id)


def _offer_audit(placement: Placement) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "offer_recorded", AuditEvent.object_type == "placements",
        AuditEvent.object_id == placement.id)))


def _post(client, placement, status="made", on=TODAY):
    return client.post(f"/placements/{placement.id}/offer",
                       data={"offer_status": status, "offer_date": on.isoformat()})


# --- the page and the form --------------------------------------------------------------------


def test_the_host_employer_records_an_offer_and_its_acceptance(login_as):
    placement, employer, _coordinator = _trainee()
    client = login_as(employer)
    page = client.get(f"/placements/{placement.id}").get_data(as_text=True)
    assert "Записать предложение" in page and "нет предложения" in page

    response = _post(client, placement, "made", TODAY - timedelta(days=2))
    assert response.status_code == 302
    page = client.get(f"/placements/{placement.id}").get_data(as_text=True)
    assert "Предложение о работе записано." in page and "предложение сделано" in page
    assert _reload(placement).offer_status == OfferStatus.MADE
    assert _reload(placement).offer_date == TODAY - timedelta(days=2)

    assert _post(client, placement, "accepted", TODAY).status_code == 302
    placement = _reload(placement)
    assert placement.offer_status == OfferStatus.ACCEPTED and placement.offer_date == TODAY
    page = client.get(f"/placements/{placement.id}").get_data(as_text=True)
    assert "предложение принято" in page and "Записать предложение" not in page


def test_the_offer_is_audited_with_before_and_after(login_as):
    placement, employer, _coordinator = _trainee()
    _post(login_as(employer), placement, "accepted", TODAY)
    [event] = _offer_audit(placement)
    assert event.actor_id == employer.id
    assert event.changes["offer_status"] == ["none", "accepted"]
    assert event.changes["offer_date"][0] is None
    page = login_as(employer).get(f"/placements/{placement.id}").get_data(as_text=True)
    assert "записано предложение о работе" in page


def test_another_enterprises_employer_gets_404(login_as):
    placement, _employer, _coordinator = _trainee()
    client = login_as(builders.employer())
    assert _post(client, placement).status_code == 404
    assert client.get(f"/placements/{placement.id}").status_code == 404
    assert _reload(placement).offer_status == OfferStatus.NONE


def test_coordinator_mentor_and_student_cannot_record_an_offer(login_as):
    placement, _employer, coordinator = _trainee()
    for user in (coordinator, placement.mentor, placement.student):
        client = login_as(user)
        assert _post(client, placement).status_code in (403, 404)
        page = client.get(f"/placements/{placement.id}").get_data(as_text=True)
        assert "нет предложения" in page and "Записать предложение" not in page
    assert _reload(placement).offer_status == OfferStatus.NONE
    assert _offer_audit(placement) == []
    with pytest.raises(RuleViolation):
        record_placement_offer(coordinator, placement, OfferStatus.MADE, TODAY, TODAY)


@pytest.mark.parametrize(("on", "message"), [
    (TODAY + timedelta(days=1), "Дата предложения не может быть в будущем."),
    (START - timedelta(days=1), "Дата предложения не может быть раньше начала практики"),
])
def test_a_future_date_or_one_before_the_start_is_refused(login_as, on, message):
    placement, employer, _coordinator = _trainee()
    response = _post(login_as(employer), placement, "made", on)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _reload(placement).offer_status == OfferStatus.NONE
    assert _offer_audit(placement) == []


@pytest.mark.parametrize("status", [PlacementStatus.DRAFT, PlacementStatus.TERMINATED])
def test_no_offer_on_a_draft_or_terminated_placement(login_as, status):
    placement, employer, _coordinator = _trainee(status)
    client = login_as(employer)
    page = client.get(f"/placements/{placement.id}").get_data(as_text=True)
    assert "Записать предложение" not in page
    response = _post(client, placement)
    assert response.status_code == 302
    page = client.get(f"/placements/{placement.id}").get_data(as_text=True)
    assert ("Предложение можно записать только по действующему или завершённому договору."
            in page)
    assert _reload(placement).offer_status == OfferStatus.NONE


def test_the_offer_moves_only_forward(app):
    placement, employer, _coordinator = _trainee()
    with pytest.raises(RuleViolation, match="нельзя перевести"):
        record_placement_offer(employer, placement, OfferStatus.DECLINED, TODAY, TODAY)
    record_placement_offer(employer, placement, OfferStatus.MADE, TODAY - timedelta(days=3),
                           TODAY)
    with pytest.raises(RuleViolation, match="раньше самого предложения"):
        record_placement_offer(employer, placement, OfferStatus.DECLINED,
                               TODAY - timedelta(days=4), TODAY)
    record_placement_offer(employer, placement, OfferStatus.DECLINED, TODAY, TODAY)
    for status in OfferStatus:
        with pytest.raises(RuleViolation):
            record_placement_offer(employer, placement, status, TODAY, TODAY)
    assert placement.offer_status == OfferStatus.DECLINED


def test_a_completed_placement_takes_an_offer(app):
    placement, employer, _coordinator = _trainee(PlacementStatus.COMPLETED)
    record_placement_offer(employer, placement, OfferStatus.MADE, TODAY, TODAY)
    assert placement.offer_status == OfferStatus.MADE


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_the_offer_form_needs_its_csrf_token(app, client):
    placement, employer, _coordinator = _trainee()
    db.session.commit()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"email": employer.email, "password": builders.PASSWORD,
                                "csrf_token": token})
    assert _post(client, placement).status_code == 400
    assert _reload(placement).offer_status == OfferStatus.NONE


# --- the outcome and the funnel ------------------------------------------------------------------


def test_the_outcome_created_later_carries_the_offer(app):
    placement, employer, coordinator = _trainee()
    record_placement_offer(employer, placement, OfferStatus.ACCEPTED, TODAY, TODAY)
    placement.status = PlacementStatus.COMPLETED
    outcome = services.create_outcome(coordinator, placement.student,
                                      graduated_on=TODAY + timedelta(days=30),
                                      placement=placement)
    assert outcome.offer_status == OfferStatus.ACCEPTED and outcome.offer_date == TODAY


def test_an_outcome_without_a_host_has_no_offer(app):
    placement, employer, coordinator = _trainee()
    record_placement_offer(employer, placement, OfferStatus.MADE, TODAY, TODAY)
    outcome = services.create_outcome(coordinator, placement.student, graduated_on=TODAY,
                                      placement=None)
    assert outcome.offer_status == OfferStatus.NONE and outcome.offer_date is None


def test_the_funnel_counts_an_offer_made_on_the_placement_once(app):
    placement, employer, coordinator = _trainee()
    filters = dashboard.Filters()
    assert dashboard.funnel_counts(coordinator, filters)["offered"] == 0
    record_placement_offer(employer, placement, OfferStatus.MADE, TODAY, TODAY)
    assert dashboard.funnel_counts(coordinator, filters)["offered"] == 1
    # Carried into the outcome: still one placement offered.
    services.create_outcome(coordinator, placement.student, graduated_on=TODAY,
                            placement=placement)
    assert dashboard.funnel_counts(coordinator, filters)["offered"] == 1
    assert dashboard.funnel_counts(employer, filters)["offered"] == 1


def test_the_small_demo_world_shows_offers_made_during_placements(app):
    load_world()
    offers = dict(db.session.execute(
        select(Placement.offer_status, func.count()).where(
            Placement.status == PlacementStatus.ACTIVE,
            Placement.offer_status != OfferStatus.NONE).group_by(Placement.offer_status)).all())
    assert offers == {OfferStatus.MADE: 1, OfferStatus.ACCEPTED: 1}
