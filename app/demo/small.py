"""The small demo world: three colleges, five enterprises and named accounts of every role,
each showing a part of the product (README's "Demo logins")."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from app.demo import catalogue
from app.demo.calendar import LAST_WORKDAY, TODAY, at
from app.demo.diary import ReviewPattern, write_diary
from app.demo.names import CHARACTERISATIONS, DEPARTMENTS
from app.demo.outcomes import write_outcome
from app.demo.world import EnterpriseRef, PlacementRef, SpecialtyRef, StudentRef, World
from app.domain.calendar import Schedule, is_expected
from app.models import OfferStatus, OutcomeKind, PlacementStatus, Role

MAIL = "shakirt.kz"
YEAR_START, YEAR_END = date(2026, 9, 1), date(2027, 5, 28)
LAST_YEAR_START, LAST_YEAR_END = date(2024, 9, 2), date(2025, 5, 30)


@dataclass
class SmallWorld:
    """What the scaled worlds build on: the small world's organisations and its counts."""

    college_ids: list[int] = field(default_factory=list)
    enterprises: list[EnterpriseRef] = field(default_factory=list)
    active_placements: int = 0
    graduates: int = 0
    in_specialty: int = 0


def _good(pattern_last: date = LAST_WORKDAY) -> ReviewPattern:
    return ReviewPattern(last_day=pattern_last, reviewed_until=pattern_last - timedelta(days=3),
                         draft_from=pattern_last, reject_rate=0.0)


def build_small(world: World) -> SmallWorld:
    """Add the small world (the named demo accounts and their stories)."""
    w, small = world, SmallWorld()
    admin_ids = [
        w.user(Role.ADMIN, f"admin@{MAIL}", "Сапарова Динара Маратовна"),
        w.user(Role.ADMIN, f"admin2@{MAIL}", "Лебедев Игорь Николаевич"),
    ]
    colleges = [
        ("Усть-Каменогорский строительно-технический колледж «Ульба»", "Усть-Каменогорск",
         (catalogue.WELDING, catalogue.CONSTRUCTION)),
        ("Риддерский колледж энергетики и транспорта", "Риддер",
         (catalogue.POWER_SUPPLY, catalogue.REPAIR_FITTING)),
        ("Алтайский горно-металлургический колледж «Бухтарма»", "Алтай",
         (catalogue.METALLURGY, catalogue.REPAIR_FITTING, catalogue.WELDING)),
    ]
    specialties: list[dict[str, SpecialtyRef]] = []
    groups: dict[tuple[int, int], int] = {}
    for name, city, plans in colleges:
        college_id = w.college(name, city)
        small.college_ids.append(college_id)
        refs = {plan.code: w.specialty(college_id, plan) for plan in plans}
        specialties.append(refs)
        for ref in refs.values():
            for intake in (2021, 2024, 2025):
                groups[(ref.id, intake)] = w.group(ref, intake)
                w.writer.add("group_schedules", group_id=groups[(ref.id, intake)],
                             **SCHEDULES[intake])
    coordinators = [
        w.user(Role.COORDINATOR, f"coordinator{n + 1 if n else ''}@{MAIL}", name,
               college_id=college_id)
        for n, (college_id, name) in enumerate(zip(small.college_ids, (
            "Касымова Асель Ерлановна", "Петров Алексей Викторович",
            "Омарова Гульнара Бахытовна"), strict=True))
    ]

    plants = [
        ("ТОО «Шығыс Металл»", "Усть-Каменогорск", "металлургия", 25),
        ("ТОО «Риддер Энергосервис»", "Риддер", "энергетика", 12),
        ("ТОО «Алтай Стройкомплект»", "Алтай", "строительство", 10),
        ("АО «Ертіс Ремонтмаш»", "Усть-Каменогорск", "ремонт оборудования", 15),
        ("ТОО «Шемонаиха ГОК-Сервис»", "Шемонаиха", "горнодобывающая промышленность", 8),
    ]
    e = [w.enterprise(name, city, industry, capacity, DEPARTMENTS[industry])
         for name, city, industry, capacity in plants]
    small.enterprises = e
    for n, (ent, name) in enumerate(zip((e[0], e[1], e[3]), (
        "Жумабаев Ерлан Каиратович", "Смирнова Ольга Сергеевна", "Алтынбеков Санжар Болатович",
    ), strict=True)):
        w.user(Role.EMPLOYER, f"employer{n + 1 if n else ''}@{MAIL}", name, enterprise_id=ent.id)
    mentor = w.mentor(f"mentor@{MAIL}", e[0], 8, "Кузнецов Виктор Александрович")
    mentor2 = w.mentor(f"mentor2@{MAIL}", e[1], 6, "Нургалиев Бауыржан Серикович")
    mentor3 = w.mentor(f"mentor3@{MAIL}", e[3], 2, "Волков Денис Игоревич")
    mentor4 = w.mentor(f"mentor4@{MAIL}", e[2], 6, "Ермеков Асхат Жанатович")
    mentor5 = w.mentor(f"mentor5@{MAIL}", e[4], 5, "Тарасов Сергей Владимирович")

    def student(email: str | None, college: int, code: str, intake: int, born: date,
                name: str | None = None, graduation_year: int | None = None) -> StudentRef:
        ref = specialties[college][code]
        return w.student(email or w.email(Role.STUDENT), ref, groups[(ref.id, intake)], born,
                         graduation_year=graduation_year, full_name=name,
                         female=name.split()[0].endswith("а") if name else None)

    def active(s: StudentRef, ent: EnterpriseRef, mentor_id: int,
               pattern: ReviewPattern, away: tuple[date, ...] = (),
               schedule: Schedule | None = None, hours: int = 1200, **offer) -> PlacementRef:
        p = w.placement(s, ent, mentor_id, YEAR_START, YEAR_END, PlacementStatus.ACTIVE, hours,
                        **offer)
        # Trainees write hours on the days their group's schedule expects them.
        write_diary(w, p, pattern, keep=lambda day: (
            is_expected(schedule or PRACTICE_YEAR, day) and day not in away))
        small.active_placements += 1
        return p

    weld, power, build_, repair, metal = WELD, POWER, BUILD, REPAIR, METAL
    # student@: an adult welder with a tidy diary at the metal plant.
    star = student(f"student@{MAIL}", 0, weld, 2024, date(2006, 3, 14),
                   "Ахметов Алихан Серикович")
    # The metal plant has already offered him a job; he has not answered yet.
    star_placement = active(star, e[0], mentor, _good(), offer_status=OfferStatus.MADE,
                            offer_date=date(2026, 11, 20))
    # student2@: a 17-year-old electrician (parent consent on file) whose mentor is behind.
    minor = student(f"student2@{MAIL}", 1, power, 2025, date(2009, 10, 5),
                    "Исаева Айгерим Нурлановна")
    behind = ReviewPattern(last_day=LAST_WORKDAY, reviewed_until=date(2026, 11, 6),
                           reject_rate=0.15, forced_rejections=(date(2026, 10, 28),))
    sick = tuple(date(2026, 11, 16) + timedelta(days=i) for i in range(3))
    # Her group is at the plant three days a week: three fifths of the practice year's hours.
    minor_placement = active(minor, e[1], mentor2, behind, away=sick, schedule=FIRST_YEAR,
                             hours=720)
    # mentor3@ is at the cap of two trainees; the first accepted the host's job offer.
    hosted: tuple[tuple[int, date, dict[str, Any]], ...] = (
        (1, date(2007, 1, 22), {"offer_status": OfferStatus.ACCEPTED,
                                "offer_date": date(2026, 11, 13)}),
        (2, date(2006, 7, 9), {}),
    )
    for college, born, offer in hosted:
        active(student(None, college, repair, 2024, born), e[3], mentor3, _good(), **offer)
    for college, code, ent, mentor_id, born in (
        (0, weld, e[0], mentor, date(2007, 5, 30)),
        (2, weld, e[0], mentor, date(2006, 12, 1)),
        (0, build_, e[2], mentor4, date(2007, 8, 17)),
        (0, build_, e[2], mentor4, date(2008, 2, 3)),
        (2, metal, e[4], mentor5, date(2010, 4, 11)),
        (2, metal, e[4], mentor5, date(2007, 11, 19)),
        (1, power, e[1], mentor2, date(2006, 9, 25)),
    ):
        active(student(None, college, code, 2024, born), ent, mentor_id, ReviewPattern(
            last_day=LAST_WORKDAY, reviewed_until=LAST_WORKDAY - timedelta(w.rng.randrange(2, 6)),
            reject_rate=0.03))
    # student3@: finished a spring placement, assessed mid-term and final.
    done = student(f"student3@{MAIL}", 2, metal, 2024, date(2006, 6, 2),
                   "Морозов Кирилл Асканович")
    done_placement = w.placement(done, e[4], mentor5, date(2026, 2, 2), date(2026, 5, 29),
                                 PlacementStatus.COMPLETED, 480, completed_on=date(2026, 5, 29))
    write_diary(w, done_placement, ReviewPattern(last_day=date(2026, 5, 28),
                                                 reviewed_until=date(2026, 5, 28)))
    w.assessment(done_placement, "midterm", 4, date(2026, 3, 27), CHARACTERISATIONS[4])
    w.assessment(done_placement, "final", 5, date(2026, 5, 27), CHARACTERISATIONS[5], "yes")
    # student4@: a draft agreement waiting to start; student5@: an agreement ended early.
    draft = student(f"student4@{MAIL}", 0, build_, 2025, date(2009, 12, 20),
                    "Новикова Мария Александровна")
    w.placement(draft, e[2], mentor4, date(2026, 12, 7), YEAR_END, PlacementStatus.DRAFT, 800)
    # A draft the college sent to the metal plant: waiting in employer@'s inbox.
    sent = student(None, 0, weld, 2025, date(2007, 10, 2), "Омаров Тимур Асланович")
    w.placement(sent, e[0], mentor, date(2027, 1, 11), date(2027, 6, 25), PlacementStatus.DRAFT,
                600, sent_at=at(date(2026, 11, 27), 5), sent_by_id=coordinators[0])
    quit_ = student(f"student5@{MAIL}", 1, repair, 2024, date(2007, 4, 4),
                    "Бекмуханов Данияр Болатович")
    ended = w.placement(quit_, e[3], mentor3, YEAR_START, YEAR_END, PlacementStatus.TERMINATED,
                        1200, terminated_on=date(2026, 10, 16),
                        termination_reason="Расторгнут по соглашению сторон: переезд семьи в "
                                           "другой регион")
    write_diary(w, ended, ReviewPattern(last_day=date(2026, 10, 15),
                                        reviewed_until=date(2026, 10, 15)))

    _absences(w, star_placement, minor_placement, coordinators[1], sick)
    _graduates(w, small, specialties, groups, e, (mentor, mentor2, mentor4, mentor3, mentor5))
    _notifications_and_audit(w, admin_ids[0], coordinators, star_placement, minor_placement,
                             ended)
    return small


# The dual schedule per intake: the practice year every working day at the plant (over its
# planned 80%: a flagged planning figure, not a limit); the first year three days at the plant
# and two at college; the graduates' year in block weeks (2 + 2).
PRACTICE_YEAR, FIRST_YEAR = Schedule(0b0011111), Schedule(0b0000111)
SCHEDULES = {
    2024: {"enterprise_weekdays": 0b0011111, "enterprise_weeks": 1, "college_weeks": 0,
           "cycle_start": date(2026, 8, 31), "planned_share_percent": 80},
    2025: {"enterprise_weekdays": 0b0000111, "enterprise_weeks": 1, "college_weeks": 0,
           "cycle_start": date(2026, 8, 31), "planned_share_percent": 60},
    2021: {"enterprise_weekdays": 0b0011111, "enterprise_weeks": 2, "college_weeks": 2,
           "cycle_start": date(2024, 9, 2), "planned_share_percent": 60},
}


def _absences(w: World, star: PlacementRef, minor: PlacementRef, coordinator: int,
              sick: tuple[date, ...]) -> None:
    """student@ asks for two days of planned leave (the mentor has yet to decide); student2@
    was on sick leave, recorded by the coordinator and confirmed by the mentor."""
    w.writer.add("absences", placement_id=star.id, first_day=date(2026, 12, 2),
                 last_day=date(2026, 12, 3), kind="excused", status="pending",
                 note="Семейные обстоятельства: свадьба брата в Семее.",
                 recorded_by_id=star.student.id, created_at=at(TODAY, 4), updated_at=at(TODAY, 4))
    w.writer.add("absences", placement_id=minor.id, first_day=sick[0], last_day=sick[-1],
                 kind="sick", status="confirmed", note="Справка поликлиники № 3, ОРВИ.",
                 recorded_by_id=coordinator, reviewed_by_id=minor.mentor_id,
                 reviewed_at=at(sick[-1] + timedelta(days=2), 5),
                 created_at=at(sick[-1] + timedelta(days=1), 5),
                 updated_at=at(sick[-1] + timedelta(days=2), 5))


HIRED, IN_SPEC, OUTSIDE = (OutcomeKind.HIRED_BY_HOST, OutcomeKind.EMPLOYED_IN_SPECIALTY,
                           OutcomeKind.EMPLOYED_OUTSIDE)
STUDY, ARMY, IDLE, UNKNOWN = (OutcomeKind.STUDYING, OutcomeKind.MILITARY,
                              OutcomeKind.NOT_EMPLOYED, OutcomeKind.UNKNOWN)
WELD, POWER, BUILD, REPAIR, METAL = "07150100", "07130200", "07320100", "07150500", "07250100"
# 2025 graduates: (college, specialty code, enterprise index, outcome, checks recorded).
GRADUATES = (
    (0, WELD, 0, HIRED, 2), (0, WELD, 0, HIRED, 1), (0, BUILD, 2, IN_SPEC, 2),
    (0, BUILD, 2, OUTSIDE, 2), (0, WELD, 0, STUDY, 0), (0, BUILD, 2, ARMY, 0),
    (0, WELD, 0, UNKNOWN, 0), (1, POWER, 1, HIRED, 2), (1, POWER, 1, HIRED, 0),
    (1, POWER, 1, IN_SPEC, 1), (1, REPAIR, 3, IN_SPEC, 2), (1, REPAIR, 3, IDLE, 0),
    (1, POWER, 1, STUDY, 0), (2, METAL, 4, HIRED, 2), (2, REPAIR, 3, HIRED, 2),
    (2, METAL, 4, IN_SPEC, 2), (2, WELD, 0, IN_SPEC, 2), (2, METAL, 4, OUTSIDE, 1),
    (2, REPAIR, 3, ARMY, 0), (2, METAL, 4, IDLE, 0),
)
# Late hires whose 6-month check falls due this month (the "due" list).
LATE_HIRES = {1: date(2026, 5, 18), 8: date(2026, 5, 25)}


def _graduates(w: World, small: SmallWorld, specialties, groups, e, mentors) -> None:
    for n, (college, code, ent, kind, checks) in enumerate(GRADUATES):
        ref = specialties[college][code]
        born = date(2004, 1 + n % 12, 1 + (7 * n) % 28)
        s = w.student(w.email(Role.STUDENT), ref, groups[(ref.id, 2021)], born,
                      graduation_year=2025)
        mentor_id = mentors[min(ent, len(mentors) - 1)]
        p = w.placement(s, e[ent], mentor_id, LAST_YEAR_START, LAST_YEAR_END,
                        PlacementStatus.COMPLETED, 1200, completed_on=LAST_YEAR_END)
        write_diary(w, p, ReviewPattern(last_day=LAST_YEAR_END, reviewed_until=LAST_YEAR_END))
        grade = 5 if kind == OutcomeKind.HIRED_BY_HOST else w.rng.choice((3, 4, 4, 5))
        w.assessment(p, "midterm", max(3, grade - 1), date(2025, 1, 24), CHARACTERISATIONS[4])
        w.assessment(p, "final", grade, date(2025, 5, 28), CHARACTERISATIONS[grade],
                     "yes" if grade == 5 else ("maybe" if grade == 4 else "no"))
        write_outcome(w, s, p, kind, host_name=e[ent].name,
                      other_employer=e[(ent + 2) % len(e)].name,
                      hired_on=LATE_HIRES.get(n), checks=checks)
        small.graduates += 1
        small.in_specialty += kind in (OutcomeKind.HIRED_BY_HOST,
                                       OutcomeKind.EMPLOYED_IN_SPECIALTY)


def _notifications_and_audit(w: World, admin_id: int, coordinators: list[int],
                             star: PlacementRef, minor: PlacementRef, ended: PlacementRef) -> None:
    add = w.writer.add
    add("notifications", user_id=minor.mentor_id, kind="entries_submitted",
        created_at=at(TODAY, 3),
        params={"student": "Исаева Айгерим Нурлановна", "count": 5},
        message="Исаева Айгерим Нурлановна отправила на проверку записей дневника: 5.")
    add("notifications", user_id=minor.student.id, kind="entry_rejected",
        created_at=at(date(2026, 10, 29), 5),
        params={"dates": ["2026-10-28"], "comment": "Уточните, какие именно операции выполняли."},
        message="Наставник вернул запись за 28.10.2026: «Уточните, какие именно операции "
                "выполняли.»")
    add("notifications", user_id=star.student.id, kind="entries_approved",
        created_at=at(date(2026, 11, 25), 5), read_at=at(date(2026, 11, 25), 7),
        message="Наставник подписал записи дневника за неделю 16–20.11.2026.")
    add("notifications", user_id=coordinators[1], kind="placement_terminated",
        created_at=at(date(2026, 10, 16), 8),
        message="Договор о дуальном обучении расторгнут: Бекмуханов Данияр Болатович.")
    for placement in (star, minor, ended):
        coordinator = coordinators[0] if placement is star else coordinators[1]
        college = placement.student.college_id
        add("audit_events", actor_id=coordinator, action="created", object_type="placements",
            object_id=placement.id, changes={"status": [None, "draft"]},
            created_at=at(date(2026, 8, 12), 5), college_id=college)
        add("audit_events", actor_id=coordinator, action="activated", object_type="placements",
            object_id=placement.id, changes={"status": ["draft", "active"]},
            created_at=at(date(2026, 8, 29), 5), college_id=college)
    add("audit_events", actor_id=coordinators[1], action="terminated", object_type="placements",
        object_id=ended.id, changes={"status": ["active", "terminated"],
                                     "terminated_on": [None, "2026-10-16"]},
        created_at=at(date(2026, 10, 16), 8), college_id=ended.student.college_id)
    add("audit_events", actor_id=admin_id, action="updated", object_type="enterprises",
        object_id=ended.enterprise_id, changes={"intake_capacity": [12, 15]},
        created_at=at(date(2026, 8, 20), 4))
