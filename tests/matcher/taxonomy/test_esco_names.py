"""ESCO labels as names of the concepts that link them (issue 19)."""

from __future__ import annotations

import pytest

from matcher.taxonomy.skills import (
    SkillNormalizer,
    default_skill_normalizer,
    label_names,
    load_taxonomy,
    read_esco_labels,
    taxonomy_from_data,
)
from tests.paths import ROOT

_HEADER = "uri\tpreferred_label\talt_labels\thidden_labels\n"


def test_the_extract_covers_every_linked_skill_with_attribution() -> None:
    text = (ROOT / "matcher" / "data" / "esco_linked.tsv").read_text("utf-8")
    assert text.startswith("# ESCO — European Commission. ESCO v1.1.1")
    labels = read_esco_labels(text)
    linked = {link.uri for c in load_taxonomy().concepts.values() for link in c.esco}
    assert linked <= set(labels)
    assert all(names and all(names) for names in labels.values())


def test_read_esco_labels_names_the_bad_line() -> None:
    with pytest.raises(ValueError, match="header"):
        read_esco_labels("uri\tlabel\n")
    with pytest.raises(ValueError, match="data line 3"):
        read_esco_labels(_HEADER + "u1\ta\t\t\nu2\tb\n")
    assert read_esco_labels("# note\n" + _HEADER + "u1\tweld\tmake welds|weld\th\n") == {
        "u1": ("weld", "make welds", "h")
    }


def _taxonomy() -> SkillNormalizer:
    concepts = [
        {
            "id": "grinding",
            "label_en": "grinding",
            "label_id": "gerinda",
            "family": "machining",
            "isco": ["7224"],
            "aliases": {},
            "esco": [{"uri": "u:metalworking", "match": "broader"}],
        },
        {
            "id": "grain-milling",
            "label_en": "grain milling",
            "label_id": "penggilingan padi",
            "family": "food",
            "isco": ["8160"],
            "aliases": {},
            "esco": [
                {"uri": "u:grinding-machine", "match": "exact"},
                {"uri": "u:mill-ops", "match": "narrower"},
            ],
        },
    ]
    raw = {"version": "t", "concepts": concepts, "ambiguous": {}}
    labels = {
        "u:metalworking": ("metalworking", "metal working processes"),
        "u:grinding-machine": ("operate grinding machine", "use a grinding machine"),
        "u:mill-ops": ("flour mill operations", "run a flour mill"),
    }
    return SkillNormalizer(taxonomy_from_data(raw, labels))


def test_exact_and_narrower_labels_are_names_broader_ones_are_not() -> None:
    normalizer = _taxonomy()
    taxonomy = normalizer.taxonomy
    assert taxonomy.esco_names("grinding") == ()
    assert taxonomy.esco_names("grain-milling") == (
        "operate grinding machine",
        "use a grinding machine",
        "flour mill operations",
        "run a flour mill",
    )

    def read(text: str) -> list[str]:
        return [hit.concept.id for hit in normalizer.normalize(text).concepts]

    assert read("metalworking") == []  # a broader link's label names a wider skill
    assert read("run a flour mill") == ["grain-milling"]
    assert read("flour mill operation") == ["grain-milling"]
    # ESCO's grain mill label, neutral words aside, is the curated name of metal grinding.
    assert read("operate grinding machine") == ["grinding"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("monitor lathe", ["lathe-turning"]),
        ("forklift operation", ["forklift-operation"]),
        ("soldering and welding equipment", ["welding"]),
        # Another sense is never metal grinding: the food skill whose names say both words.
        ("meat grinder operator", ["meat-processing"]),
        ("grain grinding", ["grain-milling"]),
        ("tend CNC grinding machine", ["grinding"]),
        ("las dan bubut", ["welding", "lathe-turning"]),
        ("pengelasan", ["welding"]),
    ],
)
def test_bundled_taxonomy_reads(text: str, expected: list[str]) -> None:
    match = default_skill_normalizer().normalize(text)
    assert [hit.concept.id for hit in match.concepts] == expected


def test_linked_esco_skills_have_indonesian_labels_and_isco() -> None:
    """Issue 19: at least 250 ESCO skills linked, each named in Indonesian, with the ISCO-08
    unit groups of its concept (transversal skills such as first aid have none)."""
    taxonomy = load_taxonomy()
    named: dict[str, str] = {}
    for concept in taxonomy.concepts.values():
        for link in concept.esco:
            label = taxonomy.esco_label_id(concept.id, link)
            if label is not None and concept.isco:
                named[link.uri] = label
    assert len(named) >= 250
    lathe = taxonomy["cnc-turning"]
    exact = next(link for link in lathe.esco if link.match == "exact")
    assert taxonomy.esco_label_id(lathe.id, exact) == lathe.label_id


@pytest.mark.parametrize(
    ("label", "names"),
    [
        ("tempa palu (drop forging)", ("tempa palu", "drop forging")),
        ("pembuatan mebel / furnitur", ("pembuatan mebel", "furnitur")),
        ("barrel (tumbling) finishing", ("barrel finishing",)),
        ("forklift (lifting truck) operation", ("forklift operation", "lifting truck")),
        ("welding", ()),
    ],
)
def test_label_names(label: str, names: tuple[str, ...]) -> None:
    assert label_names(label) == names
