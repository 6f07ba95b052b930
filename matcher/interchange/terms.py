"""The names Selaras writes into schema.org and HR-JSON documents, each defined once.

schema.org has no term for a Selaras job order's id, its agency, its programme or its full
requirements. Selaras carries them in ``identifier`` entries, the documented schema.org
extension point for any identifier of any Thing: ``PropertyValue`` nodes whose
``propertyID`` is a ``selaras:``-prefixed name (schema.org's ``propertyID`` allows "a
prefixed string"). HR-JSON identifiers carry the same names in ``schemeId``.
"""

from __future__ import annotations

__all__ = [
    "AGENCY_ID",
    "EDUCATION_SCHEME",
    "ISCO_CODE_SET",
    "ISCO_SCHEME",
    "JOB_ORDER_ID",
    "NIK_SCHEME",
    "PROGRAMME",
    "PROGRAMME_SCHEME",
    "REQUIREMENTS",
    "SKILL_TERM_SET",
    "WORKER_SCHEME",
]

JOB_ORDER_ID = "selaras:job-order-id"
"""``identifier`` entry: the job order's ``id``."""
AGENCY_ID = "selaras:agency-id"
"""``identifier`` entry: the job order's ``agency_id``."""
PROGRAMME = "selaras:programme"
"""``identifier`` entry: the job order's ``programme`` (never guessed on import)."""
REQUIREMENTS = "selaras:requirements"
"""``identifier`` entry: the job order's ``requirements`` as compact FORMAT.md JSON."""

ISCO_CODE_SET = {
    "@type": "CategoryCodeSet",
    "name": "ISCO-08",
    "url": "https://www.ilo.org/public/english/bureau/stat/isco/isco08/",
}
"""``occupationalCategory.inCodeSet``: the International Standard Classification of
Occupations 2008 (ILO)."""
SKILL_TERM_SET = {"@type": "DefinedTermSet", "name": "Selaras manufacturing skill taxonomy"}
"""``DefinedTerm.inDefinedTermSet`` of a skill the engine recognised (``termCode`` is its
concept id)."""

WORKER_SCHEME = "selaras:worker"
"""HR-JSON ``person.id.schemeId``; ``schemeAgencyId`` is the worker's ``agency_id``."""
NIK_SCHEME = "NIK"
"""HR-JSON ``person.legalId.schemeId`` of an Indonesian national identity number."""
EDUCATION_SCHEME = "selaras:education"
"""HR-JSON ``educationLevelCodes[].id.schemeId`` of a FORMAT.md education level."""
ISCO_SCHEME = "ISCO-08"
"""HR-JSON ``jobCategories[].id.schemeId`` of an ISCO-08 unit group."""
PROGRAMME_SCHEME = "selaras:programme"
"""HR-JSON ``jobCategories[].id.schemeId`` of the programme a stay abroad was under."""
