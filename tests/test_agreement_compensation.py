"""The trainee's compensation as the agreement states it (issue 12): a monthly amount in tenge
and/or a rule, else the enterprise's general rule; set on the draft's form, shown on the page,
printed in the agreement (read back in ru, kk and en), exposed by the API, changed on an
agreement in force only through a change request."""

import re
from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from app.audit import history_of, readable_history
from app.documents.content import agreement_content
from app.extensions import db
from app.i18n import format_tenge
from app.models import ChangeKind, Placement, PlacementStatus
from app.placements import changes, services
from app.rules import RuleViolation
from tests import builders
from tests import builders_documents as bd
from tests.builders_api import auth, personal
from tests.builders_placements import active_agreement, form_data, terms, world

TODAY = date(2026, 12, 1)
ENTERPRISE_RULE = "85 000 тг в месяц пропорционально отработанному времени"
RULE = "пропорционально отработанному времени, до 10-го числа"


@pytest.fixture
def in_request(app):
    with app.test_request_context():
        yield


def _fresh(placement_id: int) -> Placement:
    db.session.expire_all()
    return db.session.get(Placement, placement_id)


def _text(response) -> str:
    """The page's text with tags dropped and no-break spaces made plain."""
    html = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\u00a0", " ")


@pytest.mark.parametrize(("lang", "amount", "shown"), [
    ("ru", "150000", "150 000 ₸"), ("kk", "150000", "150 000 ₸"), ("en", "150000", "KZT 150,000"),
    ("ru", "85000.5", "85 000,50 ₸"), ("en", "85000.5", "KZT 85,000.50"), ("ru", "0", "0 ₸"),
])
def test_amounts_are_formatted_by_the_readers_locale(app, lang, amount, shown):
    with app.test_request_context(), force_locale(lang):
        assert format_tenge(Decimal(amount)).replace("\u00a0", " ") == shown


def test_the_service_stores_the_terms_and_checks_them(in_request):
    w = world()
    placement = services.create_placement(
        w.coordinator, **terms(w), compensation_amount=Decimal("150000"),
        compensation_rule=f"  {RULE} ")
    db.session.commit()
    saved = _fresh(placement.id)
    assert saved.compensation_amount == Decimal("150000.00")
    assert saved.compensation_rule == RULE
    for amount, words in [(Decimal("-1"), "отрицательной"), (Decimal("5000000.01"), "Не больше"),
                          (Decimal("12.345"), "двух знаков"), (Decimal("NaN"), "цифрами"),
                          (1.5, "цифрами"), (True, "цифрами")]:
        with pytest.raises(RuleViolation) as refused:
            services.update_placement(w.coordinator, saved, compensation_amount=amount)
        assert words in refused.value.message and refused.value.field == "compensation_amount"
    for rule, words in [("а\x00б", "управляющие"), ("x" * 301, "не длиннее 300")]:
        with pytest.raises(RuleViolation) as refused:
            services.update_placement(w.coordinator, saved, compensation_rule=rule)
        assert words in refused.value.message and refused.value.field == "compensation_rule"
    db.session.rollback()
    assert _fresh(placement.id).compensation_amount == Decimal("150000.00")


def test_the_coordinator_sets_it_on_the_draft_form_and_the_page_shows_it(login_as, app):
    w = world()
    w.enterprise.trainee_compensation = ENTERPRISE_RULE
    client = login_as(w.coordinator)
    response = client.post("/placements/new", data=form_data(
        w, compensation_amount="150 000", compensation_rule=RULE))
    assert response.status_code == 302, _text(response)[:2000]
    placement = db.session.scalars(select(Placement)).one()
    assert (placement.compensation_amount, placement.compensation_rule) == (
        Decimal("150000.00"), RULE)
    page = _text(client.get(f"/placements/{placement.id}"))
    assert f"150 000 ₸ в месяц; {RULE}" in page and "общее правило предприятия" not in page
    # Emptied on the draft, the enterprise's general rule applies and the page says so.
    response = client.post(f"/placements/{placement.id}/edit", data=form_data(
        w, compensation_amount="", compensation_rule=""))
    assert response.status_code == 302
    assert _fresh(placement.id).compensation_amount is None
    page = _text(client.get(f"/placements/{placement.id}"))
    assert f"{ENTERPRISE_RULE} (общее правило предприятия)" in page


@pytest.mark.parametrize(("lang", "typed", "message"), [
    ("ru", "-5", "Сумма не может быть отрицательной."),
    ("kk", "-5", "Сома теріс бола алмайды."),
    ("en", "-5", "The amount cannot be negative."),
    ("en", "abc", "Enter the amount in digits, e.g. 150,000 or 85,000.50."),
    ("ru", "150,5,0", "Введите сумму цифрами, например 150 000 или 85 000,50."),
    ("kk", "1e9", "Соманы цифрлармен енгізіңіз, мысалы 150 000 немесе 85 000,50."),
    ("en", "１５０", "Enter the amount in digits"),
    ("en", "10\x0000", "The field contains control characters that are not allowed."),
    ("kk", "999 999 999", "Айына 5 000 000 ₸ артық емес: соманы тексеріңіз."),
    ("en", "999999999", "No more than KZT 5,000,000 a month: check the amount."),
    ("en", "100.555", "Enter the amount in digits"),
])
def test_bad_amounts_are_refused_in_the_readers_language(login_as, lang, typed, message):
    w = world()
    w.coordinator.locale = lang
    client = login_as(w.coordinator)
    response = client.post("/placements/new", data=form_data(w, compensation_amount=typed))
    assert response.status_code == 200
    assert message in _text(response)
    assert db.session.scalar(select(Placement.id)) is None


@pytest.mark.parametrize(("typed", "stored"), [
    ("150 000", "150000.00"), ("150\u00a0000", "150000.00"), ("150,000", "150000.00"),
    ("85,000.50", "85000.50"), ("85000,5", "85000.50"), ("85000.50", "85000.50"), ("0", "0.00"),
    ("1,234,567", "1234567.00"),
])
def test_amounts_are_read_as_people_type_them(login_as, typed, stored):
    w = world()
    client = login_as(w.coordinator)
    response = client.post("/placements/new", data=form_data(w, compensation_amount=typed))
    assert response.status_code == 302, _text(response)[-3000:]
    assert db.session.scalar(select(Placement.compensation_amount)) == Decimal(stored)


def test_a_nul_byte_in_the_rule_is_refused(login_as):
    w = world()
    w.coordinator.locale = "en"
    client = login_as(w.coordinator)
    response = client.post("/placements/new", data=form_data(
        w, compensation_rule="monthly\x00"))
    assert response.status_code == 200
    assert "The field contains control characters that are not allowed." in _text(response)


def _agreement_text(client, placement_id: int, lang: str) -> str:
    response = client.get(f"/documents/agreement/{placement_id}.pdf?lang={lang}")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    text = "\n".join(bd.pdf_pages(response.data))
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize(("lang", "clause"), [
    ("ru", "Предприятие ежемесячно производит Обучающемуся компенсационную выплату в размере "
           "150 000 ₸. Порядок выплаты: " + RULE + "."),
    ("kk", "Кәсіпорын Білім алушыға ай сайын 150 000 ₸ мөлшерінде өтемақы төлемін жүргізеді. "
           "Төлем тәртібі: " + RULE + "."),
    ("en", "The enterprise pays the trainee a monthly compensation payment of KZT 150,000. "
           "Payment rule: " + RULE + "."),
])
def test_the_agreement_pdf_prints_the_amount_in_the_readers_language(login_as, lang, clause):
    placement = bd.kazakh_placement()
    placement.enterprise.trainee_compensation = ENTERPRISE_RULE
    placement.compensation_amount = Decimal("150000")
    placement.compensation_rule = RULE
    coordinator = builders.coordinator(placement.college)
    text = _agreement_text(login_as(coordinator), placement.id, lang)
    assert clause in text
    assert ENTERPRISE_RULE not in text


def test_without_terms_of_its_own_the_agreement_prints_the_enterprises_rule(login_as, app):
    placement = bd.kazakh_placement()
    placement.enterprise.trainee_compensation = ENTERPRISE_RULE
    db.session.flush()
    with app.test_request_context():
        content = agreement_content(placement)
    # The content of an agreement without terms of its own is what it was before they existed
    # (its recorded hash does not change).
    assert content["compensation"] == ENTERPRISE_RULE and "compensation_amount" not in content
    coordinator = builders.coordinator(placement.college)
    text = _agreement_text(login_as(coordinator), placement.id, "kk")
    assert f"Кәсіпорын Білім алушыға өтемақы төлемін жүргізеді: {ENTERPRISE_RULE}." in text


def test_the_api_placement_carries_the_agreements_terms(client):
    placement = builders.placement(status=PlacementStatus.DRAFT)
    placement.compensation_amount = Decimal("150000.5")
    coordinator = builders.coordinator(placement.college)
    secret = personal(coordinator)
    db.session.commit()
    body = client.get(f"/api/v1/placements/{placement.id}", headers=auth(secret)).json
    assert (body["compensation_amount"], body["compensation_rule"]) == ("150000.50", "")
    listed = client.get("/api/v1/placements", headers=auth(secret)).json["items"]
    assert listed[0]["compensation_amount"] == "150000.50"



def test_an_agreement_in_force_changes_its_compensation_through_a_change_request(in_request):
    from app.models import utcnow

    w, p = active_agreement(TODAY)
    with pytest.raises(RuleViolation, match="не отличаются"):
        changes.request_change(w.employer, p, p.version, ChangeKind.COMPENSATION,
                               {"compensation_amount": None, "compensation_rule": ""},
                               "Без изменений", utcnow())
    with pytest.raises(RuleViolation, match="отрицательной"):
        changes.request_change(w.employer, p, p.version, ChangeKind.COMPENSATION,
                               {"compensation_amount": Decimal("-10"), "compensation_rule": ""},
                               "Ошибка", utcnow())
    request = changes.request_change(
        w.employer, p, p.version, ChangeKind.COMPENSATION,
        {"compensation_amount": Decimal("120000"), "compensation_rule": RULE},
        "Новая тарифная сетка", utcnow())
    assert p.compensation_amount is None  # nothing changes until approved
    assert changes.describe(request).replace("\u00a0", " ") == (
        f"выплата: 120 000 ₸ в месяц; {RULE}")
    changes.answer_change(w.coordinator, request, True, "", utcnow(), TODAY)
    db.session.commit()
    saved = _fresh(p.id)
    assert (saved.compensation_amount, saved.compensation_rule) == (Decimal("120000.00"), RULE)
    # The trail shows the amount as money, in the reader's language.
    with force_locale("en"):
        shown = [(c.label, c.after) for e in readable_history(history_of(saved))
                 for c in e.changes]
    assert ("Monthly compensation payment", "KZT\u00a0120,000") in shown


def test_the_change_form_offers_the_compensation_kind(login_as):
    w, p = active_agreement(TODAY)
    w.employer.locale = "kk"
    client = login_as(w.employer)
    page = client.get(f"/placements/{p.id}").get_data(as_text=True)
    assert 'value="compensation"' in page and "басқа өтемақы төлемі" in page
    response = client.post(f"/placements/{p.id}/changes", data={
        "version": p.version, "kind": "compensation", "compensation_amount": "95 000",
        "compensation_rule": "", "reason": "Жаңа тариф"}, follow_redirects=True)
    assert response.status_code == 200
    request = db.session.scalars(select(changes.ChangeRequest)).one()
    assert request.proposed["compensation_amount"] == "95000.00"
    assert "басқа өтемақы төлемі · төлем: айына 95 000 ₸" in _text(response)
