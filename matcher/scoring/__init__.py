"""Scoring pairs: the fourth layer.

What a worker record says, read once (:mod:`~matcher.scoring.facts`) and encoded as
columns (:mod:`~matcher.scoring.encoding`); the executable specification of eligibility,
gaps and the score, one pair at a time (:mod:`~matcher.scoring.reference`); the same
rules over a whole pool with numpy (:mod:`~matcher.scoring.kernel`), equal to the
reference pair for pair; a matching run that ranks and explains
(:mod:`~matcher.scoring.matching`, :mod:`~matcher.scoring.explain`); and the versions of
everything a result rests on (:mod:`~matcher.scoring.versions`).
"""
