"""Notification changes: read/unread, the mentors' digest, and the "turned red" alert.

How "turned red" is detected: the progress check (`flask progress-alerts`, daily from cron)
computes every active placement's status, a chunk of placements at a time (by id), and compares
it with the one it recorded last time in `placement_health`. Coordinators are told only when a
placement goes from not red (or never checked) to red; a placement that stays red is not told
again, one that recovers and turns red later is. Flush, never commit: the CLI commits after
each chunk.
"""

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import cast

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import CursorResult

from app.extensions import db
from app.models import Notification, PlacementStatus, utcnow
from app.models.practice import PlacementHealth
from app.naming import content_names
from app.notifications import queries
from app.notify import notify
from app.practice import links
from app.practice.health import Health, PlacementProgress, Thresholds, assess
from app.practice.queries import progress_rows


def mark_read(notification: Notification, now: datetime) -> None:
    """Mark one notification read (idempotent)."""
    if notification.read_at is None:
        notification.read_at = now


def mark_unread(notification: Notification) -> None:
    notification.read_at = None


def mark_all_read(user_id: int, now: datetime) -> int:
    """Mark every unread notification of the user read; returns how many."""
    result = db.session.execute(
        db.update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=now)
    )
    return cast(CursorResult, result).rowcount or 0  # an UPDATE's result is a CursorResult


def send_mentor_digests() -> int:
    """One digest per mentor with waiting entries: in-app, and mailed (through the outbox)
    when SMTP is set, each in the mentor's own language."""
    digests = queries.mentors_with_waiting_entries()
    for digest in digests:
        notify(digest.mentor, "entries_waiting", {
            "count": digest.entries,
            "oldest": digest.oldest.date().isoformat(),
            "trainees": [[t.name, t.entries] for t in digest.trainees],
        }, links.review_queue())
    return len(digests)


def _reasons_in_every_language(progress: PlacementProgress, today: date,
                               thresholds: Thresholds) -> dict[str, str]:
    """The status's reasons worded in each language, for whoever reads the alert."""
    reasons = {}
    for locale in current_app.config["LANGUAGES"]:
        with force_locale(locale):
            reasons[locale] = assess(replace(progress, reasons=[]), today, thresholds).reason
    return reasons


# Placements checked at a time: bounds the memory and the SQL (no long IN lists).
CHUNK_SIZE = 1000


@dataclass(frozen=True)
class AlertResult:
    checked: int
    turned_red: int
    last_id: int | None = None


def check_progress(today: date, thresholds: Thresholds, after_id: int = 0,
                   limit: int | None = None) -> AlertResult:
    """Check the next `limit` active placements after `after_id` (by id): record each one's
    status, tell coordinators of those that turned red. `last_id` is None when none were left."""
    ids = queries.active_placement_ids(after_id, limit or CHUNK_SIZE)
    if not ids:
        return AlertResult(checked=0, turned_red=0)
    id_range = (after_id, ids[-1])
    progress = progress_rows(None, today, thresholds, (PlacementStatus.ACTIVE,),
                             id_range=id_range)
    recorded = queries.last_health(*id_range)
    turned = [p for p in progress if p.health == Health.RED
              and (p.placement.id not in recorded
                   or recorded[p.placement.id].status != Health.RED)]
    coordinators = queries.coordinators_by_college({p.placement.college_id for p in turned})
    now = utcnow()
    for p in progress:
        health = recorded.get(p.placement.id)
        if health is None:
            db.session.add(PlacementHealth(placement_id=p.placement.id, status=p.health.value,
                                           reason=p.reason, changed_at=now))
        elif health.status != p.health or health.reason != p.reason:
            if health.status != p.health:
                health.changed_at = now
            health.status, health.reason = p.health.value, p.reason
    for p in turned:
        params = {"student": p.placement.student.full_name,
                  **content_names("enterprise", p.placement.enterprise.name,
                                  p.placement.enterprise.name_kk),
                  "reasons": _reasons_in_every_language(p, today, thresholds)}
        for coordinator in coordinators.get(p.placement.college_id, []):
            notify(coordinator, "placement_red", params,
                   links.diary_week(p.placement.id, min(today, p.placement.end_date)))
    db.session.flush()
    return AlertResult(checked=len(progress), turned_red=len(turned), last_id=ids[-1])
