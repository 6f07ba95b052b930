"""Which worker fields are personal data, and the minimised card shown without them.

Personal fields are returned only to the worker's own agency and to officers (brief §7,
UU PDP No. 27/2022). An auditor sees a *card*: what the engine ranks on (education,
skills, certificates, language results, experience, preferences) under the worker's
pseudonymous id, and nothing that identifies or profiles the person.
"""

from __future__ import annotations

from typing import Any

from models.worker import Worker

__all__ = ["CERTIFICATE_PERSONAL_FIELDS", "PERSONAL_FIELDS", "worker_card"]

PERSONAL_FIELDS = (
    # Identifiers and identifying data (Pasal 4 "general" data; combined they identify).
    "full_name",
    "nik",
    "birth_date",
    # Protected attributes: stored for fairness audits in aggregate, never per person.
    "gender",
    "province",
    "religion",
    "ethnicity",
    "marital_status",
    # Health is "specific" data; travel documents identify and locate a person.
    "health",
    "documents",
    # A returnee's home regency locates them; their capital is personal financial data.
    "home",
    "reintegration",
)
"""Worker fields left out of an auditor's card."""

CERTIFICATE_PERSONAL_FIELDS = ("number",)
"""Certificate fields left out of a card: a certificate number identifies its holder."""


def worker_card(worker: Worker) -> dict[str, Any]:
    """The worker as JSON without its personal fields.

    Parameters
    ----------
    worker : Worker

    Returns
    -------
    dict
        The record's JSON minus :data:`PERSONAL_FIELDS` and, in each certificate,
        :data:`CERTIFICATE_PERSONAL_FIELDS`.
    """
    card = worker.model_dump(mode="json", exclude_none=True, exclude=set(PERSONAL_FIELDS))
    for certificate in card.get("certificates", []):
        for name in CERTIFICATE_PERSONAL_FIELDS:
            certificate.pop(name, None)
    return card
