"""The taxonomy file is validated at load; a broken copy fails with a clear error."""

from __future__ import annotations

import copy
import json
from importlib import resources
from typing import Any

import pytest

from matcher.taxonomy.skills import load_taxonomy, taxonomy_from_data


@pytest.fixture
def raw() -> dict[str, Any]:
    """A fresh copy of the bundled skills.json, to break."""
    text = resources.files("matcher").joinpath("data/skills.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return copy.deepcopy(data)


def _concept(raw: dict[str, Any], cid: str) -> dict[str, Any]:
    found: dict[str, Any] = next(c for c in raw["concepts"] if c["id"] == cid)
    return found


def test_bundled_file_is_valid(raw: dict[str, Any]) -> None:
    assert len(taxonomy_from_data(raw)) == len(raw["concepts"])


def test_parent_cycle(raw: dict[str, Any]) -> None:
    _concept(raw, "welding")["parent"] = "smaw-welding"
    with pytest.raises(ValueError, match=r"parent cycle"):
        taxonomy_from_data(raw)


def test_unknown_parent(raw: dict[str, Any]) -> None:
    _concept(raw, "welding")["parent"] = "no-such-concept"
    with pytest.raises(ValueError, match=r"'welding' has unknown parent 'no-such-concept'"):
        taxonomy_from_data(raw)


def test_one_alias_for_two_concepts_in_a_language(raw: dict[str, Any]) -> None:
    _concept(raw, "lathe-turning")["aliases"]["id"].append("Las  Listrik")
    with pytest.raises(
        ValueError, match=r"aliases\.id 'las listrik' names both 'lathe-turning' and 'smaw-welding'"
    ):
        taxonomy_from_data(raw)


def test_same_alias_in_two_languages_of_one_concept_is_fine(raw: dict[str, Any]) -> None:
    aliases = _concept(raw, "welding")["aliases"]
    aliases["ms"].append(aliases["id"][0])
    taxonomy_from_data(raw)


def test_unknown_isco_code(raw: dict[str, Any]) -> None:
    _concept(raw, "welding")["isco"] = ["7212", "9999"]
    with pytest.raises(ValueError, match=r"'welding': isco '9999' is no ISCO-08 unit group"):
        taxonomy_from_data(raw)


def test_isco_code_that_is_not_a_unit_group(raw: dict[str, Any]) -> None:
    _concept(raw, "welding")["isco"] = ["721"]
    with pytest.raises(ValueError, match=r"isco '721'"):
        taxonomy_from_data(raw)


def test_unknown_esco_match(raw: dict[str, Any]) -> None:
    _concept(raw, "welding")["esco"][0]["match"] = "close"
    with pytest.raises(ValueError, match=r"'welding': esco match 'close' unknown"):
        taxonomy_from_data(raw)


def test_esco_skill_claimed_twice(raw: dict[str, Any]) -> None:
    link = _concept(raw, "welding")["esco"][0]
    _concept(raw, "lathe-turning")["esco"].append(dict(link))
    with pytest.raises(ValueError, match=r"is claimed by 'lathe-turning' and 'welding'"):
        taxonomy_from_data(raw)


def test_broader_esco_link_may_be_shared(raw: dict[str, Any]) -> None:
    uri = _concept(raw, "welding")["esco"][0]["uri"]
    _concept(raw, "lathe-turning")["esco"].append({"uri": uri, "match": "broader"})
    taxonomy_from_data(raw)


def test_ambiguous_term_naming_an_unknown_concept(raw: dict[str, Any]) -> None:
    raw["ambiguous"]["cutting"] = ["garment-cutting", "no-such-concept"]
    with pytest.raises(ValueError, match=r"ambiguous 'cutting' names unknown 'no-such-concept'"):
        taxonomy_from_data(raw)


def test_redirect_to_unknown_id(raw: dict[str, Any]) -> None:
    raw["redirects"] = {"old-welding": "no-such-concept"}
    with pytest.raises(ValueError, match=r"redirect 'old-welding' -> unknown 'no-such-concept'"):
        taxonomy_from_data(raw)


def test_redirect_chain(raw: dict[str, Any]) -> None:
    raw["redirects"] = {"older-welding": "old-welding", "old-welding": "welding"}
    with pytest.raises(ValueError, match=r"redirect 'older-welding' -> 'old-welding' is a chain"):
        taxonomy_from_data(raw)


def test_redirect_from_a_current_id(raw: dict[str, Any]) -> None:
    raw["redirects"] = {"smaw-welding": "welding"}
    with pytest.raises(ValueError, match=r"redirect from 'smaw-welding', which is a current id"):
        taxonomy_from_data(raw)


def test_retired_id_resolves_through_its_redirect(raw: dict[str, Any]) -> None:
    """A merge: 'smaw-welding' folded into 'welding'; stored results naming it still resolve."""
    raw["concepts"] = [c for c in raw["concepts"] if c["id"] != "smaw-welding"]
    raw["redirects"] = {"smaw-welding": "welding"}
    taxonomy = taxonomy_from_data(raw)
    assert "smaw-welding" in taxonomy
    assert taxonomy.resolve("smaw-welding") == "welding"
    assert taxonomy["smaw-welding"].id == "welding"
    assert taxonomy.is_within("smaw-welding", "welding")
    assert taxonomy.is_within("gtaw-welding", "smaw-welding")  # the need now means welding
    assert taxonomy.ancestors("smaw-welding") == taxonomy.ancestors("welding")
    assert taxonomy.resolve("welding") == "welding"
    assert "smaw-welding" not in taxonomy.concepts


def test_bundled_redirects_resolve() -> None:
    taxonomy = load_taxonomy()
    for old, new in taxonomy.redirects.items():
        assert old not in taxonomy.concepts
        assert new in taxonomy.concepts


def test_empty_esco_label_id(raw: dict[str, Any]) -> None:
    link = next(link for c in raw["concepts"] for link in c.get("esco", ()))
    link["label_id"] = " "
    with pytest.raises(ValueError, match=r"esco http://data\.europa\.eu/esco/skill/.*: empty"):
        taxonomy_from_data(raw)
