"""The published score, the ranking rule and the agreement check (matcher.scoring.publish)."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher.scoring.publish import (
    SCALE,
    check_agreement,
    eligible_below,
    id_rank,
    published,
    published_scores,
    ranking_key,
    ranking_keys,
)


def test_published_scores_are_pythons_round() -> None:
    rng = random.Random(7)
    values = [rng.random() for _ in range(20_000)]
    # Decimal ties and their neighbours: where np.round and round() part ways.
    for m in range(0, 10_000, 7):
        tie = (2 * m + 1) / 20_000
        values += [tie, math.nextafter(tie, 0), math.nextafter(tie, 1)]
    values += [0.0, 1.0, 0.16875, 0.03125, 0.00015, 0.5, 0.00005, 0.12345, 0.99995]
    expected = [round(published(v) * SCALE) for v in values]
    assert published_scores(np.array(values)).tolist() == expected


def test_published_scores_keep_the_shape() -> None:
    values = np.array([[0.00005, 0.12345], [0.99995, 1.0]])
    found = published_scores(values)
    assert found.shape == (2, 2)
    assert found.ravel().tolist() == [round(published(v) * SCALE) for v in values.ravel().tolist()]


@given(
    st.lists(
        st.tuples(st.booleans(), st.floats(0.0, 1.0), st.integers(0, 30)),
        min_size=1,
        max_size=40,
        unique_by=lambda pair: pair[2],
    )
)
def test_array_keys_sort_as_the_pair_keys(pairs: list[tuple[bool, float, int]]) -> None:
    ids = [f"W{i:03d}" for _, _, i in pairs]  # zero-padded: id order is number order
    by_pair = sorted(range(len(pairs)), key=lambda p: ranking_key(pairs[p][0], pairs[p][1], ids[p]))
    eligible = np.array([e for e, _, _ in pairs])
    keys = ranking_keys(
        eligible,
        published_scores(np.array([s for _, s, _ in pairs])),
        np.array([i for _, _, i in pairs], np.int64),
        31,
    )
    assert np.argsort(keys, kind="stable").tolist() == by_pair
    assert ((keys < eligible_below(31)) == eligible).all()


def test_disagreement_is_raised_with_the_pair() -> None:
    check_agreement("W1/J1", (True, 0.12344), (True, 0.123441))  # the same once published
    with pytest.raises(RuntimeError, match="W1/J1"):
        check_agreement("W1/J1", (True, 0.5), (False, 0.5))
    with pytest.raises(RuntimeError, match="disagree"):
        check_agreement("W1/J1", (True, 0.5), (True, 0.5002))


def test_id_rank_is_code_point_order() -> None:
    assert id_rank(["W-2", "W-10", "W-1"]).tolist() == [2, 1, 0]
