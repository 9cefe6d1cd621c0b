"""diary week totals, college weeks and mentor sign-off stats

The dashboards read these running totals instead of the diary; the app keeps them current on
every flush that changes the diary (app/diary_totals.py). Filled here from the diary as it is.

Revision ID: 2d6d459f4a28
Revises: 2dd7132fd408
Create Date: 2026-12-01 20:13:39.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2d6d459f4a28'
down_revision = '2dd7132fd408'
branch_labels = None
depends_on = None

# Each database's spelling of an entry's week (its Monday), year and hours to sign-off.
SPELLING = {
    "postgresql": {
        "week": "CAST(date_trunc('week', work_date) AS DATE)",
        "year": "CAST(EXTRACT(YEAR FROM work_date) AS INTEGER)",
        "hours": "(EXTRACT(EPOCH FROM (e.reviewed_at - e.submitted_at)) / 3600.0)",
    },
    "sqlite": {
        "week": "date(work_date, 'weekday 0', '-6 days')",
        "year": "CAST(strftime('%Y', work_date) AS INTEGER)",
        "hours": "((julianday(e.reviewed_at) - julianday(e.submitted_at)) * 24.0)",
    },
}

FILL_WEEKS = """
INSERT INTO diary_week_totals (placement_id, week_start, work_year, entries, logged_minutes,
                               approved_minutes, submitted_minutes, submitted_entries,
                               last_work_date, oldest_submitted_at)
SELECT placement_id, {week}, {year}, count(*),
       coalesce(sum(CASE WHEN status <> 'draft' THEN minutes ELSE 0 END), 0),
       coalesce(sum(CASE WHEN status = 'approved' THEN minutes ELSE 0 END), 0),
       coalesce(sum(CASE WHEN status = 'submitted' THEN minutes ELSE 0 END), 0),
       coalesce(sum(CASE WHEN status = 'submitted' THEN 1 ELSE 0 END), 0),
       max(work_date), min(CASE WHEN status = 'submitted' THEN submitted_at END)
FROM diary_entries
GROUP BY placement_id, {week}, {year}
"""

FILL_PLACEMENTS = """
INSERT INTO diary_placement_totals (placement_id, entries, approved_minutes, submitted_minutes,
                                    submitted_entries, last_work_date, oldest_submitted_at)
SELECT placement_id, sum(entries), sum(approved_minutes), sum(submitted_minutes),
       sum(submitted_entries), max(last_work_date), min(oldest_submitted_at)
FROM diary_week_totals
GROUP BY placement_id
"""

FILL_COLLEGES = """
INSERT INTO diary_college_weeks (college_id, week_start, work_year, entries, logged_minutes,
                                 approved_minutes)
SELECT p.college_id, t.week_start, t.work_year, sum(t.entries), sum(t.logged_minutes),
       sum(t.approved_minutes)
FROM diary_week_totals t JOIN placements p ON p.id = t.placement_id
WHERE p.status <> 'draft'
GROUP BY p.college_id, t.week_start, t.work_year
"""

# The median as the dashboard takes it: the middle row, or the mean of the two middle rows.
FILL_MENTORS = """
INSERT INTO mentor_signoff_stats (mentor_id, approved_entries, approved_minutes, median_hours)
SELECT mentor_id, count(*), sum(minutes),
       avg(CASE WHEN hours IS NOT NULL AND (rn = (n + 1) / 2 OR rn = (n + 2) / 2)
                THEN hours END)
FROM (
    SELECT mentor_id, minutes, hours,
           row_number() OVER (PARTITION BY mentor_id ORDER BY hours ASC NULLS LAST) AS rn,
           count(hours) OVER (PARTITION BY mentor_id) AS n
    FROM (
        SELECT p.mentor_id, e.minutes, {hours} AS hours
        FROM diary_entries e JOIN placements p ON p.id = e.placement_id
        WHERE p.status <> 'draft' AND e.status = 'approved'
    ) AS approved
) AS numbered
GROUP BY mentor_id
"""


def upgrade():
    op.create_table('diary_week_totals',
    sa.Column('placement_id', sa.Integer(), nullable=False),
    sa.Column('week_start', sa.Date(), nullable=False),
    sa.Column('work_year', sa.Integer(), nullable=False),
    sa.Column('entries', sa.Integer(), nullable=False),
    sa.Column('logged_minutes', sa.Integer(), nullable=False),
    sa.Column('approved_minutes', sa.Integer(), nullable=False),
    sa.Column('submitted_minutes', sa.Integer(), nullable=False),
    sa.Column('submitted_entries', sa.Integer(), nullable=False),
    sa.Column('last_work_date', sa.Date(), nullable=True),
    sa.Column('oldest_submitted_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['placement_id'], ['placements.id'], name=op.f('fk_diary_week_totals_placement_id_placements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('placement_id', 'week_start', 'work_year', name=op.f('pk_diary_week_totals'))
    )
    op.create_table('diary_placement_totals',
    sa.Column('placement_id', sa.Integer(), nullable=False),
    sa.Column('entries', sa.Integer(), nullable=False),
    sa.Column('approved_minutes', sa.Integer(), nullable=False),
    sa.Column('submitted_minutes', sa.Integer(), nullable=False),
    sa.Column('submitted_entries', sa.Integer(), nullable=False),
    sa.Column('last_work_date', sa.Date(), nullable=True),
    sa.Column('oldest_submitted_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['placement_id'], ['placements.id'], name=op.f('fk_diary_placement_totals_placement_id_placements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('placement_id', name=op.f('pk_diary_placement_totals'))
    )
    op.create_table('diary_college_weeks',
    sa.Column('college_id', sa.Integer(), nullable=False),
    sa.Column('week_start', sa.Date(), nullable=False),
    sa.Column('work_year', sa.Integer(), nullable=False),
    sa.Column('entries', sa.Integer(), nullable=False),
    sa.Column('logged_minutes', sa.Integer(), nullable=False),
    sa.Column('approved_minutes', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['college_id'], ['colleges.id'], name=op.f('fk_diary_college_weeks_college_id_colleges'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('college_id', 'week_start', 'work_year', name=op.f('pk_diary_college_weeks'))
    )
    op.create_table('mentor_signoff_stats',
    sa.Column('mentor_id', sa.Integer(), nullable=False),
    sa.Column('approved_entries', sa.Integer(), nullable=False),
    sa.Column('approved_minutes', sa.Integer(), nullable=False),
    sa.Column('median_hours', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['mentor_id'], ['users.id'], name=op.f('fk_mentor_signoff_stats_mentor_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('mentor_id', name=op.f('pk_mentor_signoff_stats'))
    )
    spelling = SPELLING["postgresql" if op.get_bind().dialect.name == "postgresql" else "sqlite"]
    op.execute(FILL_WEEKS.format(**spelling))
    op.execute(FILL_PLACEMENTS)
    op.execute(FILL_COLLEGES)
    op.execute(FILL_MENTORS.format(**spelling))


def downgrade():
    op.drop_table('mentor_signoff_stats')
    op.drop_table('diary_college_weeks')
    op.drop_table('diary_placement_totals')
    op.drop_table('diary_week_totals')
