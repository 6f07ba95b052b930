"""``selaras normalize skill|occupation|language``: output records and exit statuses."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

RunCli = Callable[..., Result]
"""The ``run_cli`` fixture (conftest.py)."""

SKILL_KEYS = ["input", "concept_id", "label_en", "label_id", "isco", "score", "concepts"]
OCCUPATION_KEYS = ["input", "isco", "title", "score", "via"]
LANGUAGE_KEYS = ["test", "result", "cefr", "source", "status", "language"]


def _records(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines()]


def _language(run_cli: RunCli, *args: str) -> dict[str, Any]:
    result = run_cli("normalize", "language", *args)
    assert result.exit_code == 0, result.stderr
    [record] = _records(result.stdout)
    assert list(record) == LANGUAGE_KEYS
    return record


def test_language_jlpt_n4_maps_to_a2_with_its_source(run_cli: RunCli) -> None:
    record = _language(run_cli, "--test", "JLPT", "--result", " n4 ")
    assert record["result"] == "N4"
    assert record["cefr"] == "A2"
    assert record["language"] == "ja"
    assert record["source"].startswith("https://www.jlpt.jp/")


def test_language_jlpt_score_decides_within_the_level(run_cli: RunCli) -> None:
    without = _language(run_cli, "--test", "JLPT", "--result", "N3")
    with_score = _language(run_cli, "--test", "JLPT", "--result", "N3", "--score", "110")
    assert (without["cefr"], with_score["cefr"]) == ("A2", "B1")


@pytest.mark.parametrize(
    ("sections", "cefr"),
    [('{"listening": 300, "reading": 300}', "B1"), ('{"listening": 400, "reading": 200}', "A2")],
)
def test_language_toeic_sections_apply_their_minima(
    run_cli: RunCli, sections: str, cefr: str
) -> None:
    record = _language(run_cli, "--test", "TOEIC", "--result", "600", "--sections", sections)
    assert record["result"] == 600
    assert record["cefr"] == cefr


def test_language_eps_topik_keeps_its_own_scale(run_cli: RunCli) -> None:
    record = _language(run_cli, "--test", "EPS-TOPIK", "--result", "170")
    assert record == {
        "test": "EPS-TOPIK",
        "result": 170,
        "cefr": None,
        "source": None,
        "status": None,
        "language": "ko",
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--test", "JLPT", "--result", "N6"], "JLPT result must be one of N1, N2, N3, N4, N5"),
        (["--test", "TOEFL", "--result", "80"], "language test must be one of"),
        (
            ["--test", "TOEIC", "--result", "600", "--sections", '{"listening": 500}'],
            "TOEIC listening score must be an integer from 5 to 495",
        ),
        (["--test", "EPS-TOPIK", "--result", "170", "--score", "90"], "only recorded for JLPT"),
    ],
)
def test_language_invalid_result_exits_1(run_cli: RunCli, args: list[str], message: str) -> None:
    result = run_cli("normalize", "language", *args)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert message in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["--test", "JLPT"],  # --result missing
        ["--test", "JLPT", "--result", "N4", "--level", "N4"],
        ["--test", "JLPT", "--result", "N4", "--score", "high"],
        ["--test", "TOEIC", "--result", "600", "--sections", "listening=300"],
        ["--test", "TOEIC", "--result", "600", "--sections", "[300, 300]"],
    ],
)
def test_language_bad_usage_exits_2(run_cli: RunCli, args: list[str]) -> None:
    result = run_cli("normalize", "language", *args)
    assert result.exit_code == 2
    assert result.stdout == ""


def test_skill_records_echo_every_input_verbatim_in_order(run_cli: RunCli) -> None:
    texts = ["las listrik", "  Opr  CNC bubut ", "sopir", "溶接", "las argon dan bubut", "forklip"]
    result = run_cli("normalize", "skill", *texts)
    assert result.exit_code == 0, result.stderr
    records = _records(result.stdout)
    assert [r["input"] for r in records] == texts
    assert all(list(r) == SKILL_KEYS for r in records)
    by_input = {r["input"]: r for r in records}
    assert by_input["las listrik"]["concept_id"] == "smaw-welding"
    assert by_input["las listrik"]["isco"] == ["7212"]
    assert by_input["las argon dan bubut"]["concepts"] == ["gtaw-welding", "lathe-turning"]
    assert by_input["sopir"] == {
        "input": "sopir",
        "concept_id": None,
        "label_en": None,
        "label_id": None,
        "isco": [],
        "score": None,
        "concepts": [],
    }
    assert '"溶接"' in result.stdout  # UTF-8 out, not \\u escapes


def test_skill_file_gives_one_line_per_input_line(run_cli: RunCli, tmp_path: Path) -> None:
    path = tmp_path / "skills.txt"
    path.write_bytes("\ufefflas listrik\r\n\r\nforklip\r\n".encode())  # BOM and CRLF from Windows
    result = run_cli("normalize", "skill", "--file", path)
    assert result.exit_code == 0, result.stderr
    records = _records(result.stdout)
    assert [r["input"] for r in records] == ["las listrik", "", "forklip"]
    assert [r["concept_id"] for r in records] == ["smaw-welding", None, "forklift-operation"]


def test_skill_file_dash_reads_stdin(run_cli: RunCli) -> None:
    result = run_cli("normalize", "skill", "--file", "-", stdin="jahit\npengecetan\n")
    assert result.exit_code == 0, result.stderr
    assert [r["concept_id"] for r in _records(result.stdout)] == ["sewing", "painting"]


def test_skill_file_not_utf8_is_invalid_input(run_cli: RunCli, tmp_path: Path) -> None:
    path = tmp_path / "skills.txt"
    path.write_bytes("pengecatan\nMa\u2019ruf\n".encode("cp1252"))
    result = run_cli("normalize", "skill", "--file", path)
    assert result.exit_code == 1
    assert f"{path}: file is not UTF-8 text" in result.stderr


@pytest.mark.parametrize(
    "args",
    [[], ["las listrik", "--file", "-"], ["--file", "does-not-exist.txt"]],
    ids=["nothing", "both", "missing-file"],
)
def test_skill_bad_usage_exits_2(run_cli: RunCli, args: list[str]) -> None:
    result = run_cli("normalize", "skill", *args)
    assert result.exit_code == 2
    assert result.stdout == ""


def test_occupation_records_echo_every_input_verbatim_in_order(run_cli: RunCli) -> None:
    titles = ["Welder (SMAW/MMAW)", "juru las SMAW ", "tukang bubut", "penyanyi dangdut"]
    result = run_cli("normalize", "occupation", *titles)
    assert result.exit_code == 0, result.stderr
    records = _records(result.stdout)
    assert [r["input"] for r in records] == titles
    assert all(list(r) == OCCUPATION_KEYS for r in records)
    assert [r["isco"] for r in records] == ["7212", "7212", "7223", None]
    assert records[0]["title"] == "Welders and flamecutters"
    assert records[3] == {
        "input": "penyanyi dangdut",
        "isco": None,
        "title": None,
        "score": None,
        "via": None,
    }


def test_occupation_file_reads_stdin(run_cli: RunCli) -> None:
    result = run_cli("normalize", "occupation", "-f", "-", stdin="Forklift operator\n")
    assert result.exit_code == 0, result.stderr
    assert [r["isco"] for r in _records(result.stdout)] == ["8344"]
