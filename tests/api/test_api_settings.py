"""Server settings from the environment: defaults, values, and refusals of bad values."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from api.settings import DEFAULT_CACHED_RANKINGS, Settings, SettingsError
from tests.conftest import RunCli


def test_defaults_and_values(tmp_path: Path) -> None:
    plain = Settings.from_env({"SELARAS_DATA_DIR": str(tmp_path)})
    assert plain.database_url == f"sqlite:///{tmp_path / 'selaras.db'}"
    assert plain.cached_rankings == DEFAULT_CACHED_RANKINGS
    assert plain.max_upload_bytes == 128 * 2**20
    assert plain.upload_read_jobs == min(os.cpu_count() or 1, 64)
    chosen = Settings.from_env(
        {
            "SELARAS_CACHED_RANKINGS": "0",
            "SELARAS_MAX_UPLOAD_MB": " 16 ",
            "SELARAS_UPLOAD_READ_JOBS": "1",
        },
        database_url="sqlite:///x.db",
    )
    assert (chosen.cached_rankings, chosen.max_upload_bytes) == (0, 16 * 2**20)
    assert chosen.upload_read_jobs == 1
    assert chosen.database_url == "sqlite:///x.db"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SELARAS_CACHED_RANKINGS", "-1"),
        ("SELARAS_CACHED_RANKINGS", "lots"),
        ("SELARAS_MAX_UPLOAD_MB", "0"),
        ("SELARAS_MAX_UPLOAD_MB", "1.5"),
        ("SELARAS_UPLOAD_READ_JOBS", "0"),
        ("SELARAS_UPLOAD_READ_JOBS", "65"),
    ],
)
def test_bad_numbers_are_refused_by_name(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value})


def test_serve_refuses_a_bad_setting_before_starting(
    run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SELARAS_CACHED_RANKINGS", "many")
    result = run_cli("serve", "--database", "sqlite:///:memory:")
    assert result.exit_code == 1
    assert "SELARAS_CACHED_RANKINGS" in result.stderr


def test_cors_origins_cursor_secret_and_number_bounds(tmp_path: Path) -> None:
    chosen = Settings.from_env(
        {
            "SELARAS_CORS_ORIGINS": "https://app.agency.co.id, http://localhost:3000",
            "SELARAS_CURSOR_SECRET": "s" * 32,
            "SELARAS_DATA_DIR": str(tmp_path),
        }
    )
    assert chosen.cors_origins == ("https://app.agency.co.id", "http://localhost:3000")
    assert chosen.cursor_secret == "s" * 32
    assert chosen.data_dir == tmp_path
    assert Settings.from_env({}).cors_origins == ()
    refused = {
        "SELARAS_CORS_ORIGINS": ["*", "https://a.example/path", "ftp://a.example"],
        "SELARAS_CURSOR_SECRET": ["too short"],
        "SELARAS_MAX_UPLOAD_MB": ["5000", "1" * 5000, "١٢"],
        "SELARAS_CACHED_RANKINGS": ["99999999999"],
    }
    for name, values in refused.items():
        for value in values:
            with pytest.raises(SettingsError, match=name):
                Settings.from_env({name: value})
