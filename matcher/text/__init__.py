"""Text in and text out: the lowest layer of the engine.

:mod:`~matcher.text.fold` folds free text to one spelling and splits it into segments and
script runs; :mod:`~matcher.text.indonesian` strips Indonesian affixes;
:mod:`~matcher.text.english` gives English base forms;
:mod:`~matcher.text.lexicon` reads free text against a table of names (the engine behind
the skill and occupation normalizers), with its collaborators: the alias index
(:mod:`~matcher.text.aliases`), word reading and typo correction with a bounded memo
(:mod:`~matcher.text.words`), segment cover (:mod:`~matcher.text.cover`) and the fuzzy
fallback (:mod:`~matcher.text.fuzzy`); :mod:`~matcher.text.messages` renders gaps, flags
and refusals in English and Indonesian. Nothing here knows skills, rules or scores.
"""
