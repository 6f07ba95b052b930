"""Character n-gram TF-IDF cosine between texts and a fixed list of names.

The fuzzy fallback's second stage (:mod:`matcher.text.fuzzy`) compares a segment with
every name by the cosine of their character 2- to 4-gram TF-IDF vectors, n-grams taken
within words padded with a space ("char_wb"), term frequencies dampened (1 + ln tf), a
smoothed inverse document frequency (ln((1 + names) / (1 + df)) + 1) and vectors of unit
length: scikit-learn's ``TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4),
sublinear_tf=True)`` fitted on the names. It is computed here with numpy because
importing scikit-learn alone took about a second of every run that needed the stage
(``tests/matcher/text/test_ngrams.py`` holds the two to the same cosines).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

__all__ = ["NgramIndex", "char_ngrams"]

_SIZES = (2, 3, 4)


def char_ngrams(text: str) -> list[str]:
    """The character 2- to 4-grams of ``text``'s words, lower-cased, each word padded
    with a space on both sides (a word shorter than a size gives itself once).

    Parameters
    ----------
    text : str

    Returns
    -------
    list of str
        With repeats, word by word, then by size, then by position.
    """
    grams: list[str] = []
    for word in text.lower().split():
        padded = f" {word} "
        length = len(padded)
        for size in _SIZES:
            if length <= size:
                grams.append(padded)
                break
            grams.extend(padded[i : i + size] for i in range(length - size + 1))
    return grams


class NgramIndex:
    """The names' n-gram vectors, kept as one posting list per n-gram.

    Parameters
    ----------
    names : Sequence[str]
        The names texts are compared with (their n-grams make the vocabulary).
    """

    def __init__(self, names: Sequence[str]) -> None:
        self.size = len(names)
        counts = [Counter(char_ngrams(name)) for name in names]
        vocabulary = sorted({gram for count in counts for gram in count})
        self._column = {gram: j for j, gram in enumerate(vocabulary)}
        # Every (name, n-gram, count) at once, by name and then by column.
        rows = np.repeat(np.arange(self.size), [len(count) for count in counts])
        columns = np.array(
            [self._column[gram] for count in counts for gram in count], dtype=np.intp
        )
        values = np.array([n for count in counts for n in count.values()], dtype=np.float64)
        order = np.lexsort((columns, rows))
        rows, columns, values = rows[order], columns[order], values[order]
        frequency = np.bincount(columns, minlength=len(vocabulary)).astype(np.float64)
        # As scikit-learn computes it (smooth_idf): one document holding every term.
        self._idf = np.full_like(frequency, fill_value=self.size + 1, dtype=np.float64)
        self._idf /= frequency + 1.0
        np.log(self._idf, out=self._idf)
        self._idf += 1.0
        np.log(values, out=values)
        values += 1.0
        values *= self._idf[columns]
        # bincount adds each name's squares one after the other in column order.
        norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=self.size))
        values /= np.where(norms > 0.0, norms, 1.0)[rows]
        # Posting lists: the names (ascending) and weights of each column, column by column.
        by_column = np.argsort(columns, kind="stable")
        self._names = rows[by_column]
        self._weights_of = values[by_column]
        self._start = np.searchsorted(columns[by_column], np.arange(len(vocabulary) + 1))

    def _weights(self, count: Counter[str]) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
        """Columns (ascending) and unit-length TF-IDF weights of one text's known n-grams."""
        known = sorted((self._column[g], n) for g, n in count.items() if g in self._column)
        columns = np.array([j for j, _ in known], dtype=np.intp)
        values = np.array([n for _, n in known], dtype=np.float64)
        np.log(values, out=values)
        values += 1.0
        values *= self._idf[columns]
        # Squares summed one after the other in column order, as scikit-learn does.
        norm = 0.0
        for value in values.tolist():
            norm += value * value
        if norm > 0.0:
            values /= np.sqrt(norm)
        return columns, values

    def cosines(self, texts: Sequence[str]) -> NDArray[np.float64]:
        """The cosine of every text with every name.

        Parameters
        ----------
        texts : Sequence[str]

        Returns
        -------
        numpy.ndarray
            Shape ``(len(texts), len(names))``; a text with no n-gram of the names has
            cosine 0 with all.
        """
        result = np.zeros((len(texts), self.size), dtype=np.float64)
        for row, text in zip(result, texts, strict=True):
            columns, values = self._weights(Counter(char_ngrams(text)))
            if not len(columns):
                continue
            # Each name's products are added in column order (a sparse product's order).
            spans = [
                (int(self._start[j]), int(self._start[j + 1]), v)
                for j, v in zip(columns.tolist(), values.tolist(), strict=True)
            ]
            names = np.concatenate([self._names[a:b] for a, b, _ in spans])
            products = np.concatenate([self._weights_of[a:b] * v for a, b, v in spans])
            row += np.bincount(names, weights=products, minlength=self.size)
        return result
