"""Integrations: the promotable mark of job orders, and stored answers of idempotent POSTs.

``promoted_job_orders`` holds the job orders an officer marked promotable (the public
``GET /feeds/jobpostings`` lists only these); deleting a job order deletes its mark, so a
job order later created with the same id is not promoted unseen.
``idempotent_requests`` keeps the answer of a POST sent with an ``Idempotency-Key``, so a
retry gets the same answer instead of doing the work twice (``api.idempotency``).

Revision ID: 0004_integrations
Revises: 0003
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_integrations"
down_revision = "0003"
branch_labels = None
depends_on = None

_ID = sa.String(64).with_variant(sa.String(64, collation="C"), "postgresql")
_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the promoted_job_orders and idempotent_requests tables."""
    op.create_table(
        "promoted_job_orders",
        sa.Column("agency_id", _ID, primary_key=True),
        sa.Column("id", _ID, primary_key=True),
        sa.Column("key_id", sa.String(32), nullable=False),
        sa.Column("marked_at", _WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id", "id"],
            ["job_orders.agency_id", "job_orders.id"],
            ondelete="CASCADE",
        ),
    )
    op.create_table(
        "idempotent_requests",
        sa.Column("caller", sa.String(64), primary_key=True),
        sa.Column("key", sa.String(255), primary_key=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("status", sa.Integer, nullable=False),
        sa.Column("headers", sa.Text, nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
    )


def downgrade() -> None:
    """Drop both tables."""
    op.drop_table("idempotent_requests")
    op.drop_table("promoted_job_orders")
