"""The tables of the integrations (migration ``0005_integrations``), beside ``tables``."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, ForeignKeyConstraint, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.storage.tables import ID, Base, UtcDateTime

__all__ = [
    "IdempotentRequestRow",
    "PromotedJobOrderRow",
    "WebhookAllowRow",
    "WebhookDeliveryRow",
    "WebhookEndpointRow",
]


class PromotedJobOrderRow(Base):
    """A job order an officer marked promotable (listed by the public feed)."""

    __tablename__ = "promoted_job_orders"

    agency_id: Mapped[str] = mapped_column(ID, primary_key=True)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
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


class WebhookEndpointRow(Base):
    """An agency's webhook endpoint: its URL, the events it wants (JSON list), its secret,
    and ``top_k``: how much of each job order's ranking ``ranking.changed`` watches."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    agency_id: Mapped[str] = mapped_column(ID, ForeignKey("agencies.id"))
    url: Mapped[str] = mapped_column(Text)
    events: Mapped[str] = mapped_column(Text)
    top_k: Mapped[int] = mapped_column(Integer)
    secret: Mapped[str] = mapped_column(String(128))
    key_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class WebhookDeliveryRow(Base):
    """One message to one endpoint and how its delivery went (the delivery log).

    ``status`` is ``pending`` (``next_attempt_at`` says when), ``delivered`` or ``failed``
    (every retry spent); ``message_id`` is the same on every attempt and replay.
    """

    __tablename__ = "webhook_deliveries"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    endpoint_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), index=True
    )
    event: Mapped[str] = mapped_column(String(32))
    message_id: Mapped[str] = mapped_column(String(40))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, index=True)
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class WebhookAllowRow(Base):
    """A host or network an officer allows as a webhook target (SSRF rules, api7)."""

    __tablename__ = "webhook_allow_list"

    entry: Mapped[str] = mapped_column(String(255), primary_key=True)
    key_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
