"""Request and response bodies of the API that are not Selaras records themselves.

Records (Worker, Vacancy, Agency) and result records (MatchResult, Refusal) keep their
FORMAT.md shapes; these models wrap them in pages and envelopes. A ranked pair adds the
owning agencies of its two records, since ids are unique only within an agency.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.access.keys import Role
from api.settings import MAX_K
from matcher.text.messages import Lang
from models.bounds import Day
from models.common import Identifier, PrintableText, ShortText
from models.results import MatchResult, Reason
from models.vacancy import Vacancy
from models.worker import Experience, LanguageResult, Preferences, SkillClaim, Worker

__all__ = [
    "AuditEntry",
    "AuditPage",
    "Candidates",
    "CertificateCard",
    "Health",
    "IssuedKeyOut",
    "JobOrderPage",
    "KeyOut",
    "KeyRequest",
    "LicenceChange",
    "LicenceStatus",
    "MatchRequest",
    "QuarantineEntry",
    "QuarantinePage",
    "QuarantineProblem",
    "RankedPair",
    "RefusalOut",
    "Refusals",
    "UploadProblem",
    "UploadRejected",
    "UploadReport",
    "WorkerCard",
    "WorkerJobOrders",
    "WorkerPage",
]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CertificateCard(_Body):
    """A certificate without its number."""

    name: str
    skill: str | None = None
    scheme: str
    issued: dt.date | None = None
    expires: dt.date | None = None
    score: float | None = None


class WorkerCard(_Body):
    """A worker without personal data: what an auditor sees (docs/api.md)."""

    id: str
    agency_id: str
    education: str | None = None
    skills: list[SkillClaim] = []
    certificates: list[CertificateCard] = []
    languages: list[LanguageResult] = []
    experience: list[Experience] = []
    preferences: Preferences | None = None


class WorkerPage(_Body):
    """One page of workers; pass ``next_cursor`` as ``cursor`` for the next (null: last)."""

    items: list[Worker | WorkerCard] = Field(
        description="Worker records (cards without personal data for auditors)."
    )
    next_cursor: str | None


class JobOrderPage(_Body):
    """One page of job orders; pass ``next_cursor`` as ``cursor`` for the next (null: last)."""

    items: list[Vacancy]
    next_cursor: str | None


LicenceStatus = Literal["active", "suspended", "revoked", "expired"]


class LicenceChange(_Body):
    """A change of an agency's licence: the status, and the dates that go with it."""

    status: LicenceStatus
    licence: ShortText | None = None
    valid_from: Day | None = None
    valid_until: Day | None = None
    revoked_on: Day | None = None


class KeyRequest(_Body):
    """Issue a key: ``agency_id`` is required for role ``agency`` and refused otherwise."""

    role: Role
    agency_id: Identifier | None = None
    label: Annotated[PrintableText, Field(max_length=200)] | None = None


class KeyOut(_Body):
    """A key as listed: never its secret."""

    id: str
    role: Role
    agency_id: str | None
    label: str | None
    created_at: dt.datetime
    revoked_at: dt.datetime | None


class IssuedKeyOut(KeyOut):
    """A key just issued; ``key`` is shown this once and cannot be recovered."""

    key: str


class UploadProblem(_Body):
    """One problem of an upload, as ``selaras validate`` reports it."""

    line: int | None
    field: str | None
    message: str


class UploadReport(_Body):
    """A bulk upload that was applied whole; the first 1,000 warnings, and their count."""

    created: int
    updated: int
    warnings: list[UploadProblem]
    warning_count: int = 0


class UploadRejected(_Body):
    """A bulk upload with errors: nothing of it was applied.

    ``errors`` lists the first 1,000 errors; ``lines_with_errors`` counts every line (or
    whole-file problem) that has one.
    """

    detail: str
    errors: list[UploadProblem]
    lines_with_errors: int
    warnings: list[UploadProblem]


class RankedPair(MatchResult):
    """A FORMAT.md match result with the agencies that own its worker and job order."""

    worker_agency_id: str
    vacancy_agency_id: str | None = Field(
        description="Null for an unsaved job order (POST /match) that names no stored one."
    )


class Candidates(_Body):
    """The ranked workers of a job order, or why the job order is refused."""

    vacancy_id: str
    agency_id: str
    as_of: dt.date
    refusal: list[Reason] | None = Field(
        description="Null when the job order is open; else every reason, and no results."
    )
    results: list[RankedPair]


class WorkerJobOrders(_Body):
    """The ranked job orders of a worker."""

    worker_id: str
    agency_id: str
    as_of: dt.date
    results: list[RankedPair]


class RefusalOut(_Body):
    """A FORMAT.md refusal record with the job order's agency."""

    vacancy_id: str
    agency_id: str
    refused: Literal[True] = True
    reasons: list[Reason]


class Refusals(_Body):
    """Every stored job order the engine refuses on ``as_of``."""

    as_of: dt.date
    refusals: list[RefusalOut]


class MatchRequest(_Body):
    """Rank the stored pool for a job order that is not saved."""

    job_order: Vacancy
    k: Annotated[int, Field(ge=1, le=MAX_K)] = 10
    as_of: Day | None = None
    include_ineligible: bool = False
    lang: Lang = "en"


class AuditEntry(_Body):
    """One audit-log entry; ``result_ids`` are ``[agency_id, id]`` pairs (or key ids)."""

    seq: int
    at: dt.datetime
    key_id: str
    role: Role
    agency_id: str | None
    action: str
    target: str | None
    params: dict[str, Any]
    result_ids: list[Any]
    versions: dict[str, str]


class AuditPage(_Body):
    """Entries in order; pass ``next_after`` as ``after`` for the next page (null: last)."""

    items: list[AuditEntry]
    next_after: int | None


class Health(_Body):
    """Liveness: the store answers and the pool is loaded."""

    status: Literal["ok"]
    database: str
    versions: dict[str, str]
    quarantined: int = Field(
        0, description="Stored records taken out of service at start-up (GET /quarantine)."
    )


class QuarantineProblem(_Body):
    """Why a quarantined record could not be read."""

    field: str
    type: str
    message: str


class QuarantineEntry(_Body):
    """A stored record the server could not read at start-up, taken out of service."""

    seq: int
    kind: Literal["worker", "job_order", "agency"]
    agency_id: str | None
    id: str
    problems: list[QuarantineProblem]
    quarantined_at: dt.datetime


class QuarantinePage(_Body):
    """Entries in order; pass ``next_after`` as ``after`` for the next page (null: last)."""

    items: list[QuarantineEntry]
    next_after: int | None
