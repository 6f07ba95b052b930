"""Destination rules: the third layer.

:mod:`~matcher.rules.types` (a rule pack as typed records), :mod:`~matcher.rules.parse`
(reading a pack file, every error naming the file and key), :mod:`~matcher.rules.packs`
(the shipped packs, wage floors, versions), :mod:`~matcher.rules.exchange_rates` (the
rate table wage comparisons use) and :mod:`~matcher.rules.screening` (a job order checked
against Indonesian law and its pack, before any worker is looked at). A change of a
destination's rules is an edit of its pack file in ``matcher/data/rulepacks/``
(docs/rulepacks.md), not of code.
"""
