"""Training plans: the course catalogue, and the kind of a batch run.

``courses`` holds the catalogue (FORMAT.md v2 "Training course"), one row a course's
JSON keyed by its id: the catalogue is the officers' and shared by every agency.
``batch_runs.kind`` tells an allocation round (``round``, every run stored before) from a
training plan (``training_plan``): both run through the same queue (``api.batch_runs``).

Revision ID: 0006_training
Revises: 0005_integrations
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_training"
down_revision = "0005_integrations"
branch_labels = None
depends_on = None

_ID = sa.String(64).with_variant(sa.String(64, collation="C"), "postgresql")
_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the courses table; give every batch run a kind."""
    op.create_table(
        "courses",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("record", sa.Text, nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("updated_at", _WHEN, nullable=False),
    )
    op.add_column(
        "batch_runs",
        sa.Column("kind", sa.String(16), nullable=False, server_default="round"),
    )


def downgrade() -> None:
    """Drop the kind (SQLite rebuilds the table) and the courses."""
    with op.batch_alter_table("batch_runs") as batch:
        batch.drop_column("kind")
    op.drop_table("courses")
