"""What the engine knows about trades and languages: the second layer.

:mod:`~matcher.taxonomy.skills` (the skill taxonomy and the skill normalizer),
:mod:`~matcher.taxonomy.occupations` (job titles -> ISCO-08 unit groups),
:mod:`~matcher.taxonomy.isco` (ISCO-08 codes and how close two are) and
:mod:`~matcher.taxonomy.language_scale` (language results -> CEFR, validity periods).
Built on :mod:`matcher.text`; knows nothing of rule packs or scores.
"""
