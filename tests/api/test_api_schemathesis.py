"""Property-based requests generated from the OpenAPI schema: never a server error.

Schemathesis draws valid and invalid requests for every operation (a bounded number of
examples each, with a fixed seed so runs repeat) and sends them with an officer's key
to a server holding A's and B's records.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from api.app import create_app
from tests.api.conftest import ADMIN_KEY, PoolData, seed, sqlite_settings

_EXAMPLES = 12


# The schema is read when the module is imported (parametrize needs the operations); the
# server's lifespan runs in the fixture below, on the same app object.
_FOLDER = Path(tempfile.mkdtemp(prefix="selaras-schemathesis-"))
_APP = create_app(sqlite_settings(_FOLDER))
schema = schemathesis.openapi.from_asgi("/openapi.json", _APP)
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    max_examples=_EXAMPLES,
    deterministic=True,
)


@pytest.fixture(scope="module", autouse=True)
def _started(pool_data: PoolData) -> Iterator[None]:
    """Start the server and seed it for the whole module; remove its store after."""
    with TestClient(_APP) as client:
        seed(client, pool_data)
        yield
    shutil.rmtree(_FOLDER, ignore_errors=True)


@schema.parametrize()
@settings(
    max_examples=_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_errors(case: schemathesis.Case) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {ADMIN_KEY}"},
        checks=[not_a_server_error, status_code_conformance, response_schema_conformance],
    )
