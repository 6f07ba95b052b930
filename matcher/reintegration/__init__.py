"""Reintegration of returning workers: the engine-independent core (docs/reintegration.md).

- :mod:`~matcher.reintegration.wage_floors`: Indonesia's minimum wages (UMP, UMK), the
  floor in force at a place on a date, and wages per hour/year expressed per month;
- :mod:`~matcher.reintegration.wage_gate`: the minimum-wage refusal of an opportunity;
- :mod:`~matcher.reintegration.proximity`: proximity tiers from a returnee's home and what
  ``relocate`` reaches, one pair or arrays of them;
- :mod:`~matcher.reintegration.recognition_rules` and
  :mod:`~matcher.reintegration.recognition`: skill levels recognised from work abroad and
  foreign certificates, and the RPL gap for a certificate recognition cannot replace.
"""

from matcher.reintegration.proximity import (
    PROXIMITY_TIERS,
    REACH,
    UNKNOWN_PLACE,
    PlaceCodes,
    ProximityTier,
    encode_places,
    encode_relocate,
    proximity,
    proximity_tiers,
    reachable,
    within_reach,
)
from matcher.reintegration.reading import DataFileError, Source
from matcher.reintegration.recognition import (
    ConceptReader,
    Evidence,
    RecognisedLevel,
    recognise,
    recognise_pool,
    rpl_gap_message,
)
from matcher.reintegration.recognition_rules import (
    RecognitionError,
    RecognitionRule,
    RecognitionRules,
    load_recognition,
)
from matcher.reintegration.wage_floors import (
    Floor,
    MinimumWage,
    MinimumWageError,
    MinimumWageTable,
    WagePeriod,
    floor_in_force,
    load_minimum_wages,
    monthly_wage,
)
from matcher.reintegration.wage_gate import Note, WageCheck, check_opportunity_wage

__all__ = [
    "PROXIMITY_TIERS",
    "REACH",
    "UNKNOWN_PLACE",
    "ConceptReader",
    "DataFileError",
    "Evidence",
    "Floor",
    "MinimumWage",
    "MinimumWageError",
    "MinimumWageTable",
    "Note",
    "PlaceCodes",
    "ProximityTier",
    "RecognisedLevel",
    "RecognitionError",
    "RecognitionRule",
    "RecognitionRules",
    "Source",
    "WageCheck",
    "WagePeriod",
    "check_opportunity_wage",
    "encode_places",
    "encode_relocate",
    "floor_in_force",
    "load_minimum_wages",
    "load_recognition",
    "monthly_wage",
    "proximity",
    "proximity_tiers",
    "reachable",
    "recognise",
    "recognise_pool",
    "rpl_gap_message",
    "within_reach",
]
