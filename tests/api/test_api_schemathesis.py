"""Property-based requests generated from the OpenAPI schema: never a server error.

Schemathesis draws valid and invalid requests for every operation (a bounded number of
examples each, with a fixed seed so runs repeat) and sends them with an officer's key
to a server holding A's and B's records. Its strategies are widened with hostile values
(``tests/api/hostile.py``): a generated JSON body may get one of its values replaced by
``NaN``, ``Infinity``, a 5,001-digit integer, a lone surrogate, a NUL, nesting 50,000
deep...; an upload its file replaced by a flood of bad lines, a deep or huge line; a
query or path parameter a non-finite, out-of-range or forged value. Every answer must
be one the schema documents, with a body of its documented shape.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from api.app import create_app
from api.settings import DEFAULT_RATE_LIMITS, RateLimit
from tests.api.conftest import ADMIN_KEY, PoolData, seed, sqlite_settings
from tests.api.hostile import (
    HOSTILE_FILES,
    HOSTILE_PATH_VALUES,
    HOSTILE_QUERY_VALUES,
    HOSTILE_TOKENS,
    leaf_paths,
    with_token,
)

_EXAMPLES = 12


# The schema is read when the module is imported (parametrize needs the operations); the
# server's lifespan runs in the fixture below, on the same app object.
_FOLDER = Path(tempfile.mkdtemp(prefix="selaras-schemathesis-"))
# The run is one officer sending hundreds of requests a second: no rate limit here
# (tests/api/access/test_api_rate_limits.py tests them).
_UNLIMITED = {role: RateLimit(0, 0) for role in DEFAULT_RATE_LIMITS}
_APP = create_app(sqlite_settings(_FOLDER, rate_limits=_UNLIMITED))
schema = schemathesis.openapi.from_asgi("/openapi.json", _APP)
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    max_examples=_EXAMPLES,
    deterministic=True,
)


def _hostile_body(body: Any) -> st.SearchStrategy[Any]:
    if isinstance(body, dict) and "file" in body:  # a multipart upload
        return st.sampled_from(HOSTILE_FILES).map(lambda data: {**body, "file": data})
    paths = leaf_paths(body)
    return st.builds(
        with_token, st.just(body), st.sampled_from(paths), st.sampled_from(HOSTILE_TOKENS)
    )


@schema.hook
def flatmap_body(_context: Any, body: Any) -> st.SearchStrategy[Any]:
    """The generated body, or a hostile variant of it."""
    return st.one_of(st.just(body), _hostile_body(body))


def _replace_one(values: dict[str, Any], hostile: tuple[str, ...]) -> st.SearchStrategy[Any]:
    if not values:
        return st.just(values)
    changed = st.fixed_dictionaries(
        {"name": st.sampled_from(sorted(values)), "value": st.sampled_from(hostile)}
    ).map(lambda pick: {**values, pick["name"]: pick["value"]})
    return st.one_of(st.just(values), changed)


@schema.hook
def flatmap_query(_context: Any, query: dict[str, Any]) -> st.SearchStrategy[Any]:
    """The generated query, or one of its parameters replaced by a hostile value."""
    return _replace_one(query, HOSTILE_QUERY_VALUES)


@schema.hook
def flatmap_path_parameters(_context: Any, path: dict[str, Any]) -> st.SearchStrategy[Any]:
    """The generated path parameters, or one replaced by a hostile value."""
    return _replace_one(path, HOSTILE_PATH_VALUES)


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
