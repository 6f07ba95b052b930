"""The n-gram index gives scikit-learn's char_wb TF-IDF cosines, which it replaced.

scikit-learn (a development dependency since) is the reference: the same n-grams of every
text, and the same cosine of every text with every name of the shipped skill lexicon, on
the messy skill sets, the names themselves and generated text.
"""

from __future__ import annotations

import csv
from functools import cache

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from matcher.taxonomy.skills import default_skill_normalizer
from matcher.text.ngrams import NgramIndex, char_ngrams
from tests.paths import TEST_DATA


def _reference() -> TfidfVectorizer:
    return TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)


@cache
def _shipped() -> tuple[list[str], NgramIndex, TfidfVectorizer]:
    """The fuzzy fallback's names (as the skill normalizer builds them), both ways."""
    names = list(default_skill_normalizer()._lexicon.fuzzy._keys)
    reference = _reference()
    reference.fit(names)
    return names, NgramIndex(names), reference


def _messy_strings() -> list[str]:
    texts = []
    for name in ("skill_messy_holdout.tsv", "skill_messy_holdout_v2.tsv"):
        with (TEST_DATA / name).open(encoding="utf-8") as handle:
            rows = csv.reader((line for line in handle if not line.startswith("#")), delimiter="\t")
            texts.extend(row[0] for row in rows if row)
    return texts


def _assert_same_cosines(texts: list[str]) -> None:
    names, index, reference = _shipped()
    expected = (reference.transform(texts) @ reference.transform(names).T).toarray()
    found = index.cosines(texts)
    assert found.shape == (len(texts), len(names))
    np.testing.assert_allclose(found, expected, rtol=0, atol=1e-12)
    # The fallback reads the best name and its lead over the others: the same ones.
    assert (found.argmax(axis=1) == expected.argmax(axis=1)).all()


SAMPLES = [
    "",
    "a",
    "Las  Listrik",
    "ab cd efg",
    "zzqx mesin jahitt",
    "pengolahan susu",
    "溶接 ・ 旋盤",
    "기계 조립",
    "operator\tCNC\n5-axis",
]


def test_the_same_ngrams_as_scikit_learn() -> None:
    analyzer = _reference().build_analyzer()
    for text in [*SAMPLES, *_messy_strings()[:200]]:
        assert char_ngrams(text) == analyzer(text), text


@given(st.text(alphabet="abcAB é溶 \t-", max_size=24))
@settings(max_examples=300, deadline=None)
def test_the_same_ngrams_on_generated_text(text: str) -> None:
    assert char_ngrams(text) == _reference().build_analyzer()(text)


def test_the_same_cosines_on_the_messy_skill_sets() -> None:
    _assert_same_cosines([*SAMPLES, *_messy_strings()])


def test_the_same_cosines_on_the_names_themselves() -> None:
    names, _, _ = _shipped()
    _assert_same_cosines(names[::7])


@given(st.lists(st.text(alphabet="aeiklmnoprstu ", min_size=1, max_size=30), min_size=1))
@settings(max_examples=50, deadline=None)
def test_the_same_cosines_on_generated_text(texts: list[str]) -> None:
    _assert_same_cosines(texts)


def test_a_small_index_by_hand() -> None:
    # Two names sharing no n-gram: a text equal to one has cosine 1 with it, 0 with the
    # other; a text of unknown n-grams only has cosine 0 with both.
    index = NgramIndex(["ab", "xy"])
    found = index.cosines(["ab", "qq"])
    np.testing.assert_allclose(found, [[1.0, 0.0], [0.0, 0.0]], atol=1e-15)
