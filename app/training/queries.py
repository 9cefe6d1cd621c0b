"""Reads of inductions and training plans, each in a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import (
    Competency,
    DiaryEntry,
    EntryStatus,
    Group,
    Placement,
    PlanModule,
    PlanTemplateModule,
    SafetyInduction,
    StudentProfile,
)
from app.naming import NamedInTwoLanguages


def inductions_of(placement_id: int) -> list[SafetyInduction]:
    """The placement's inductions in date order, with who recorded them (one query)."""
    return list(db.session.scalars(
        select(SafetyInduction).where(SafetyInduction.placement_id == placement_id)
        .options(joinedload(SafetyInduction.recorded_by))
        .order_by(SafetyInduction.held_on, SafetyInduction.id)
    ))


def admitted_from(inductions: list[SafetyInduction]):
    """The date hours are accepted from: the earliest confirmed first induction, or None."""
    days = [i.held_on for i in inductions if i.admits]
    return min(days) if days else None


def induction_for_document(induction_id: int) -> SafetyInduction | None:
    return db.session.scalar(
        select(SafetyInduction).where(SafetyInduction.id == induction_id)
        .options(joinedload(SafetyInduction.recorded_by))
    )


def specialty_id_of(student_id: int):
    """The specialty of the trainee's group, as a scalar subquery."""
    return (
        select(Group.specialty_id)
        .join(StudentProfile, StudentProfile.group_id == Group.id)
        .where(StudentProfile.user_id == student_id)
        .scalar_subquery()
    )


def in_training_plan(placement_id: int, competency_id):
    """SQL: the competency is a module of the placement's own plan with hours (any competency
    of the specialty while the placement has no copy of its own)."""
    own = select(PlanModule.id).where(PlanModule.placement_id == placement_id)
    return or_(~own.exists(), competency_id.in_(
        select(PlanModule.competency_id).where(PlanModule.placement_id == placement_id,
                                               PlanModule.planned_hours > 0)))


def specialty_competencies(specialty_id) -> list[Competency]:
    return list(db.session.scalars(
        select(Competency).where(Competency.specialty_id == specialty_id)
        .order_by(Competency.position, Competency.code)
    ))


def template_hours(competency_ids: list[int]) -> dict[int, int]:
    if not competency_ids:
        return {}
    return dict(db.session.execute(
        select(PlanTemplateModule.competency_id, PlanTemplateModule.planned_hours)
        .where(PlanTemplateModule.competency_id.in_(competency_ids))
    ).all())


def template_of(specialty_id: int) -> list[tuple[Competency, int | None]]:
    """The specialty's modules with their template hours (one query)."""
    return [(c, h) for c, h in db.session.execute(
        select(Competency, PlanTemplateModule.planned_hours)
        .outerjoin(PlanTemplateModule, PlanTemplateModule.competency_id == Competency.id)
        .where(Competency.specialty_id == specialty_id)
        .order_by(Competency.position, Competency.code)
    )]


@dataclass
class ModuleProgress(NamedInTwoLanguages):
    competency_id: int
    code: str
    name: str
    planned: int
    done_minutes: int = 0
    name_kk: str = ""

    @property
    def done(self) -> float:
        return self.done_minutes / 60

    @property
    def percent(self) -> int:
        return min(round(100 * self.done / self.planned), 999) if self.planned else 0


@dataclass
class TrainingPlan:
    """A placement's plan: its modules, planned against approved hours."""

    placement_id: int
    required_hours: int
    own: bool  # the placement's own copy; else its specialty's template, not yet copied
    modules: list[ModuleProgress] = field(default_factory=list)
    unmapped_minutes: int = 0  # approved hours not mapped to a module of the plan

    @property
    def planned_total(self) -> int:
        return sum(m.planned for m in self.modules)

    @property
    def done_total(self) -> float:
        return sum(m.done_minutes for m in self.modules) / 60 + self.unmapped_minutes / 60

    @property
    def unmapped(self) -> float:
        return self.unmapped_minutes / 60

    @property
    def mismatch(self) -> int:
        """Planned module hours minus the agreement's required hours (0 when they add up)."""
        return self.planned_total - self.required_hours if self.modules else 0


def plans_of(placement_ids: list[int]) -> dict[int, TrainingPlan]:
    """The training plans of the placements with approved hours per module (four queries)."""
    ids = list(placement_ids)
    if not ids:
        return {}
    heads = db.session.execute(
        select(Placement.id, Placement.required_hours, Group.specialty_id)
        .join(StudentProfile, StudentProfile.user_id == Placement.student_id)
        .join(Group, Group.id == StudentProfile.group_id)
        .where(Placement.id.in_(ids))
    ).all()
    own: dict[int, list[PlanModule]] = defaultdict(list)
    for module in db.session.scalars(
        select(PlanModule).join(Competency, Competency.id == PlanModule.competency_id)
        .where(PlanModule.placement_id.in_(ids))
        .options(joinedload(PlanModule.competency))
        .order_by(Competency.position, Competency.code)
    ):
        own[module.placement_id].append(module)
    specialties = {sid for _pid, _req, sid in heads}
    templates: dict[int, list[tuple[Competency, int | None]]] = defaultdict(list)
    for competency, hours in db.session.execute(
        select(Competency, PlanTemplateModule.planned_hours)
        .outerjoin(PlanTemplateModule, PlanTemplateModule.competency_id == Competency.id)
        .where(Competency.specialty_id.in_(specialties))
        .order_by(Competency.position, Competency.code)
    ):
        templates[competency.specialty_id].append((competency, hours))
    done: dict[tuple[int, int | None], int] = {
        (pid, cid): int(minutes) for pid, cid, minutes in db.session.execute(
            select(DiaryEntry.placement_id, DiaryEntry.competency_id, func.sum(DiaryEntry.minutes))
            .where(DiaryEntry.placement_id.in_(ids), DiaryEntry.status == EntryStatus.APPROVED)
            .group_by(DiaryEntry.placement_id, DiaryEntry.competency_id)
        )
    }
    plans = {}
    for pid, required, specialty_id in heads:
        if own.get(pid):
            modules = [ModuleProgress(m.competency_id, m.competency.code, m.competency.name,
                                      m.planned_hours, name_kk=m.competency.name_kk)
                       for m in own[pid]]
        else:
            modules = [ModuleProgress(c.id, c.code, c.name, hours or 0, name_kk=c.name_kk)
                       for c, hours in templates.get(specialty_id, [])]
        plan = TrainingPlan(pid, required, bool(own.get(pid)), modules)
        mapped = {m.competency_id for m in modules}
        for (placement_id, cid), minutes in done.items():
            if placement_id != pid:
                continue
            if cid in mapped:
                next(m for m in modules if m.competency_id == cid).done_minutes = minutes
            else:
                plan.unmapped_minutes += minutes
        plans[pid] = plan
    return plans


def plan_of(placement_id: int) -> TrainingPlan | None:
    return plans_of([placement_id]).get(placement_id)




@dataclass
class Panel:
    """What the placement page and the diary show of the induction and the plan."""

    inductions: list[SafetyInduction]
    plan: TrainingPlan | None

    @property
    def admitted_from(self):
        return admitted_from(self.inductions)

    @property
    def unconfirmed(self) -> list[SafetyInduction]:
        return [i for i in self.inductions if i.confirmed_at is None]


def panel(placement: Placement) -> Panel:
    """The placement's inductions and its plan with progress (five queries)."""
    return Panel(inductions_of(placement.id), plan_of(placement.id))
