"""English base forms, neutral words, coordination and word senses in the lexicon."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import simplemma
from simplemma import Lemmatizer
from simplemma.strategies import DEFAULT_DICTIONARY_FACTORY

from matcher.text import english
from matcher.text.english import is_dictionary_word, lemma_candidates
from matcher.text.fold import text_rules
from matcher.text.lexicon import Lexicon


@pytest.mark.parametrize(
    ("word", "base"),
    [
        ("operating", "operate"),
        ("assemblies", "assembly"),
        ("lathes", "lathe"),
        ("welded", "weld"),
        ("tending", "tend"),
        ("monitored", "monitor"),
    ],
)
def test_inflections_have_their_base_form(word: str, base: str) -> None:
    assert lemma_candidates(word) == (base,)


@pytest.mark.parametrize("word", ["lathe", "las", "bubut", "3g", "溶接", "co2", "pengelasan"])
def test_base_words_short_words_and_other_scripts_have_none(word: str) -> None:
    assert lemma_candidates(word) == ()


def test_the_cached_tries_read_as_simplemmas_own_dictionaries(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The dictionaries are read from tries kept on disk (matcher.text.english): every base
    # form and every dictionary word must be what simplemma's own dictionaries give, on a
    # sample of the English and Indonesian entries and on inflected and unknown words.
    english_words = list(DEFAULT_DICTIONARY_FACTORY.get_dictionary("en"))[::40]
    indonesian_words = list(DEFAULT_DICTIONARY_FACTORY.get_dictionary("id"))[::10]
    words = [
        *english_words,
        *indonesian_words,
        *("operating", "assemblies", "riveters", "auditor", "forklip", "pengelasan"),
    ]
    words = [w.casefold() for w in words]
    assert len(words) > 5_000
    known = [is_dictionary_word(w) for w in words]
    assert known == [simplemma.is_known(w, lang=("en", "id")) for w in words]
    found = [lemma_candidates(w) for w in words]
    monkeypatch.setattr(english, "_LEMMATIZER", Lemmatizer(cache_max_size=0))
    assert found == [lemma_candidates(w) for w in words]
    assert sum(map(bool, found)) > 1_000


def test_a_cache_directory_that_cannot_be_written_costs_no_lemma_and_no_message() -> None:
    # Each process then builds the tries in memory, and says nothing on stderr.
    code = (
        "from matcher.text.english import is_dictionary_word, lemma_candidates;"
        "print(lemma_candidates('assemblies'), is_dictionary_word('grass'))"
    )
    env = {**os.environ, "XDG_CACHE_HOME": os.devnull + "/cache"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert (done.stdout, done.stderr) == ("('assembly',) True\n", "")


def _lexicon(secondary: dict[str, list[str]] | None = None) -> Lexicon:
    names = {
        "lathe": ["lathe", "bubut"],
        "forklift": ["forklift"],
        "assembly": ["assembly", "perakitan"],
        "grinding": ["grinding"],
        "meat": ["meat processing", "daging"],
        "soldering": ["soldering"],
        "welding": ["welding", "las"],
    }
    return Lexicon(
        names,
        [],
        text_rules(),
        0.7,
        secondary=secondary,
        families={"lathe": "machining", "grinding": "machining", "meat": "food"},
    )


def _read(lexicon: Lexicon, text: str) -> list[str]:
    return [hit.target for hit in lexicon.read_many([text])[0]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("monitor lathe", ["lathe"]),
        ("tending lathes", ["lathe"]),
        ("operating lathes", ["lathe"]),
        ("forklift operation", ["forklift"]),
        ("operating forklifts", ["forklift"]),
        ("assemblies", ["assembly"]),
        ("mengoperasikan mesin bubut", ["lathe"]),
        ("melakukan perakitan", ["assembly"]),
        ("lathe machine", ["lathe"]),
        ("operate machinery", []),
    ],
)
def test_neutral_verbs_and_nouns_leave_the_skill(text: str, expected: list[str]) -> None:
    assert _read(_lexicon(), text) == expected


def test_coordination_splits_two_skills_but_not_two_objects_of_one() -> None:
    plain = _lexicon()
    assert _read(plain, "welding and soldering") == ["welding", "soldering"]
    assert _read(plain, "las dan bubut") == ["welding", "lathe"]
    # The ESCO label "operate soldering and welding equipment" names one skill.
    esco = _lexicon({"welding": ["operate soldering and welding equipment"]})
    assert _read(esco, "soldering and welding equipment") == ["welding"]
    assert _read(esco, "welding and soldering") == ["welding", "soldering"]


def test_a_word_of_another_sense_contradicts_the_reading() -> None:
    lexicon = _lexicon()
    assert _read(lexicon, "grinding") == ["grinding"]
    assert _read(lexicon, "meat grinding") == []
    assert _read(lexicon, "daging grinding") == []
    assert _read(lexicon, "grinding besi") == ["grinding"]


def test_secondary_names_yield_to_primary_names_and_to_each_other() -> None:
    lexicon = _lexicon(
        {
            "meat": ["operate grinding machine", "tend mincer machine"],
            "lathe": ["use mincer equipment", "tend turning machine"],
            "forklift": ["operate lift truck", "farming machines", "operate machinery"],
        }
    )
    # "grinding" is a primary name of another target: ESCO's grain mill does not take it.
    assert _read(lexicon, "operate grinding machine") == ["grinding"]
    # "mincer" is claimed by two targets' labels: neither gets it.
    assert _read(lexicon, "mincer") == []
    assert _read(lexicon, "lift truck") == ["forklift"]
    assert _read(lexicon, "turning") == []  # a single word left of a longer label
    assert _read(lexicon, "farming") == []
    assert lexicon.collisions == {}


@pytest.mark.parametrize(
    ("word", "bases"),
    [
        ("riveter", ("rivet", "riveting")),
        ("slitter", ("slit", "slitting")),
        ("controller", ("control", "controlling")),
        ("riveters", ("riveter", "rivet", "riveting")),
    ],
)
def test_agent_nouns_name_their_activity(word: str, bases: tuple[str, ...]) -> None:
    assert lemma_candidates(word) == bases


@pytest.mark.parametrize("word", ["paper", "water", "other"])
def test_short_er_words_are_no_agent_nouns(word: str) -> None:
    assert lemma_candidates(word) == ()


def test_an_agent_noun_reads_as_its_activity() -> None:
    lexicon = Lexicon({"slitting": ["slitting"], "riveting": ["rivet"]}, [], text_rules(), 0.7)
    assert _read(lexicon, "slitter") == ["slitting"]
    assert _read(lexicon, "riveter") == ["riveting"]


def test_east_asian_compounds_match_spaced_or_not() -> None:
    lexicon = Lexicon(
        {"machine-assembly": ["기계조립"], "machine": ["기계"], "assembly": ["조립"]},
        [],
        text_rules(),
        0.7,
    )
    assert _read(lexicon, "기계 조립") == ["machine-assembly"]
    assert _read(lexicon, "기계조립") == ["machine-assembly"]


def test_a_generic_role_yields_to_a_known_word_beside_it() -> None:
    names = {"production-work": ["produksi"], "fastener": ["pembuatan baut", "sekrup baja"]}
    lexicon = Lexicon(names, [], text_rules(), 0.7)
    assert _read(lexicon, "produksi") == ["production-work"]
    # "pembuatan" is "produksi" (glossary); "sekrup" says what is made: not general production.
    assert _read(lexicon, "pembuatan sekrup") != ["production-work"]


def test_leftover_words_narrow_the_reading_to_the_one_concept_they_name() -> None:
    names = {
        "sewing": ["jahit"],
        "curtain-sewing": ["jahit gorden kanvas"],
        "bag-sewing": ["jahit tas kanvas"],
        "production-work": ["produksi"],
        "fastener-making": ["produksi baut sekrup"],
    }
    lexicon = Lexicon(
        names,
        [],
        text_rules(),
        0.7,
        ancestors={
            "curtain-sewing": frozenset({"sewing"}),
            "bag-sewing": frozenset({"sewing"}),
        },
    )
    assert _read(lexicon, "jahit gorden") == ["curtain-sewing"]
    assert _read(lexicon, "jahit tas") == ["bag-sewing"]
    # A word two narrower concepts share says neither: the broader reading still defers.
    assert _read(lexicon, "jahit kanvas") == []
    # Beside a generic role (production) a word of one concept's names says the skill.
    assert _read(lexicon, "produksi sekrup") == ["fastener-making"]
    assert _read(lexicon, "produksi") == ["production-work"]


def test_a_lone_word_before_a_separator_shares_the_rest_of_the_next_part() -> None:
    names = {
        "electrical-maintenance": ["electrical maintenance"],
        "mechanical-maintenance": ["mechanical maintenance"],
        "welding": ["welding"],
        "flame-cutting": ["cutting", "welding cutting"],
    }
    lexicon = Lexicon(names, [], text_rules(), 0.7)
    assert _read(lexicon, "electrical & mechanical maintenance") == [
        "electrical-maintenance",
        "mechanical-maintenance",
    ]
    # Two one-word parts are two skills; the lone word after shares the one before.
    assert _read(lexicon, "welding and cutting") == ["welding", "flame-cutting"]


def test_a_word_only_narrower_concepts_use_defers_the_broader_reading() -> None:
    names = {
        "assembly": ["assembly", "perakitan"],
        "seat-assembly": ["seat cover assembly"],
        "auto-body": ["ketok magic", "body repair", "car body repair"],
    }
    lexicon = Lexicon(
        names,
        [],
        text_rules(),
        0.7,
        ancestors={"seat-assembly": frozenset({"assembly"})},
    )
    assert _read(lexicon, "perakitan") == ["assembly"]
    # "seat" is a word of a narrower concept's names only: not read as plain assembly,
    # but as the one narrower concept whose names use it.
    assert _read(lexicon, "perakitan seat") == ["seat-assembly"]
    assert _read(lexicon, "perakitan seat cover") == ["seat-assembly"]
    # Words the concept's own names use twice say nothing new.
    assert _read(lexicon, "ketok magic bodi mobil") == ["auto-body"]
