"""Storing the course catalogue (FORMAT.md v2, "Training course") and reading it back.

The catalogue is one for the whole service: officers upload it, every role reads it, and
every training plan draws on it (an agency's plan too). A row holds a course's JSON,
keyed by its id. Functions take an open session and never commit (a bulk upload is one
transaction).

A catalogue's version is :func:`catalogue_version`: the SHA-256 of its courses' JSON in
id order, so two plans read the same catalogue exactly when their versions agree.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Collection, Sequence

from sqlalchemy import String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from api.storage.tables import Base, UtcDateTime
from models.course import Course

__all__ = [
    "CourseRow",
    "catalogue_version",
    "find_course",
    "list_courses",
    "put_courses",
]

_ID = String(64).with_variant(String(64, collation="C"), "postgresql")


class CourseRow(Base):
    """A course of the catalogue; ``record`` is the Course JSON (migration 0006_training)."""

    __tablename__ = "courses"

    id: Mapped[str] = mapped_column(_ID, primary_key=True)
    record: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


def put_courses(session: Session, courses: Sequence[Course]) -> tuple[int, int]:
    """Insert or replace ``courses`` (by id); returns (created, replaced)."""
    now = dt.datetime.now(dt.UTC)
    created = replaced = 0
    for course in courses:
        text = course.model_dump_json(exclude_none=True)
        row = session.get(CourseRow, course.id)
        if row is None:
            session.add(CourseRow(id=course.id, record=text, created_at=now, updated_at=now))
            created += 1
        else:
            row.record, row.updated_at = text, now
            replaced += 1
    return created, replaced


def list_courses(session: Session, ids: Collection[str] | None = None) -> list[CourseRow]:
    """Rows in id order: every course, or (``ids``) only those."""
    query = select(CourseRow).order_by(CourseRow.id)
    if ids is not None:
        query = query.where(CourseRow.id.in_(sorted(ids)))
    return list(session.scalars(query))


def find_course(session: Session, course_id: str) -> CourseRow | None:
    """The row of ``course_id``, or None."""
    return session.get(CourseRow, course_id)


def catalogue_version(rows: Sequence[CourseRow]) -> str:
    """``sha256:<hex>`` of the courses' stored JSON, one a line, in the order given.

    Parameters
    ----------
    rows : sequence of CourseRow
        A catalogue as :func:`list_courses` reads it (id order).

    Returns
    -------
    str
    """
    digest = hashlib.sha256()
    for row in rows:
        digest.update(row.record.encode())
        digest.update(b"\n")
    return f"sha256:{digest.hexdigest()}"
