"""users phone index, phones in one written form

Revision ID: fdca51be49b5
Revises: af83293a84ce
Create Date: 2026-12-01 17:07:17.239388

"""
from alembic import op
import sqlalchemy as sa

from app.domain.phones import written


# revision identifiers, used by Alembic.
revision = 'fdca51be49b5'
down_revision = 'af83293a84ce'
branch_labels = None
depends_on = None


def upgrade():
    # Phones already on file take the one written form sign-in looks up (others stay as typed).
    users = sa.table("users", sa.column("id", sa.Integer), sa.column("phone", sa.String))
    connection = op.get_bind()
    rows = connection.execute(sa.select(users.c.id, users.c.phone).where(users.c.phone != ""))
    for user_id, phone in rows.fetchall():
        if written(phone) != phone:
            connection.execute(users.update().where(users.c.id == user_id)
                               .values(phone=written(phone)))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index('ix_users_phone', ['phone'], unique=False)


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index('ix_users_phone')
