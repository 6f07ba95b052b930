"""Integrations: the promotable mark of job orders, and stored answers of idempotent POSTs.

``promoted_job_orders`` holds the job orders an officer marked promotable (the public
``GET /feeds/jobpostings`` lists only these); deleting a job order deletes its mark, so a
job order later created with the same id is not promoted unseen.
``idempotent_requests`` keeps the answer of a POST sent with an ``Idempotency-Key``, so a
retry gets the same answer instead of doing the work twice (``api.http.idempotency``).
``webhook_endpoints``, ``webhook_deliveries`` and ``webhook_allow_list``: the agencies'
webhook endpoints, the delivery log, and what an officer allows in spite of the SSRF rules
(``api.webhooks.delivery``).

Revision ID: 0005_integrations
Revises: 0003
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_integrations"
down_revision = "0004_reint2"
branch_labels = None
depends_on = None

_ID = sa.String(64).with_variant(sa.String(64, collation="C"), "postgresql")
_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the tables of the integrations."""
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

    op.create_table(
        "webhook_endpoints",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("agency_id", _ID, sa.ForeignKey("agencies.id"), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("events", sa.Text, nullable=False),
        sa.Column("top_k", sa.Integer, nullable=False),
        sa.Column("secret", sa.String(128), nullable=False),
        sa.Column("key_id", sa.String(32), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column(
            "endpoint_id",
            sa.String(32),
            sa.ForeignKey("webhook_endpoints.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("event", sa.String(32), nullable=False),
        sa.Column("message_id", sa.String(40), nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", _WHEN, nullable=True, index=True),
        sa.Column("last_status", sa.Integer, nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("delivered_at", _WHEN, nullable=True),
    )
    op.create_table(
        "webhook_allow_list",
        sa.Column("entry", sa.String(255), primary_key=True),
        sa.Column("key_id", sa.String(32), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
    )


def downgrade() -> None:
    """Drop the tables."""
    op.drop_table("webhook_allow_list")
    op.drop_table("webhook_deliveries")
    op.drop_table("webhook_endpoints")
    op.drop_table("idempotent_requests")
    op.drop_table("promoted_job_orders")
