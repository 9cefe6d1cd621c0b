"""indexes on the outcome scope's foreign keys

The coordinator's scope of graduate outcomes filters on college_id, the mentor's on
placement_id; neither had an index of its own.

Revision ID: 2dd7132fd408
Revises: fdca51be49b5
Create Date: 2026-12-01 20:11:43.373196

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '2dd7132fd408'
down_revision = 'fdca51be49b5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('graduate_outcomes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_graduate_outcomes_college_id'), ['college_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_graduate_outcomes_placement_id'), ['placement_id'], unique=False)


def downgrade():
    with op.batch_alter_table('graduate_outcomes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_graduate_outcomes_placement_id'))
        batch_op.drop_index(batch_op.f('ix_graduate_outcomes_college_id'))
