"""``--lang id`` is Indonesian throughout: no English text in anything an ``id`` run shows.

The runs cover the sample pool, the bundled synthetic pool and job orders written to reach
every refusal, flag and gate the engine words (licence lapses, a moratorium, no statutory
floor, a fallback floor, a currency mismatch, an unreadable requirement, a closed
programme, a sex requirement, a run without an agency register). Every detail, reason and
explanation line is collected, the text that comes from the input files (names as
written, certificate names, test results) and from the taxonomy's Indonesian labels is
masked, and what remains must hold no word of the engine's English vocabulary: the words
of its English templates, of the rule packs' English texts and of the same runs in English,
less the words its Indonesian texts use too ("job order", "upah minimum").
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import shutil
from collections.abc import Iterable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from cli.main import app
from matcher.rules.packs import load_rule_packs
from matcher.rules.parse import RulePackError
from matcher.scoring.explain import explanation
from matcher.scoring.matching import prepare_run
from matcher.taxonomy.skills import load_taxonomy
from matcher.text.messages import _KIND_ID, _REQUIREMENT_ID, _TEMPLATES
from models.agency import Agency
from models.files import read_records
from models.vacancy import Vacancy
from models.worker import Worker
from tests.conftest import RunCli

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
AS_OF = "2026-03-01"
POOL_WORKERS = 150  # of the bundled pool: enough for every gap the pool holds, quick to mask
# A word worth checking: acronyms in capitals (CEFR, LSP, SIO) read the same in both.
WORD = re.compile(r"\b(?![A-Z]{2,}\b)[A-Za-z]{2,}\b")


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def _edge_cases() -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """The sample files plus agencies and job orders that reach every refusal and flag."""
    workers = _jsonl(SAMPLE / "workers.jsonl")
    vacancies = _jsonl(SAMPLE / "vacancies.jsonl")
    agencies = _jsonl(SAMPLE / "agencies.jsonl")
    base = agencies[0]
    agencies += [
        {**base, "id": "P3MI-R", "status": "revoked", "revoked_on": "2025-05-01"},
        {**base, "id": "P3MI-F", "valid_from": "2026-06-01", "valid_until": "2031-06-01"},
        {**base, "id": "P3MI-E", "valid_from": "2020-01-01", "valid_until": "2025-01-01"},
        {**base, "id": "P3MI-X", "status": "expired"},
    ]
    workers.append(
        {**workers[0], "id": "W-ID-TOPIK", "languages": [{"test": "TOPIK", "result": 4}]}
    )
    job = vacancies[0]
    korea = next(v for v in vacancies if v["programme"] == "KR-EPS")

    def variant(suffix: str, **changes: Any) -> dict[str, Any]:
        record = copy.deepcopy(job)
        record.update(changes, id=f"JO-ID-{suffix}")
        return record

    other = {"programme": "OTHER", "region": None, "isco": "7212"}
    vacancies += [
        variant("R", agency_id="P3MI-R"),
        variant("F", agency_id="P3MI-F"),
        variant("E", agency_id="P3MI-E"),
        variant("X", agency_id="P3MI-X"),
        variant("U", agency_id="P3MI-NONE"),
        variant("REGION", region="Atlantis"),
        variant("NOREGION", region=None),
        variant("CUR", wage={"amount": 9, "currency": "USD", "per": "hour"}),
        variant("SEX", requirements={**job["requirements"], "sex": "M"}),
        variant("TITP", programme="JP-TITP", start_date="2027-09-01"),
        variant(
            "SKILL",
            requirements={
                **job["requirements"],
                "skills": [
                    {"name": "sopir truk tronton", "required": True},
                    {"name": "koki restoran", "required": False},
                ],
            },
        ),
        variant(
            "SA",
            **other,
            country="SA",
            employer={"name": "Household", "type": "household"},
            wage={"amount": 1500, "currency": "SAR", "per": "month"},
        ),
        variant(
            "AE", **other, country="AE", wage={"amount": 2000, "currency": "AED", "per": "month"}
        ),
        # A monthly wage against Japan's hourly floors: not checkable without the hours.
        variant("MONTHLY", wage={"amount": 200_000, "currency": "JPY", "per": "month"}),
        variant("LOW", wage={"amount": 900.5, "currency": "JPY", "per": "hour"}),
        variant(
            "ANYJOB",
            isco=None,
            requirements={**job["requirements"], "experience": {"min_months": 12}},
        ),
        {**korea, "id": "JO-ID-KOREA"},
    ]
    return workers, vacancies, agencies


def _write(folder: Path, records: dict[str, list[dict[str, Any]]]) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for kind, rows in records.items():
        paths[kind] = folder / f"{kind}.jsonl"
        paths[kind].write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    return paths


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


def _shown(record: dict[str, Any]) -> Iterator[str]:
    """The texts a record shows a reader (not its identifiers)."""
    for key in ("gaps", "flags", "reasons"):
        yield from (item["detail"] for item in record.get(key) or [])
    refused = record.get("refused")
    if isinstance(refused, list):
        yield from (item["detail"] for item in refused)
    yield from record.get("explanation", [])


class _Runs:
    """``selaras match`` in both languages over the inputs, and explanations in Indonesian."""

    def __init__(self, run_cli: RunCli, tmp_path: Path) -> None:
        workers, vacancies, agencies = _edge_cases()
        edge = _write(tmp_path / "edge", {"workers": workers, "vacancies": vacancies,
                                          "agencies": agencies})  # fmt: skip
        bundled = {k: _jsonl(SAMPLE / "pool" / f"{k}.jsonl") for k in ("vacancies", "agencies")}
        bundled["workers"] = _jsonl(SAMPLE / "pool" / "workers.jsonl")[:POOL_WORKERS]
        pool = _write(tmp_path / "pool", bundled)
        self.inputs: list[object] = [workers, vacancies, agencies, *bundled.values()]
        self.texts: dict[str, set[str]] = {"en": set(), "id": set()}
        plan = [(edge, True, "vacancies"), (edge, True, "workers"), (edge, False, "vacancies"),
                (pool, True, "vacancies")]  # fmt: skip
        for lang in ("en", "id"):
            for paths, register, direction in plan:
                args = ["match", "--workers", paths["workers"], "--vacancies", paths["vacancies"],
                        "--as-of", AS_OF, "--top", "0", "--include-ineligible", "--lang", lang,
                        "--for", direction]  # fmt: skip
                if register:
                    args += ["--agencies", paths["agencies"]]
                result = run_cli(*args)
                assert result.exit_code == 0, result.stderr
                for line in result.stdout.splitlines():
                    self.texts[lang].update(_shown(json.loads(line)))
        self.texts["id"].update(self._explanations(edge))

    @staticmethod
    def _explanations(paths: dict[str, Path]) -> list[str]:
        """``selaras explain --lang id`` of every job order with a few workers each."""
        workers: list[Worker] = list(read_records(paths["workers"], "workers").records)
        orders: list[Vacancy] = list(read_records(paths["vacancies"], "vacancies").records)
        register: list[Agency] = list(read_records(paths["agencies"], "agencies").records)
        run = prepare_run(workers, orders, register, dt.date.fromisoformat(AS_OF))
        lines: list[str] = []
        for order in orders:
            for worker in workers[:6]:
                lines += _shown(explanation(run, worker.id, order.id, "id"))
        return lines


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> _Runs:
    runner = CliRunner()

    def run_cli(*args: str | Path) -> Result:
        return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)

    return _Runs(run_cli, tmp_path_factory.mktemp("indonesian"))


def _masker(runs: _Runs, lang: str) -> re.Pattern[str]:
    """Matches the text that comes from the inputs, the taxonomy and the packs' ids."""
    taxonomy = load_taxonomy()
    known = set(_strings(runs.inputs))
    known |= {c.label_id if lang == "id" else c.label_en for c in taxonomy.concepts.values()}
    for pack in load_rule_packs().values():
        known |= {pack.programme, *(g.id for g in pack.skill_gates)}
    parts = sorted((s for s in known if len(s) > 1), key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(s) for s in parts) + r")(?!\w)")


def _words(texts: Iterable[str], mask: re.Pattern[str] | None = None) -> set[str]:
    found = set()
    for text in texts:
        found |= {w.lower() for w in WORD.findall(mask.sub(" ", text) if mask else text)}
    return found


def _pack_texts(field: str) -> list[str]:
    texts = []
    for pack in load_rule_packs().values():
        for record in (*pack.health, *pack.skill_gates, *pack.flags, *pack.moratoria,
                       *pack.no_statutory_floor, *pack.wage_floor_coverage,
                       pack.stay_cap_months, pack.availability, pack.wage_floor_fallback,
                       *(pack.language.not_accepted if pack.language else ())):  # fmt: skip
            if record is not None:
                texts.append(getattr(record, field))
    return texts


def test_every_shown_text_of_an_id_run_is_indonesian(runs: _Runs) -> None:
    english = _words([t["en"] for t in _TEMPLATES.values()] + _pack_texts("detail"))
    english |= _words(runs.texts["en"], _masker(runs, "en"))
    indonesian = _words([t["id"] for t in _TEMPLATES.values()] + _pack_texts("detail_id"))
    indonesian |= _words([*_KIND_ID.values(), *_REQUIREMENT_ID.values()])
    english_only = english - indonesian
    assert {"needs", "has", "licence", "the", "not", "or"} <= english_only  # the check bites
    mask = _masker(runs, "id")
    leaks: dict[str, str] = {}
    for text in runs.texts["id"]:
        for word in _words([text], mask) & english_only:
            leaks.setdefault(word, text)
    assert not leaks, "\n".join(f"{w!r} in: {t}" for w, t in sorted(leaks.items()))


def test_the_runs_reach_every_refusal_and_flag(runs: _Runs) -> None:
    """The scan above covers what it claims: each kind of text was shown in Indonesian."""
    shown = "\n".join(runs.texts["id"])
    for phrase in (
        "izinnya dicabut pada 2025-05-01",
        "izinnya baru berlaku mulai 2026-06-01",
        "izinnya berakhir pada 2025-01-01",
        "izinnya sudah habis berlaku",
        "izinnya dibekukan",
        "perusahaan ini tidak ada di daftar P3MI",
        "tanpa daftar P3MI",
        "pengguna perseorangan di SA",
        "Arab Saudi tidak memiliki upah minimum",
        "wilayah 'Atlantis' tidak dikenal",
        "wilayah tempat kerja tidak disebut",
        "mata uang upah USD",
        "tidak dapat dibandingkan dengan upah minimum",
        "900,50 JPY/jam",
        "tidak ada dalam taksonomi Selaras",
        "program tidak menerima keberangkatan",
        "job order meminta",
        "kandidat belum",
        "kekurangan (",
        "catatan (",
        "TOPIK tidak diterima",
        "pekerjaan apa pun",
        "hasil pemeriksaan medis",
        "sebelum pekerjaan dimulai",
        "tidak ada catatan kesehatan",
        "meminta minimal",
        "hanya memilih negara lain di",
    ):
        assert phrase in shown, phrase


@pytest.mark.parametrize(
    ("programme", "path", "key"),
    [
        ("KR-EPS", ("health", 0), "health[0].detail_id"),
        ("JP-TITP", ("flags", 1), "flags[1].detail_id"),
        ("OTHER", ("no_statutory_floor", 0), "no_statutory_floor[0].detail_id"),
        ("ID-LAW", ("moratoria", 0), "moratoria[0].detail_id"),
    ],
)
def test_the_loader_requires_the_indonesian_text(
    tmp_path: Path, programme: str, path: tuple[str, int], key: str
) -> None:
    directory = tmp_path / "rulepacks"
    shutil.copytree(Path(str(resources.files("matcher") / "data" / "rulepacks")), directory)
    file = directory / f"{programme}.json"
    raw = json.loads(file.read_text(encoding="utf-8"))
    record = raw[path[0]][path[1]]
    del record["detail_id"]
    file.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(
        RulePackError, match=rf"{programme}\.json: key '{re.escape(key)}': is required"
    ):
        load_rule_packs(directory)
    record["detail_id"] = " "
    file.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(RulePackError, match="non-empty string"):
        load_rule_packs(directory)
