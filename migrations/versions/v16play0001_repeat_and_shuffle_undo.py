"""room setting repeat and the undo of the last shuffle (issue 16: playlists, shuffle, repeat)

Revision ID: v16play0001
Revises: v16public01
Create Date: 2026-12-05 20:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'v16play0001'
down_revision = 'v16public01'  # chained after main's listed-rooms migration
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('rooms', schema=None) as batch_op:
        batch_op.add_column(sa.Column('repeat', sa.String(length=16), nullable=False, server_default='off'))
        batch_op.add_column(sa.Column('shuffle_undo', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('rooms', schema=None) as batch_op:
        batch_op.drop_column('shuffle_undo')
        batch_op.drop_column('repeat')
