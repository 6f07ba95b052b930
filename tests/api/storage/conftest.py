"""The store of each backend the storage tests run on."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.api.conftest import POSTGRES_URL
from tests.api.storage.stores import reset_postgres


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param(
            "postgresql",
            marks=pytest.mark.skipif(
                POSTGRES_URL is None, reason="SELARAS_TEST_DATABASE_URL is not set"
            ),
        ),
    ]
)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty store of each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store' / 'selaras.db'}"
    assert POSTGRES_URL is not None
    reset_postgres(POSTGRES_URL)
    return POSTGRES_URL
