"""case exercises: case_attempt

One row per play of a module's case exercise (case.yaml): the choice made at
each step, how many steps are answered (the guard that records a step's choice
once), and once finished the score and the pass mark it was judged against.

Revision ID: 95f9737074c5
Revises: 4d24d31725e9
Create Date: 2026-12-04 21:09:56.854660
"""

import sqlalchemy as sa
from alembic import op

import course.models

revision = "95f9737074c5"
down_revision = "4d24d31725e9"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.String(length=100), nullable=False),
        sa.Column("case_id", sa.String(length=100), nullable=False),
        sa.Column("content_version", sa.String(length=64), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("steps_answered", sa.Integer(), nullable=False),
        sa.Column("pass_mark", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("started_at", course.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("completed_at", course.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_case_attempt_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_attempt")),
    )
    with op.batch_alter_table("case_attempt", schema=None) as batch_op:
        batch_op.create_index(
            "ix_case_attempt_user_module_status", ["user_id", "module_id", "status"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("case_attempt", schema=None) as batch_op:
        batch_op.drop_index("ix_case_attempt_user_module_status")

    op.drop_table("case_attempt")
