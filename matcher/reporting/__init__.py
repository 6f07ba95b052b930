"""What a finished round means for people: the top layer, and the only one that reads
protected attributes.

:mod:`~matcher.reporting.report` (a round's aggregates and its fairness audit: placement
rates by gender, province and age band, read from the raw worker records after the
allocation is final) and :mod:`~matcher.reporting.html` (the same as one self-contained
page). Scoring and allocation never import this package (an import-linter contract).
"""
