"""the trainee's compensation stated by the agreement

Revision ID: af83293a84ce
Revises: 1cfaff9bb8da
Create Date: 2026-12-01 16:52:42.521037

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'af83293a84ce'
down_revision = '1cfaff9bb8da'
branch_labels = None
depends_on = None

CHANGE_KINDS = ('mentor', 'dates', 'hours', 'department', 'termination')


def _change_kinds(kinds):
    """Re-create the check constraint of change_requests.kind (a non-native enum)."""
    listed = ", ".join(f"'{kind}'" for kind in kinds)
    with op.batch_alter_table('change_requests', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_change_requests_change_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_change_requests_change_kind'),
                                         sa.text(f"kind IN ({listed})"))


def upgrade():
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('compensation_amount', sa.Numeric(precision=12, scale=2), nullable=True))
        batch_op.add_column(sa.Column('compensation_rule', sa.String(length=300), server_default='', nullable=False))
        batch_op.create_check_constraint(
            'compensation_not_negative', 'compensation_amount IS NULL OR compensation_amount >= 0')
    _change_kinds((*CHANGE_KINDS, 'compensation'))


def downgrade():
    op.execute("DELETE FROM change_requests WHERE kind = 'compensation'")
    _change_kinds(CHANGE_KINDS)
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_placements_compensation_not_negative'), type_='check')
        batch_op.drop_column('compensation_rule')
        batch_op.drop_column('compensation_amount')
