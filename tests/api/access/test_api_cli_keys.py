"""``selaras keys create|list|revoke`` on a store that a server then uses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from tests.conftest import RunCli


def test_keys_made_on_the_command_line_work_in_the_api(run_cli: RunCli, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'data' / 'selaras.db'}"
    created = run_cli("keys", "create", "--role", "officer", "--label", "ops", "--database", url)
    assert created.exit_code == 0, created.stderr
    issued = json.loads(created.stdout)
    assert (issued["role"], issued["label"], issued["agency_id"]) == ("officer", "ops", None)
    listed = run_cli("keys", "list", "--database", url)
    assert [json.loads(line)["id"] for line in listed.stdout.splitlines()] == [issued["id"]]
    assert issued["key"] not in listed.stdout
    headers = {"Authorization": f"Bearer {issued['key']}"}
    with TestClient(create_app(Settings(database_url=url))) as client:
        assert client.get("/agencies", headers=headers).status_code == 200
        revoked = run_cli("keys", "revoke", issued["id"], "--database", url)
        assert revoked.exit_code == 0
        assert client.get("/agencies", headers=headers).status_code == 401


def test_bad_key_commands(run_cli: RunCli, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'selaras.db'}"
    no_agency = run_cli("keys", "create", "--role", "agency", "--database", url)
    assert no_agency.exit_code == 1
    assert "needs an agency_id" in no_agency.stderr
    unknown = run_cli("keys", "create", "--role", "agency", "--agency", "X-1", "--database", url)
    assert unknown.exit_code == 1
    assert run_cli("keys", "create", "--role", "root", "--database", url).exit_code == 2
    assert run_cli("keys", "revoke", "000000000000", "--database", url).exit_code == 1


def test_serve_refuses_a_short_admin_key(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SELARAS_ADMIN_KEY", "short")
    result = run_cli("serve", "--database", f"sqlite:///{tmp_path / 'selaras.db'}")
    assert result.exit_code == 1
    assert "at least 32" in result.stderr
