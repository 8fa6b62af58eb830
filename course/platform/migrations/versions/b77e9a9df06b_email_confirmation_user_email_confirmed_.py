"""email confirmation: user.email_confirmed_at

Accounts that exist already count as confirmed at their creation time: they were
made before self-registration asked for a confirmed address.

Revision ID: b77e9a9df06b
Revises: eda1d9443c0a
Create Date: 2026-11-23 00:55:35.212065
"""

import sqlalchemy as sa
from alembic import op

import course.models

revision = "b77e9a9df06b"
down_revision = "eda1d9443c0a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("email_confirmed_at", course.models.UTCDateTime(timezone=True), nullable=True)
        )
    user = sa.table("user", sa.column("created_at"), sa.column("email_confirmed_at"))
    op.execute(user.update().values(email_confirmed_at=user.c.created_at))


def downgrade() -> None:
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("email_confirmed_at")
