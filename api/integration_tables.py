"""The tables of the integrations (migration ``0004_integrations``), beside ``api.tables``."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKeyConstraint, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.tables import Base, UtcDateTime

__all__ = ["IdempotentRequestRow", "PromotedJobOrderRow"]

_ID = String(64).with_variant(String(64, collation="C"), "postgresql")


class PromotedJobOrderRow(Base):
    """A job order an officer marked promotable (listed by the public feed)."""

    __tablename__ = "promoted_job_orders"

    agency_id: Mapped[str] = mapped_column(_ID, primary_key=True)
    id: Mapped[str] = mapped_column(_ID, primary_key=True)
    key_id: Mapped[str] = mapped_column(String(32))
    marked_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)

    __table_args__ = (
        ForeignKeyConstraint(
            ["agency_id", "id"], ["job_orders.agency_id", "job_orders.id"], ondelete="CASCADE"
        ),
    )


class IdempotentRequestRow(Base):
    """The answer of a POST sent with an Idempotency-Key.

    ``caller`` is the SHA-256 of the caller's credentials (never the key itself);
    ``fingerprint`` the SHA-256 of the request (method, path, query, body).
    """

    __tablename__ = "idempotent_requests"

    caller: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    headers: Mapped[str] = mapped_column(Text)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
