"""A command that creates a new store says so on stderr, naming it; an existing one is quiet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import RunCli


def test_keys_create_on_a_new_data_dir_warns_once(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SELARAS_DATABASE_URL", raising=False)
    monkeypatch.setenv("SELARAS_DATA_DIR", str(tmp_path / "fresh"))
    store = (tmp_path / "fresh" / "selaras.db").resolve()
    first = run_cli("keys", "create", "--role", "officer")
    assert first.exit_code == 0, first.stderr
    assert first.stderr.splitlines() == [
        f"warning: creating a new, empty Selaras store at {store} (to use another, set "
        "SELARAS_DATA_DIR or SELARAS_DATABASE_URL, or pass --database)"
    ]
    again = run_cli("keys", "list")
    assert again.exit_code == 0
    assert again.stderr == ""


def test_serve_on_a_new_store_warns(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[Any] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **kwargs: started.append(app))
    monkeypatch.delenv("SELARAS_ADMIN_KEY", raising=False)
    url = f"sqlite:///{tmp_path / 'store' / 'selaras.db'}"
    result = run_cli("serve", "--database", url)
    assert result.exit_code == 0, result.stderr
    assert "warning: creating a new, empty Selaras store at" in result.stderr
    assert str((tmp_path / "store" / "selaras.db").resolve()) in result.stderr
    assert len(started) == 1  # (the patched server never started, so nothing was created)
    assert "warning: creating" in run_cli("keys", "list", "--database", url).stderr
    quiet = run_cli("serve", "--database", url)
    assert quiet.exit_code == 0
    assert "warning" not in quiet.stderr
