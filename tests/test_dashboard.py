"""Dashboards: figures computed from the records, scoped per role, filters refused outside the
scope, CSV exports equal to the tables, and a fixed number of queries whatever the data size."""

import csv
import io
import re
from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import (
    EntryStatus,
    HireRecommendation,
    OfferStatus,
    OutcomeKind,
    Placement,
    PlacementStatus,
    Role,
)
from tests import builders
from tests import builders_dashboard as bd

FIGURE_KEYS = ["funnel", "graduates-by-year", "graduates-by-college", "graduates-by-specialty",
               "enterprises", "mentors", "weekly-hours"]


# --- reading what the user sees ---------------------------------------------------------------


def _figure(page: str, label: str) -> str:
    match = re.search(
        rf'<p class="figure__label">{re.escape(label)}</p>\s*<p class="figure__value">(.*?)</p>',
        page, re.S)
    assert match, f"no figure {label!r}"
    return _plain(match.group(1))


def _plain(html: str) -> str:
    text = re.sub(r"<[^>]+>", "", html)
    for space in ("\xa0", "\u202f"):
        text = text.replace(space, " ")
    return " ".join(text.split()).replace("&#34;", '"').replace("&lt;", "<").replace(
        "&gt;", ">").replace("&amp;", "&").replace("&#39;", "'")


def table_rows(page: str, key: str) -> list[list[str]]:
    """The body rows of a figure's table, as the cells' text."""
    match = re.search(rf'<table class="table" data-figure="{key}">(.*?)</table>', page, re.S)
    assert match, f"no table for {key}"
    body = match.group(1).split("<tbody>", 1)[1]
    return [[_plain(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True).lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def _comparable(value: str, from_table: bool) -> object:
    """A cell of the page or of the CSV reduced to what it means: a number, a date or text."""
    if from_table:
        number = value.rstrip("%").replace(" ", "").replace(",", ".")
        if re.fullmatch(r"\d{2}\.\d{2}\.\d{4}", value):
            d, m, y = value.split(".")
            return date(int(y), int(m), int(d))
        if value == "—":
            return ""
    else:  # a Russian-locale CSV: decimal comma
        number = value.replace(",", ".")
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return date.fromisoformat(value)
    if re.fullmatch(r"-?\d+(\.\d+)?", number):
        return float(number)
    return value


# --- a small world --------------------------------------------------------------------------------


@pytest.fixture
def world():
    """One college with a welding group, one host enterprise with a mentor, and outcomes."""
    college = builders.college(name="Колледж энергетики")
    group = builders.group(college, builders.specialty(college, code="0714000",
                                                       name="Электроснабжение"))
    host = builders.enterprise(name="Усть-Каменогорский завод")
    mentor = builders.mentor(host, full_name="Мастер Ахметов")
    hired = bd.hired_trainee(mentor, group)  # placed, completed, recommended, offered, hired, kept
    # Recommended but declined the offer, went elsewhere in the specialty.
    declined = builders.placement(builders.student(group), mentor,
                                  status=PlacementStatus.COMPLETED,
                                  start=date(2024, 9, 1), end_date=date(2025, 5, 31))
    bd.signed_entry(declined, date(2025, 3, 3), hours=8, waited_hours=1)
    bd.signed_entry(declined, date(2025, 3, 10), hours=8, waited_hours=10)
    bd.final_assessment(declined)
    went_elsewhere = bd.outcome(declined, OutcomeKind.EMPLOYED_IN_SPECIALTY,
                                offer=OfferStatus.DECLINED)
    bd.retention(went_elsewhere, 12)  # kept a job, but not at the host: not a retained hire
    # Still in practice, not recommended; outcome not yet known.
    active = builders.placement(builders.student(group), mentor, status=PlacementStatus.ACTIVE,
                                start=date(2024, 9, 1), end_date=date(2025, 5, 31))
    bd.final_assessment(active, HireRecommendation.NO)
    bd.outcome(active, OutcomeKind.UNKNOWN)
    # A graduate without a dual placement, working outside the specialty.
    bd.outcome(student=builders.student(group), kind=OutcomeKind.EMPLOYED_OUTSIDE)
    # A draft agreement is not a placement yet.
    builders.placement(builders.student(group), mentor, status=PlacementStatus.DRAFT,
                       start=date(2024, 9, 1), end_date=date(2025, 5, 31))
    # Another college's trainee at another enterprise, hired: outside every scope but the admin's.
    other_college = builders.college(name="Риддерский колледж")
    other_group = builders.group(other_college)
    other_host = builders.enterprise(name="Риддер Цинк")
    other = bd.hired_trainee(builders.mentor(other_host), other_group)
    return {"college": college, "group": group, "host": host, "mentor": mentor,
            "hired": hired, "other_college": other_college, "other_host": other_host,
            "other": other}


def test_admin_sees_the_region_computed_from_records(login_as, world):
    page = login_as(builders.admin()).get("/dashboard/").get_data(as_text=True)
    assert "Выпуск 2025 года" in page
    assert _figure(page, "Выпускники") == "5"
    assert _figure(page, "Работают по специальности") == "3"
    assert _figure(page, "Доля трудоустроенных по специальности") == "60,0%"
    assert _figure(page, "Известны исходы") == "80,0%"
    assert table_rows(page, "funnel") == [
        ["Направлены на практику", "4", "100,0%"],
        ["Завершили практику", "3", "75,0%"],
        ["Рекомендованы к найму", "3", "75,0%"],
        ["Получили предложение", "3", "75,0%"],
        ["Приняты на работу", "2", "50,0%"],
        ["Работают через 12 месяцев", "2", "50,0%"],
    ]
    colleges = {row[0]: row[1:] for row in table_rows(page, "graduates-by-college")}
    assert colleges["Колледж энергетики"] == ["4", "2", "50,0%", "75,0%"]
    assert colleges["Риддерский колледж"] == ["1", "1", "100,0%", "100,0%"]


def test_coordinator_sees_only_their_college(login_as, world):
    client = login_as(builders.coordinator(world["college"]))
    page = client.get("/dashboard/").get_data(as_text=True)
    assert world["college"].name in page
    assert _figure(page, "Выпускники") == "4"
    assert _figure(page, "Работают по специальности") == "2"
    assert table_rows(page, "funnel")[0] == ["Направлены на практику", "3", "100,0%"]
    assert table_rows(page, "funnel")[4] == ["Приняты на работу", "1", "33,3%"]
    assert "Риддер" not in page
    assert [r[0] for r in table_rows(page, "enterprises")] == ["Усть-Каменогорский завод"]


def test_employer_sees_only_their_enterprise(login_as, world):
    client = login_as(builders.employer(world["other_host"]))
    page = client.get("/dashboard/").get_data(as_text=True)
    assert _figure(page, "Выпускники") == "1"
    assert [r[0] for r in table_rows(page, "enterprises")] == ["Риддер Цинк"]
    assert "Колледж энергетики" not in page
    assert "Мастер Ахметов" not in page


@pytest.mark.parametrize("role", [Role.MENTOR, Role.STUDENT])
def test_mentors_and_students_have_no_dashboard(login_as, role):
    user = builders.mentor() if role == Role.MENTOR else builders.student()
    client = login_as(user)
    assert client.get("/dashboard/").status_code == 403
    assert client.get("/dashboard/export/funnel.csv").status_code == 403
    assert "Аналитика" not in client.get("/").get_data(as_text=True)


def test_navigation_offers_analytics_to_the_three_roles(login_as):
    for user in (builders.admin(), builders.coordinator(), builders.employer()):
        client = login_as(user)
        assert 'href="/dashboard/"' in client.get("/").get_data(as_text=True)
        client.post("/logout")


@pytest.mark.parametrize("path", ["/dashboard/", "/dashboard/export/funnel.csv",
                                  "/dashboard/export/mentors.csv"])
def test_coordinator_filter_with_another_college_is_refused(login_as, world, path):
    client = login_as(builders.coordinator(world["college"]))
    response = client.get(f"{path}?college={world['other_college'].id}")
    assert response.status_code == 404
    assert "Риддер" not in response.get_data(as_text=True)
    assert client.get(f"{path}?college={world['college'].id}").status_code == 200


@pytest.mark.parametrize("query", ["enterprise={other_host}", "enterprise=99999",
                                   "college={other_college}", "specialty=NOPE", "year=1800",
                                   "year=abc", "college=-1"])
def test_employer_filters_outside_scope_are_refused(login_as, world, query):
    client = login_as(builders.employer(world["host"]))
    query = query.format(other_host=world["other_host"].id,
                         other_college=world["other_college"].id)
    assert client.get(f"/dashboard/?{query}").status_code == 404
    assert client.get(f"/dashboard/export/enterprises.csv?{query}").status_code == 404


def test_employer_may_filter_by_a_college_that_sends_trainees(login_as, world):
    client = login_as(builders.employer(world["host"]))
    page = client.get(f"/dashboard/?college={world['college'].id}&year=2025")
    assert page.status_code == 200
    assert table_rows(page.get_data(as_text=True), "funnel")[0][1] == "3"


def test_admin_filters_narrow_every_figure(login_as, world):
    client = login_as(builders.admin())
    page = client.get(f"/dashboard/?enterprise={world['other_host'].id}").get_data(as_text=True)
    assert table_rows(page, "funnel")[0][1] == "1"
    assert _figure(page, "Выпускники") == "1"
    page = client.get("/dashboard/?specialty=0714000&year=2025").get_data(as_text=True)
    assert _figure(page, "Выпускники") == "4"
    assert table_rows(page, "graduates-by-specialty") == [
        ["0714000", "Электроснабжение", "4", "2", "50,0%", "75,0%"]]
    page = client.get("/dashboard/?year=2024").get_data(as_text=True)
    assert "Выпуск 2024 года" in page and _figure(page, "Выпускники") == "0"


def test_mentor_workload_and_median_sign_off(login_as, world):
    page = login_as(builders.admin()).get("/dashboard/").get_data(as_text=True)
    mentors = {row[0]: row[1:] for row in table_rows(page, "mentors")}
    # Three trainees; 6 + 8 + 8 hours signed; sign-off waits of 3, 1 and 10 hours: median 3.
    assert mentors["Мастер Ахметов"] == ["Усть-Каменогорский завод", "3", "22", "3", "2", "1"]


def test_median_of_an_even_count_is_the_mean_of_the_middle_two(login_as):
    placement = builders.placement(start=date(2025, 1, 6), end_date=date(2025, 6, 1))
    for n, waited in enumerate([1, 2, 4, 30]):
        bd.signed_entry(placement, date(2025, 2, 3 + n), waited_hours=waited)
    page = login_as(builders.admin()).get("/dashboard/?year=2025").get_data(as_text=True)
    assert table_rows(page, "mentors")[0][4] == "3"


def test_hours_per_iso_week(login_as):
    placement = builders.placement(start=date(2025, 1, 6), end_date=date(2025, 6, 1))
    bd.signed_entry(placement, date(2025, 3, 3), hours=6)  # Monday, week 10
    builders.entry(placement, date(2025, 3, 9), hours=4)  # Sunday, still week 10
    builders.entry(placement, date(2025, 3, 10), hours=7.5, status=EntryStatus.APPROVED)
    builders.entry(placement, date(2025, 3, 11), hours=5, status=EntryStatus.DRAFT)
    builders.entry(placement, date(2025, 3, 26), hours=2, status=EntryStatus.REJECTED)
    page = login_as(builders.admin()).get("/dashboard/?year=2025").get_data(as_text=True)
    assert table_rows(page, "weekly-hours") == [
        # Weeks by their dates, not ISO codes (issue 9).
        ["3—9 мар.", "03.03.2025", "10", "6"],
        ["10—16 мар.", "10.03.2025", "7,5", "7,5"],
        ["17—23 мар.", "17.03.2025", "0", "0"],  # a week without entries is a zero, not a gap
        ["24—30 мар.", "24.03.2025", "2", "0"],
    ]


def test_charts_show_the_table_numbers_and_escape_names(login_as, world):
    db.session.add(world["host"])
    world["host"].name = 'Завод <script>alert("x")</script> & Ко'
    page = login_as(builders.admin()).get("/dashboard/").get_data(as_text=True)
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page
    funnel_svg = re.search(r'<svg[^>]*aria-labelledby="funnel-title funnel-desc".*?</svg>',
                           page, re.S).group(0)
    values = re.findall(r'<rect[^>]*data-value="([^"]+)"', funnel_svg)
    assert values == [row[1] for row in table_rows(page, "funnel")]
    assert 'style="' not in page


@pytest.mark.parametrize("key", FIGURE_KEYS)
def test_csv_export_matches_the_table(login_as, world, key):
    bd.signed_entry(builders.placement(mentor_=world["mentor"], start=date(2025, 1, 6),
                                       end_date=date(2025, 6, 1)), date(2025, 4, 7))
    client = login_as(builders.admin())
    page = client.get("/dashboard/?year=2025").get_data(as_text=True)
    shown = table_rows(page, key)
    exported = csv_rows(client.get(f"/dashboard/export/{key}.csv?year=2025"))
    header, body = exported[0], exported[1:]
    assert header  # column names travel with the numbers
    assert len(body) == len(shown) > 0
    for csv_row, table_row in zip(body, shown, strict=True):
        assert [_comparable(v, False) for v in csv_row] == [
            _comparable(c, True) for c in table_row]


def test_csv_export_of_an_unknown_figure_is_404(login_as):
    assert login_as(builders.admin()).get("/dashboard/export/secrets.csv").status_code == 404


def test_csv_neutralises_formulas_in_names(login_as):
    host = builders.enterprise(name="=HYPERLINK(\"http://evil\")")
    builders.placement(mentor_=builders.mentor(host))
    rows = csv_rows(login_as(builders.admin()).get("/dashboard/export/enterprises.csv"))
    assert rows[1][0].startswith("'=")


def test_empty_dashboard_says_so(login_as):
    page = login_as(builders.admin()).get("/dashboard/").get_data(as_text=True)
    assert "Нет данных для выбранных фильтров." in page
    assert _figure(page, "Выпускники") == "0"


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COORDINATOR, Role.EMPLOYER])
def test_each_dashboard_runs_a_fixed_number_of_queries(login_as, query_counter, role):
    college = builders.college()
    group = builders.group(college)
    mentor = builders.mentor()
    bd.hired_trainee(mentor, group)
    user = {Role.ADMIN: builders.admin, Role.COORDINATOR: lambda: builders.coordinator(college),
            Role.EMPLOYER: lambda: builders.employer(mentor.enterprise)}[role]()
    client = login_as(user)
    counts = []
    for path in ("/dashboard/", "/dashboard/?year=2025", "/dashboard/export/mentors.csv"):
        with query_counter() as small:
            assert client.get(path).status_code == 200
        counts.append(small.count)
    bd.grow(mentor, group, trainees=5)
    db.session.commit()
    for path, before in zip(("/dashboard/", "/dashboard/?year=2025",
                             "/dashboard/export/mentors.csv"), counts, strict=True):
        with query_counter() as large:
            assert client.get(path).status_code == 200
        assert large.count == before, (path, large.statements)


def test_the_funnel_counts_offers_made_on_the_placement_once(login_as, world, query_counter):
    def offered(client) -> str:
        with query_counter() as counter:
            page = client.get("/dashboard/").get_data(as_text=True)
        return table_rows(page, "funnel")[3][1], counter.count

    client = login_as(builders.coordinator(world["college"]))
    before, queries_before = offered(client)
    assert before == "2"
    placements = {p.status: p for p in db.session.scalars(
        select(Placement).where(Placement.college_id == world["college"].id))}
    # The active trainee got an offer during the placement (no outcome offer yet) ...
    placements[PlacementStatus.ACTIVE].offer_status = OfferStatus.MADE
    # ... and the hired one has it both on the placement and on the outcome: counted once.
    world["hired"].placement.offer_status = OfferStatus.ACCEPTED
    # A draft agreement's offer does not count (it is no placement yet).
    placements[PlacementStatus.DRAFT].offer_status = OfferStatus.MADE
    db.session.commit()
    after, queries_after = offered(client)
    assert after == "3"
    assert queries_after == queries_before


FUNNEL_COUNTS = {"placed": 20, "completed": 15, "recommended": 10, "offered": 11, "hired": 6,
          "retained": 2}


def test_the_funnel_explains_a_stage_wider_than_the_one_before(app):
    from app.dashboard.figures import funnel, funnel_notes

    with app.test_request_context():
        notes = funnel_notes(FUNNEL_COUNTS)
        assert notes == ["«Получили предложение» — 11, больше, чем «Рекомендованы к найму» — 10: "
                         "предприятие может предложить работу и без рекомендации наставника."]
        assert funnel(FUNNEL_COUNTS).notes == notes
        narrowing = {**FUNNEL_COUNTS, "offered": 9}
        assert funnel_notes(narrowing) == []
