"""Practice-diary entries for one placement: weekdays only, half-hour steps, within the
working-time limit for the trainee's age on each day, with a believable review history."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from app.demo.calendar import NOW, at, max_minutes, weekdays
from app.demo.names import REJECTION_COMMENTS
from app.demo.world import PlacementRef, World
from app.models import EntryStatus

USUAL_DAYS = (360, 420, 480, 480, 480)


@dataclass(frozen=True)
class ReviewPattern:
    """How far the diary got: entries up to `last_day`; the mentor reviewed everything up to
    `reviewed_until`; entries from `draft_from` on are still drafts."""

    last_day: date
    reviewed_until: date
    draft_from: date | None = None
    reject_rate: float = 0.0
    skip_rate: float = 0.04
    # Rejections older than this were corrected and approved long ago.
    open_rejections_since: date | None = None
    forced_rejections: tuple[date, ...] = ()


def _next_birthday(born: date, after: date) -> date:
    for year in (after.year, after.year + 1):
        try:
            candidate = born.replace(year=year)
        except ValueError:
            candidate = date(year, 3, 1)
        if candidate > after:
            return candidate
    raise ValueError(born)


def write_diary(world: World, placement: PlacementRef, pattern: ReviewPattern,
                days: list[date] | None = None, keep: Callable[[date], bool] | None = None) -> int:
    """Add the placement's diary entries (on every weekday, or on the given ascending days
    within the placement; only the days `keep` accepts, if given); returns how many.

    `keep` drops rows without changing the random draws, so the rest of a seeded world stays
    the same."""
    rng, writer = world.rng, world.writer
    plan = placement.student.specialty.plan
    competencies = placement.student.specialty.competency_ids
    born = placement.student.birth_date
    last_day = min(pattern.last_day, placement.end - timedelta(days=1))
    cap, recheck_on = max_minutes(born, placement.start), _next_birthday(born, placement.start)
    rejections_since = pattern.open_rejections_since or pattern.reviewed_until - timedelta(21)
    count = 0
    if days is None:
        days = weekdays(placement.start, last_day)
    for day in days:
        if day < placement.start:
            continue
        if day > last_day:
            break
        if day >= recheck_on:
            cap, recheck_on = max_minutes(born, day), _next_birthday(born, day)
        if rng.random() < pattern.skip_rate or cap == 0:
            continue
        minutes = min(rng.choice(USUAL_DAYS), cap)
        week = (day - placement.start).days // 7
        row = {
            "placement_id": placement.id,
            "work_date": day,
            "minutes": minutes,
            "activity": rng.choice(plan.activities),
            "competency_id": competencies[(week // 3) % len(competencies)],
            "created_at": at(day, 11),
        }
        if pattern.draft_from is not None and day >= pattern.draft_from:
            row.update(status=EntryStatus.DRAFT, updated_at=at(day, 11))
        else:
            submitted = at(day, 12, rng.randrange(60))
            row.update(status=EntryStatus.SUBMITTED, submitted_at=submitted, updated_at=submitted)
            if day <= pattern.reviewed_until:
                reviewed = min(at(day + timedelta(days=rng.choice((1, 1, 2, 3))), 5), NOW)
                rejected = day in pattern.forced_rejections or (
                    day >= rejections_since and rng.random() < pattern.reject_rate)
                row.update(
                    status=EntryStatus.REJECTED if rejected else EntryStatus.APPROVED,
                    reviewed_by_id=placement.mentor_id, reviewed_at=reviewed, updated_at=reviewed,
                    review_comment=rng.choice(REJECTION_COMMENTS) if rejected else "",
                )
        if keep is not None and not keep(day):
            continue
        writer.add("diary_entries", **row)
        count += 1
    return count
