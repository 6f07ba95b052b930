"""Alembic migrations of the Selaras store (applied by :func:`api.storage.database.migrate`)."""
