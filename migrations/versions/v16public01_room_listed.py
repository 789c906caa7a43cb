"""room setting listed: shown in the homepage's public rooms (issue 16, item 7)

Revision ID: v16public01
Revises: b14e5ec0a001
Create Date: 2026-12-05 20:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'v16public01'
down_revision = 'b14e5ec0a001'  # the head on main (the brief's c3a7e1f0b2d4 is its parent)
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('rooms', schema=None) as batch_op:
        batch_op.add_column(sa.Column('listed', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('rooms', schema=None) as batch_op:
        batch_op.drop_column('listed')
