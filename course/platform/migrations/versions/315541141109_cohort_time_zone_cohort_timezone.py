"""cohort time zone: cohort.timezone

Each cohort gets an IANA time zone name; meeting times are typed and shown in it,
and stored as true UTC instants. Existing cohorts get UTC: their meetings were
stored as the wall-clock time "as if UTC", so with UTC they read back exactly as
before and no meeting row changes. (Downgrading drops the zone: the meetings of a
cohort in another zone would then read as UTC, off by its offset.)

Revision ID: 315541141109
Revises: 76a8483a4d7a
Create Date: 2026-12-02 19:07:28.665232
"""

import sqlalchemy as sa
from alembic import op

revision = "315541141109"
down_revision = "76a8483a4d7a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cohort", schema=None) as batch_op:
        batch_op.add_column(sa.Column("timezone", sa.String(length=64), server_default="UTC", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("cohort", schema=None) as batch_op:
        batch_op.drop_column("timezone")
