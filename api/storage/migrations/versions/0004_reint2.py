"""Domestic opportunities for returnees (FORMAT.md v2, "Domestic opportunity").

One table, ``opportunities``: each row an opportunity's JSON, owned by the agency that
uploaded it (``owner_agency_id``; officers name it), keyed by (owner, id).

Revision ID: 0004_reint2
Revises: 0003
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_reint2"
down_revision = "0003"
branch_labels = None
depends_on = None

_ID = sa.String(64).with_variant(sa.String(64, collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "opportunities",
        sa.Column("owner_agency_id", _ID, sa.ForeignKey("agencies.id"), primary_key=True),
        sa.Column("id", _ID, primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("record", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_opportunities_id", "opportunities", ["id"])


def downgrade() -> None:
    op.drop_index("ix_opportunities_id", table_name="opportunities")
    op.drop_table("opportunities")
