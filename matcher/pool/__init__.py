"""Pool snapshots: a validated, normalized and encoded pool of workers in one file.

A batch run spends almost all its time reading, checking and normalizing the worker file
(issue 17); the data rarely changes between runs. :mod:`matcher.pool.snapshot` writes
that work once (``selaras pool build``) and maps it back in a fraction of the time,
refusing a file made under other versions of the engine or its data, or damaged.
"""
