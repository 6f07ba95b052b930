"""The store: connection and schema (:mod:`~api.storage.database`, Alembic migrations in
``api/storage/migrations/``), tables (:mod:`~api.storage.tables`,
:mod:`~api.storage.integration_tables`), reading and writing records
(:mod:`~api.storage.store`, :mod:`~api.storage.reintegration`), quarantine of unreadable
rows, WAL checkpoints and owner-only files. Functions take a session and never commit; they
know nothing of callers, roles or HTTP.
"""
