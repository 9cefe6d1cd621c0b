"""The regional and national demo worlds: the small world plus generated colleges, enterprises,
trainees with a diary, and (for the region) a 2025 cohort with the article's exact figures."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from app.demo import catalogue
from app.demo.calendar import LAST_WORKDAY, weekdays
from app.demo.diary import ReviewPattern, write_diary
from app.demo.names import CHARACTERISATIONS, DEPARTMENTS
from app.demo.outcomes import cohort, write_outcome
from app.demo.small import SmallWorld
from app.demo.world import EnterpriseRef, SpecialtyRef, World
from app.models import OutcomeKind, PlacementStatus, Role

GROUP_SIZE = 25


@dataclass(frozen=True)
class ScalePlan:
    """How big a world is; totals include the small world's part."""

    colleges: int
    enterprises: int
    active_placements: int
    placement_start: date
    placement_end: date
    required_hours: int
    # Days a week a trainee spends at the enterprise (and writes in the diary).
    enterprise_days: int
    partners_per_specialty: int
    graduates: int = 0
    in_specialty: int = 0
    # Dates with no practice (the summer holidays), first and last day included.
    holidays: tuple[date, date] | None = None


REGION = ScalePlan(
    colleges=27, enterprises=448, active_placements=5_000,
    placement_start=date(2026, 9, 1), placement_end=date(2027, 5, 28), required_hours=1200,
    enterprise_days=5, partners_per_specialty=15, graduates=5_436, in_specialty=4_730,
)
NATIONAL = ScalePlan(
    colleges=552, enterprises=18_000, active_placements=108_000,
    placement_start=date(2025, 12, 1), placement_end=date(2027, 6, 30), required_hours=1800,
    enterprise_days=3, partners_per_specialty=30, holidays=(date(2026, 7, 1), date(2026, 8, 31)),
)
# Fixed weekly patterns of enterprise days (Mon=0) for part-time dual training.
WEEK_PATTERNS = ((0, 2, 4), (1, 3, 4), (0, 1, 2), (2, 3, 4), (0, 1, 3))


@dataclass
class _College:
    id: int
    specialties: list[SpecialtyRef]


class _Groups:
    """Study groups created as students fill them, GROUP_SIZE a group."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.sizes: dict[tuple[int, int], int] = defaultdict(int)
        self.ids: dict[tuple[int, int, int], int] = {}

    def place(self, specialty: SpecialtyRef, intake: int) -> int:
        key = (specialty.id, intake)
        number = self.sizes[key] // GROUP_SIZE + 1
        self.sizes[key] += 1
        if (specialty.id, intake, number) not in self.ids:
            self.ids[(specialty.id, intake, number)] = self.world.group(specialty, intake, number)
        return self.ids[(specialty.id, intake, number)]


def build_scaled(world: World, small: SmallWorld, plan: ScalePlan) -> None:
    """Add generated organisations, trainees and graduates up to the plan's totals."""
    rng, names = world.rng, world.names
    colleges = []
    for n in range(plan.colleges - len(small.college_ids)):
        city = names.city()
        college_id = world.college(names.college(city, n + 4), city)
        chosen = rng.sample(catalogue.ALL, rng.choice((2, 3, 3, 4)))
        colleges.append(_College(college_id, [world.specialty(college_id, p) for p in chosen]))
        world.user(Role.COORDINATOR, world.email(Role.COORDINATOR), college_id=college_id)

    drafts = [names.enterprise(n + 1) for n in range(plan.enterprises - len(small.enterprises))]
    by_industry: dict[str, list[int]] = defaultdict(list)
    for index, (_, industry) in enumerate(drafts):
        by_industry[industry].append(index)
    partners: dict[int, list[int]] = {}
    for college in colleges:
        for spec in college.specialties:
            pool = [i for industry in spec.plan.industries for i in by_industry[industry]]
            partners[spec.id] = rng.sample(pool, min(len(pool), plan.partners_per_specialty))

    def assign(count: int) -> list[tuple[_College, SpecialtyRef, int]]:
        chosen = []
        for college in rng.choices(colleges, k=count):
            spec = rng.choice(college.specialties)
            chosen.append((college, spec, rng.choice(partners[spec.id])))
        return chosen

    active = assign(plan.active_placements - small.active_placements)
    graduates = assign(plan.graduates - small.graduates) if plan.graduates else []
    per_enterprise: dict[int, list[int]] = defaultdict(list)
    for index, (_, _, enterprise) in enumerate(active):
        per_enterprise[enterprise].append(index)
    hosted: dict[int, int] = defaultdict(int)
    for _, _, enterprise in graduates:
        hosted[enterprise] += 1

    enterprises: list[EnterpriseRef] = []
    mentor_of: list[int] = [0] * len(active)
    mentors_at: dict[int, list[int]] = defaultdict(list)
    review_lag: dict[int, int] = {}
    for index, (name, industry) in enumerate(drafts):
        trainees = per_enterprise.get(index, [])
        # Yearly intake: room for this year's trainees and for the 2024 intake of graduates.
        capacity = max(len(trainees), hosted.get(index, 0)) + rng.randrange(2, 8)
        ref = world.enterprise(name, names.city(), industry, capacity, DEPARTMENTS[industry])
        enterprises.append(ref)
        world.user(Role.EMPLOYER, world.email(Role.EMPLOYER), enterprise_id=ref.id)
        start = 0
        while start < len(trainees) or (start == 0 and index in hosted):
            handful = rng.randrange(3, 8)
            mentor_id = world.mentor(world.email(Role.MENTOR), ref,
                                     handful + rng.randrange(0, 3))
            mentors_at[index].append(mentor_id)
            # Most foremen sign off within days; a few fall weeks behind.
            review_lag[mentor_id] = rng.randrange(8, 21) if rng.random() < 0.08 else \
                rng.randrange(0, 5)
            for slot in trainees[start:start + handful]:
                mentor_of[slot] = mentor_id
            start += handful

    groups = _Groups(world)
    days = _diary_days(plan)
    for slot, (_, spec, enterprise_index) in enumerate(active):
        intake = rng.choices((2023, 2024, 2025), weights=(35, 40, 25))[0]
        born = date(intake - 16 - rng.randrange(0, 2), 1 + rng.randrange(6), 1 + rng.randrange(28))
        student = world.student(world.email(Role.STUDENT), spec, groups.place(spec, intake), born)
        placement = world.placement(student, enterprises[enterprise_index], mentor_of[slot],
                                    plan.placement_start, plan.placement_end,
                                    PlacementStatus.ACTIVE, plan.required_hours)
        lag = review_lag[mentor_of[slot]]
        pattern = ReviewPattern(
            last_day=LAST_WORKDAY, reviewed_until=LAST_WORKDAY - timedelta(days=lag),
            draft_from=LAST_WORKDAY if rng.random() < 0.3 else None, reject_rate=0.02)
        write_diary(world, placement, pattern, days[slot % len(days)])

    if graduates:
        kinds = cohort(len(graduates), plan.in_specialty - small.in_specialty, rng)
        _write_graduates(world, graduates, kinds, enterprises, mentors_at, groups)


def _diary_days(plan: ScalePlan) -> list[list[date] | None]:
    """The days trainees log, one list per weekly pattern (None: every weekday)."""
    if plan.enterprise_days >= 5:
        return [None]
    every = weekdays(plan.placement_start, LAST_WORKDAY)
    if plan.holidays:
        every = [d for d in every if not plan.holidays[0] <= d <= plan.holidays[1]]
    return [[d for d in every if d.weekday() in pattern] for pattern in WEEK_PATTERNS]


def _write_graduates(world: World, graduates, kinds: list[OutcomeKind],
                     enterprises: list[EnterpriseRef], mentors_at: dict[int, list[int]],
                     groups: _Groups) -> None:
    rng = world.rng
    for (_, spec, enterprise_index), kind in zip(graduates, kinds, strict=True):
        born = date(2004 + rng.randrange(0, 2) - (rng.random() < 0.2), 1 + rng.randrange(12),
                    1 + rng.randrange(28))
        student = world.student(world.email(Role.STUDENT), spec, groups.place(spec, 2021), born,
                                graduation_year=2025)
        enterprise = enterprises[enterprise_index]
        placement = world.placement(
            student, enterprise, rng.choice(mentors_at[enterprise_index]), date(2024, 9, 2),
            date(2025, 5, 30), PlacementStatus.COMPLETED, 1200, completed_on=date(2025, 5, 30))
        grade = 5 if kind == OutcomeKind.HIRED_BY_HOST else rng.choice((3, 4, 4, 5))
        world.assessment(placement, "final", grade, date(2025, 5, 28), CHARACTERISATIONS[grade],
                         {5: "yes", 4: "maybe"}.get(grade, "no"))
        other = enterprises[rng.randrange(len(enterprises))].name
        write_outcome(world, student, placement, kind, host_name=enterprise.name,
                      other_employer=other, checks=2 if rng.random() < 0.85 else rng.choice((0, 1)))
