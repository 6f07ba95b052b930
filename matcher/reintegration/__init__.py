"""Reintegration of returning workers: the engine-independent core (docs/reintegration.md).

- :mod:`~matcher.reintegration.wage_floors`: Indonesia's minimum wages (UMP, UMK), the
  floor in force at a place on a date, and wages per hour/year expressed per month;
- :mod:`~matcher.reintegration.wage_gate`: the minimum-wage refusal of an opportunity;
- :mod:`~matcher.reintegration.proximity`: proximity tiers from a returnee's home and what
  ``relocate`` reaches, one pair or arrays of them;
- :mod:`~matcher.reintegration.recognition_rules` and
  :mod:`~matcher.reintegration.recognition`: skill levels recognised from work abroad and
  foreign certificates, and the RPL gap for a certificate recognition cannot replace;
- :mod:`~matcher.reintegration.facts` and :mod:`~matcher.reintegration.screening`: returnees
  and opportunities read into the engine's form;
- :mod:`~matcher.reintegration.reference` and :mod:`~matcher.reintegration.kernel`: a
  (returnee, opportunity) pair scored by the engine's reference and kernel, extended with
  the returnee gates (:mod:`~matcher.reintegration.gaps`) and the proximity component
  (:mod:`~matcher.reintegration.params`); :mod:`~matcher.reintegration.run` ranks both
  ways and explains; :mod:`~matcher.reintegration.book` keeps every returnee's best
  opportunities and answers one returnee at a time;
- :mod:`~matcher.reintegration.trainers`: returnees who could teach a course's skills.
"""

from matcher.reintegration.book import OpportunityBook
from matcher.reintegration.facts import ReturneeFacts, returnee_facts
from matcher.reintegration.kernel import ReintegrationKernel, TopBothWays
from matcher.reintegration.params import ReintegrationParams
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
from matcher.reintegration.reference import ReintegrationOutcome, ReintegrationScorer
from matcher.reintegration.run import (
    ReintegrationRun,
    explain_reintegration,
    prepare_reintegration,
)
from matcher.reintegration.screening import ScreenedOpportunity, screen_opportunities
from matcher.reintegration.trainers import (
    TRAINER_MIN_LEVEL,
    course_trainer_supply,
    trainer_supply,
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
from matcher.reintegration.wage_gate import WageCheck, check_opportunity_wage
from matcher.rules.screening import Note

__all__ = [
    "PROXIMITY_TIERS",
    "REACH",
    "TRAINER_MIN_LEVEL",
    "UNKNOWN_PLACE",
    "ConceptReader",
    "DataFileError",
    "Evidence",
    "Floor",
    "MinimumWage",
    "MinimumWageError",
    "MinimumWageTable",
    "Note",
    "OpportunityBook",
    "PlaceCodes",
    "ProximityTier",
    "RecognisedLevel",
    "RecognitionError",
    "RecognitionRule",
    "RecognitionRules",
    "ReintegrationKernel",
    "ReintegrationOutcome",
    "ReintegrationParams",
    "ReintegrationRun",
    "ReintegrationScorer",
    "ReturneeFacts",
    "ScreenedOpportunity",
    "Source",
    "TopBothWays",
    "WageCheck",
    "WagePeriod",
    "check_opportunity_wage",
    "course_trainer_supply",
    "encode_places",
    "encode_relocate",
    "explain_reintegration",
    "floor_in_force",
    "load_minimum_wages",
    "load_recognition",
    "monthly_wage",
    "prepare_reintegration",
    "proximity",
    "proximity_tiers",
    "reachable",
    "recognise",
    "recognise_pool",
    "returnee_facts",
    "rpl_gap_message",
    "screen_opportunities",
    "trainer_supply",
    "within_reach",
]
