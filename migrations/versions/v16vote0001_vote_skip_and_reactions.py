"""vote-skip (room setting vote_skip_ratio) and reactions pinned to a moment (issue 16, items 3-4)

Revision ID: v16vote0001
Revises: v16public01
Create Date: 2026-12-05 20:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'v16vote0001'
down_revision = 'v16play0001'  # after the playlists migration (issue 16's three, in merge order)
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('rooms', schema=None) as batch_op:
        batch_op.add_column(sa.Column('vote_skip_ratio', sa.Float(), nullable=False, server_default='0.5'))
    op.create_table(
        'room_reactions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('room_id', sa.Integer(), nullable=False),
        sa.Column('entry_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('emoji', sa.String(length=16), nullable=False),
        sa.Column('position_ms', sa.BigInteger(), nullable=False),
        sa.Column('created_ms', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['room_id'], ['rooms.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['entry_id'], ['queue_entries.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('room_reactions', schema=None) as batch_op:
        batch_op.create_index('ix_reactions_entry_id', ['entry_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_room_reactions_room_id'), ['room_id'], unique=False)


def downgrade():
    with op.batch_alter_table('room_reactions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_room_reactions_room_id'))
        batch_op.drop_index('ix_reactions_entry_id')
    op.drop_table('room_reactions')
    with op.batch_alter_table('rooms', schema=None) as batch_op:
        batch_op.drop_column('vote_skip_ratio')
