"""certificate status index: certificate.status_index

A certificate's bit in the revocation list (W3C Bitstring Status List) was its
id, which told every holder roughly how many certificates came before theirs.
New certificates get a random index (course/certificates.py). Certificates that
exist already keep index = id: their signed credentials name that index, and a
credential cannot change once issued, so their bits stay where they point.

Revision ID: 4d24d31725e9
Revises: 315541141109
Create Date: 2026-12-02 19:43:12.199553
"""

import sqlalchemy as sa
from alembic import op

revision = "4d24d31725e9"
down_revision = "315541141109"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status_index", sa.Integer(), nullable=True))
    certificate = sa.table("certificate", sa.column("id"), sa.column("status_index"))
    op.execute(certificate.update().values(status_index=certificate.c.id))
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.alter_column("status_index", existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_certificate_status_index"), ["status_index"])


def downgrade() -> None:
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_certificate_status_index"), type_="unique")
        batch_op.drop_column("status_index")
