"""security hardening (issue 14): verified emails, private rooms, password-set time

Revision ID: b14e5ec0a001
Revises: c3a7e1f0b2d4
Create Date: 2026-12-05 17:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b14e5ec0a001'
down_revision = 'c3a7e1f0b2d4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_verified', sa.Boolean(), nullable=False, server_default=sa.false()))
    # Addresses typed by an operator into `admin-link` (accounts with no Google identity) are
    # vouched for; a Google account's address is verified again at its next sign-in.
    op.execute("UPDATE users SET email_verified = TRUE WHERE google_sub IS NULL AND email IS NOT NULL "
               "AND is_guest = FALSE")
    with op.batch_alter_table('rooms', schema=None) as batch_op:
        batch_op.add_column(sa.Column('password_set_ms', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('invite_secret', sa.String(length=64), nullable=True))
    op.create_table('room_knocks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('sid', sa.String(length=64), nullable=False),
    sa.Column('created_ms', sa.BigInteger(), nullable=False),
    sa.Column('decided_ms', sa.BigInteger(), nullable=True),
    sa.Column('admitted', sa.Boolean(), nullable=True),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['room_id'], ['rooms.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('room_knocks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_room_knocks_room_id'), ['room_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_room_knocks_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('room_knocks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_room_knocks_user_id'))
        batch_op.drop_index(batch_op.f('ix_room_knocks_room_id'))
    op.drop_table('room_knocks')
    with op.batch_alter_table('rooms', schema=None) as batch_op:
        batch_op.drop_column('invite_secret')
        batch_op.drop_column('password_set_ms')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email_verified')
