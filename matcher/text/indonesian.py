"""Indonesian (and Malay) affix stripping for matching skill words to their roots.

Indonesian derives nouns and verbs from a root with prefixes and suffixes, and the prefix
changes the root's first sound: *las* -> *mengelas*, *pengelasan*; *solder* -> *menyolder*,
*penyolderan*; *potong* -> *pemotongan*; *kikir* -> *mengikir*. Colloquial Jakarta forms add
*nge-*/*ny-* and *-in* (*ngebor*, *nyolder*, *bersihin*). A rule-based stripper over-strips
ordinary words, so callers accept a variant only when it is a word they know.
"""

from __future__ import annotations

from collections.abc import Iterator

__all__ = ["activity_candidates", "root_candidates"]

_SUFFIXES = ("kan", "an", "in", "i", "nya")
_VOWELS = "aeiou"
# (prefix, letters a nasal prefix may have replaced at the start of the root).
_PREFIXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("menge", ("",)),
    ("penge", ("",)),
    ("meng", ("", "k")),
    ("peng", ("", "k")),
    ("meny", ("s",)),
    ("peny", ("s",)),
    ("mem", ("", "p")),
    ("pem", ("", "p")),
    ("men", ("", "t")),
    ("pen", ("", "t")),
    ("nge", ("",)),
    ("ng", ("", "k")),
    ("ny", ("s",)),
    ("per", ("",)),
    ("ber", ("",)),
    ("ter", ("",)),
    ("me", ("",)),
    ("pe", ("",)),
    ("be", ("",)),
    ("di", ("",)),
    ("ke", ("",)),
)
_MIN_ROOT = 2
# A root left by a prefix is at least this long: "pengeatan" (a typo of "pengecatan") is
# no word of the English qualifier "at".
_MIN_PREFIXED_ROOT = 3


def _without_suffix(word: str) -> Iterator[str]:
    yield word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_ROOT + 1:
            yield word[: -len(suffix)]


def root_candidates(word: str) -> list[str]:
    """Possible roots of an Indonesian word (folded, as
    :func:`matcher.text.english.lemma_candidates` takes it), most conservative first.

    Returns
    -------
    list[str]
        Candidate roots without the word itself, e.g. ``"pengelasan"`` ->
        ``["pengelas", "las", ...]``. Candidates are not checked against any vocabulary;
        the caller keeps the first one it knows.

    Examples
    --------
    >>> "las" in root_candidates("pengelasan")
    True
    >>> "solder" in root_candidates("menyolder")
    True
    """
    seen: dict[str, None] = {}
    for stem in _without_suffix(word):
        if stem != word:
            seen.setdefault(stem, None)
        for prefix, restored in _PREFIXES:
            if not stem.startswith(prefix):
                continue
            rest = stem[len(prefix) :]
            for letters in restored:
                # A restored consonant only ever stands before a vowel (me-motong is not a word).
                if letters and rest[:1] not in tuple(_VOWELS):
                    continue
                root = letters + rest
                if len(root) >= _MIN_PREFIXED_ROOT:
                    seen.setdefault(root, None)
    return list(seen)


def activity_candidates(word: str) -> tuple[str, ...]:
    """The activity an Indonesian or Malay agent noun names: *pe(N)-* + root is the doer,
    *pe(N)-* + root + *-an* the activity ("pemasang" -> "pemasangan", "penjahit" ->
    "penjahitan"), as English "riveter" is "riveting" (trade names come in either form).

    Parameters
    ----------
    word : str
        One folded word.

    Returns
    -------
    tuple[str, ...]
        The activity noun, or nothing for a word that is no *pe-* agent noun.

    Examples
    --------
    >>> activity_candidates("pemasang")
    ('pemasangan',)
    >>> activity_candidates("pemasangan")
    ()
    """
    if not word.startswith("pe") or word.endswith("an") or len(word) < 5 or not word.isalpha():
        return ()
    return (f"{word}an",)
