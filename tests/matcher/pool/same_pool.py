"""Two encoded pools held equal column by column: shared by the pool readers' tests."""

from __future__ import annotations

import dataclasses

import numpy as np


def assert_same_pool(a: object, b: object, path: str = "") -> None:
    """Column by column: equal values and dtypes, code tables in the same order."""
    for f in dataclasses.fields(a):  # type: ignore[arg-type]
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, np.ndarray):
            assert (x.dtype, x.shape) == (y.dtype, y.shape), path + f.name
            assert np.array_equal(x, y, equal_nan=x.dtype.kind == "f"), path + f.name
        elif dataclasses.is_dataclass(x):
            assert_same_pool(x, y, f"{path}{f.name}.")
        else:
            assert repr(x) == repr(y), path + f.name
