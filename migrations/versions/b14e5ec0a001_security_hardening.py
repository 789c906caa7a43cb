"""security hardening (issue 14): verified emails, private rooms, password-set time

Revision ID: b14e5ec0a001
Revises: 854bd4a95aff
Create Date: 2026-12-05 17:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b14e5ec0a001'
down_revision = '854bd4a95aff'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_verified', sa.Boolean(), nullable=False, server_default=sa.false()))
    # Addresses typed by an operator into `admin-link` (accounts with no Google identity) are
    # vouched for; a Google account's address is verified again at its next sign-in.
    op.execute("UPDATE users SET email_verified = TRUE WHERE google_sub IS NULL AND email IS NOT NULL "
               "AND is_guest = FALSE")


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email_verified')
