"""Who may do what: API keys and roles (:mod:`~api.access.keys`), which agency's records a
caller sees (:mod:`~api.access.tenancy`), which worker fields are personal
(:mod:`~api.access.redaction`) and how often a caller may ask
(:mod:`~api.access.rate_limits`).
"""
