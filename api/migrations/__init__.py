"""Alembic migrations of the Selaras store (applied by :func:`api.database.migrate`)."""
