"""names in Kazakh: an optional name_kk beside the name of colleges, specialties, competencies,
enterprises and departments

Revision ID: 1cfaff9bb8da
Revises: a9b4738e1b69
Create Date: 2026-12-01 16:51:56.594565

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1cfaff9bb8da'
down_revision = 'a9b4738e1b69'
branch_labels = None
depends_on = None

# Each table's name_kk is as long as its name.
LENGTHS = {'colleges': 200, 'competencies': 300, 'departments': 200, 'enterprises': 200,
           'specialties': 200}


def upgrade():
    for table, length in LENGTHS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('name_kk', sa.String(length=length), server_default='',
                                          nullable=False))


def downgrade():
    for table in reversed(list(LENGTHS)):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('name_kk')
