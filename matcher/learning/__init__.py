"""Learning the score's weights from outcomes: proposals an officer approves.

What happened after a match (FORMAT.md v2, "Outcome": shortlisted, selected, rejected,
departed...) says which candidates employers chose. :mod:`.decisions` reads each pair's
decision from its outcome records, :mod:`.fit` fits the four component weights to those
decisions, and :mod:`.proposal` evaluates every pair with the engine's own scorer and
writes the proposal. Nothing here changes how Selaras scores: a proposal is a document
for an officer (docs/learning.md), never read by a run.
"""
