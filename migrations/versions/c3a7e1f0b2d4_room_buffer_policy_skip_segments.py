"""room settings buffer_policy and skip_segments (issue 13)

Revision ID: c3a7e1f0b2d4
Revises: 854bd4a95aff
Create Date: 2026-12-05 17:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3a7e1f0b2d4'
down_revision = '854bd4a95aff'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('rooms', schema=None) as batch_op:
        batch_op.add_column(sa.Column('buffer_policy', sa.String(length=16), nullable=False,
                                      server_default='catch_up'))
        batch_op.add_column(sa.Column('skip_segments', sa.String(length=71), nullable=False,
                                      server_default=''))


def downgrade():
    with op.batch_alter_table('rooms', schema=None) as batch_op:
        batch_op.drop_column('skip_segments')
        batch_op.drop_column('buffer_policy')
