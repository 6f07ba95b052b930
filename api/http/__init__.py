"""HTTP plumbing every route shares: error bodies (:mod:`~api.http.errors`), the middleware
that checks a request before a route reads it (body limits, strict JSON, ``Idempotency-Key``,
``If-Match``), ETags, signed list cursors, shared query parameters, and logs and 500s
without personal data.
"""
