"""Readable records: the store refuses what the service could not read; a quarantine table.

Every stored agency, worker and job order must be a JSON object without ``null`` (records
are stored without empty fields, so a ``null`` is a number that could not be written:
what an infinite wage became) and whose numbers are all finite and within +-10^15 (wider
than any bound of ``models.bounds``). A job order's ``wage.amount`` and a worker's
``preferences.min_monthly_wage.amount`` must be positive numbers, and ``slots`` a whole
number from 1 to 100,000. The exact bounds (per currency, per field) stay with the
models; these constraints keep what no version of the service could read out of the
store even if a writer gets past them.

SQLite checks with triggers (its CHECK constraints cannot walk a JSON document);
PostgreSQL with CHECK constraints added ``NOT VALID``: rows written before this revision
are not checked here but at start-up, where an unreadable one is quarantined
(``api.quarantine``) into the new ``quarantined_records`` table.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_ID = sa.String(64).with_variant(sa.String(64, collation="C"), "postgresql")
_LIMIT = "1e15"

# table -> extra conditions in SQLite's and in PostgreSQL's JSON functions
_SQLITE_EXTRA = {
    "agencies": [],
    "workers": [
        "(json_type(NEW.record, '$.preferences.min_monthly_wage') IS NULL OR ("
        "json_type(NEW.record, '$.preferences.min_monthly_wage.amount') IN ('integer', 'real')"
        " AND json_extract(NEW.record, '$.preferences.min_monthly_wage.amount') > 0))"
    ],
    "job_orders": [
        "json_type(NEW.record, '$.wage.amount') IN ('integer', 'real')",
        "json_extract(NEW.record, '$.wage.amount') > 0",
        "json_type(NEW.record, '$.slots') = 'integer'",
        "json_extract(NEW.record, '$.slots') BETWEEN 1 AND 100000",
    ],
}
_POSTGRES_EXTRA = {
    "agencies": [],
    "workers": [
        "((record::jsonb #> '{preferences,min_monthly_wage}') IS NULL OR ("
        "jsonb_typeof(record::jsonb #> '{preferences,min_monthly_wage,amount}') = 'number'"
        " AND (record::jsonb #>> '{preferences,min_monthly_wage,amount}')::numeric > 0))"
    ],
    "job_orders": [
        "jsonb_typeof(record::jsonb #> '{wage,amount}') = 'number'",
        "(record::jsonb #>> '{wage,amount}')::numeric > 0",
        "jsonb_typeof(record::jsonb -> 'slots') = 'number'",
        "(record::jsonb ->> 'slots')::numeric BETWEEN 1 AND 100000",
        "(record::jsonb ->> 'slots')::numeric = trunc((record::jsonb ->> 'slots')::numeric)",
    ],
}


def _sqlite_condition(table: str) -> str:
    readable = [
        "json_valid(NEW.record)",
        "json_type(NEW.record) = 'object'",
        "NOT EXISTS (SELECT 1 FROM json_tree(NEW.record) WHERE type = 'null' OR "
        f"(type IN ('integer', 'real') AND abs(atom) > {_LIMIT}))",
        *_SQLITE_EXTRA[table],
    ]
    # A missing field makes a condition NULL, and NOT NULL would let the row through.
    return " AND ".join(f"coalesce(({c}), 0)" for c in readable)


def _postgres_condition(table: str) -> str:
    path = f'strict $.** ? (@ == null || (@.type() == "number" && (@ > {_LIMIT} || @ < -{_LIMIT})))'
    readable = [
        "jsonb_typeof(record::jsonb) = 'object'",
        f"NOT jsonb_path_exists(record::jsonb, '{path}')",
        *_POSTGRES_EXTRA[table],
    ]
    # A CHECK passes on NULL: a missing field must fail it.
    return " AND ".join(f"coalesce(({c}), false)" for c in readable)


def upgrade() -> None:
    """Create the quarantine table and the constraints on stored records."""
    op.create_table(
        "quarantined_records",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("agency_id", _ID, nullable=True),
        sa.Column("record_id", _ID, nullable=False),
        sa.Column("record", sa.LargeBinary, nullable=False),
        sa.Column("problems", sa.Text, nullable=False),
        sa.Column("quarantined_at", sa.DateTime(timezone=True), nullable=False),
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in ("agencies", "workers", "job_orders"):
        if postgres:
            op.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {table}_record_readable "
                f"CHECK ({_postgres_condition(table)}) NOT VALID"
            )
            continue
        noun = {"agencies": "agency", "workers": "worker", "job_orders": "job order"}[table]
        for event in ("INSERT", "UPDATE OF record"):
            name = f"{table}_record_readable_{event.split()[0].lower()}"
            op.execute(
                f"CREATE TRIGGER {name} BEFORE {event} ON {table} "
                f"WHEN NOT ({_sqlite_condition(table)}) "
                f"BEGIN SELECT RAISE(ABORT, 'a stored {noun} must be a record the service "
                "can read (a JSON object, no null, finite numbers within bounds)'); END"
            )


def downgrade() -> None:
    """Drop the constraints and the quarantine table."""
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in ("agencies", "workers", "job_orders"):
        if postgres:
            op.execute(f"ALTER TABLE {table} DROP CONSTRAINT {table}_record_readable")
        else:
            for event in ("insert", "update"):
                op.execute(f"DROP TRIGGER {table}_record_readable_{event}")
    op.drop_table("quarantined_records")
