"""Readable records: the store refuses the records that broke the service; a quarantine table.

Every stored agency, worker and job order must be a JSON object; a job order's
``wage.amount`` and a worker's ``preferences.min_monthly_wage.amount`` (when there is
one) a number above 0 and at most 10^15 (wider than any ceiling of ``models.bounds``;
an infinite wage was stored as ``null`` and stopped the server from starting), and a job
order's ``slots`` a whole number from 1 to 100,000. The exact bounds, per currency and
per field, stay with the models. Walking every value of every record instead (no
``null``, every number finite) doubled the time of a bulk upsert
(``benchmarks/bench_store_checks.py``), so what an older version left anywhere else is
for the start-up check (``api.storage.quarantine``).

SQLite checks with triggers (its CHECK constraints cannot be added to a table in place);
PostgreSQL with CHECK constraints added ``NOT VALID``: rows written before this revision
are not checked here but at start-up, where an unreadable one is quarantined into the new
``quarantined_records`` table.

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
_AMOUNTS = {"workers": "preferences.min_monthly_wage.amount", "job_orders": "wage.amount"}


def _sqlite_condition(table: str) -> str:
    checks = ["json_valid(NEW.record)", "json_type(NEW.record) = 'object'"]
    if table in _AMOUNTS:
        amount = f"'$.{_AMOUNTS[table]}'"
        number = (
            f"json_type(NEW.record, {amount}) IN ('integer', 'real') AND "
            f"json_extract(NEW.record, {amount}) > 0 AND "
            f"json_extract(NEW.record, {amount}) <= {_LIMIT}"
        )
        if table == "workers":  # the minimum wage is optional
            parent = "'$.preferences.min_monthly_wage'"
            number = f"json_type(NEW.record, {parent}) IS NULL OR ({number})"
        checks.append(number)
    if table == "job_orders":
        checks += [
            "json_type(NEW.record, '$.slots') = 'integer'",
            "json_extract(NEW.record, '$.slots') BETWEEN 1 AND 100000",
        ]
    # A missing field makes a condition NULL, and NOT NULL would let the row through.
    return " AND ".join(f"coalesce(({c}), 0)" for c in checks)


def _postgres_condition(table: str) -> str:
    checks = ["jsonb_typeof(record::jsonb) = 'object'"]
    if table in _AMOUNTS:
        path = "{" + _AMOUNTS[table].replace(".", ",") + "}"
        number = (
            f"jsonb_typeof(record::jsonb #> '{path}') = 'number' AND "
            f"(record::jsonb #>> '{path}')::numeric > 0 AND "
            f"(record::jsonb #>> '{path}')::numeric <= {_LIMIT}"
        )
        if table == "workers":
            number = f"(record::jsonb #> '{{preferences,min_monthly_wage}}') IS NULL OR ({number})"
        checks.append(number)
    if table == "job_orders":
        slots = "(record::jsonb ->> 'slots')::numeric"
        checks += [
            "jsonb_typeof(record::jsonb -> 'slots') = 'number'",
            f"{slots} BETWEEN 1 AND 100000",
            f"{slots} = trunc({slots})",
        ]
    # A CHECK passes on NULL: a missing field must fail it.
    return " AND ".join(f"coalesce(({c}), false)" for c in checks)


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
                "can read (a JSON object; wages and slots numbers within bounds)'); END"
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
