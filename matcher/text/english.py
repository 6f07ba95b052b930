"""English base forms ("operating" -> "operate", "assemblies" -> "assembly", "lathes" ->
"lathe") for matching skill words to the words of names.

The lemmas come from simplemma's English dictionary (shipped with the package, no model
download). Like the Indonesian roots of :mod:`matcher.text.indonesian`, a base form is only
a candidate: the caller keeps it only when it is a word it knows, so a lemma of a word from
another language ("las" -> "la") never reads as anything.

simplemma decodes a dictionary from its compressed stream on first use, 0.17 s for the
English one in every process that reads a skill. Its trie-backed dictionaries (the
``marisa-trie`` extra) hold the same entries, built once per machine and kept in the user's
cache directory (``platformdirs``): both dictionaries load in about 0.03 s. A cached trie
that cannot be read is built again; where the directory cannot be written, each process
builds its own.
"""

from __future__ import annotations

import logging

from simplemma import Lemmatizer
from simplemma.strategies import DefaultStrategy, DictionaryLookupStrategy, TrieDictionaryFactory
from simplemma.utils import normalize_token

__all__ = ["is_dictionary_word", "lemma_candidates", "load_dictionaries"]

# simplemma logs a trie it could not keep on disk as a warning, which Python prints to
# the stderr of every command when the application configured no logging: a cache that
# cannot be written costs time (0.3 s a process), never a lemma, so it is left unsaid.
logging.getLogger("simplemma").addHandler(logging.NullHandler())
_DICTIONARIES = TrieDictionaryFactory()
_LOOKUP = DictionaryLookupStrategy(_DICTIONARIES)
# simplemma's module-level lemmatizer keeps 65,536 words in an LRU of its own; the word
# reader's bounded memo (matcher.text.words.MEMO_SIZE) already keeps each word's reading.
_LEMMATIZER = Lemmatizer(
    cache_max_size=0, lemmatization_strategy=DefaultStrategy(dictionary_factory=_DICTIONARIES)
)
_DICTIONARY_LANGUAGES = ("en", "id")

# Shorter words are left alone: their lemmas are mostly other words ("las" -> "la").
_MIN_LENGTH = 4
_VOWELS = "aeiou"


def lemma_candidates(word: str) -> tuple[str, ...]:
    """English base forms of ``word`` other than itself.

    Parameters
    ----------
    word : str
        One folded (lower-case, unaccented) word.

    Returns
    -------
    tuple[str, ...]
        The lemma when it differs from ``word``, then for an agent noun in *-er* the
        activity it names (empty for short, non-ASCII or non-alphabetic words and for words
        that are their own lemma and no agent noun).

    Examples
    --------
    >>> lemma_candidates("operating")
    ('operate',)
    >>> lemma_candidates("assemblies")
    ('assembly',)
    >>> lemma_candidates("lathe")
    ()
    >>> lemma_candidates("riveters")
    ('riveter', 'rivet', 'riveting')
    """
    if len(word) < _MIN_LENGTH or not word.isascii() or not word.isalpha():
        return ()
    lemma = _LEMMATIZER.lemmatize(word, lang="en").casefold()
    found = [lemma] if lemma != word and lemma.isalpha() else []
    if not found and word.endswith("tor") and len(word) >= _MIN_LENGTH + 2:
        # "auditor" -> "audit", "auditing", "audition"; not the lemma of an inflection
        # ("monitored" is "monitor" only).
        stem = word[:-2]
        return (stem, f"{stem}ing", f"{stem}ion")
    return tuple(dict.fromkeys([*found, *_agent_bases(lemma if found else word)]))


def _agent_bases(word: str) -> tuple[str, ...]:
    """The activity an agent noun names: "riveter" -> "rivet", "riveting"; "slitter" ->
    "slit", "slitting"; "controller" -> "control". Trade names come as the doer or the
    activity ("die setter", "die setting"); the dictionary leaves agent nouns alone."""
    if not word.endswith("er") or len(word) < _MIN_LENGTH + 2:
        return ()
    stem = word[:-2]
    doubled = stem[-1] == stem[-2] and stem[-1] not in _VOWELS
    return (stem[:-1] if doubled else stem, f"{stem}ing")


def is_dictionary_word(word: str) -> bool:
    """Whether ``word`` is an English or Indonesian word of simplemma's dictionaries.

    A word of the language is no typo of another word: "grass" is not "glass", "clean" is
    not "lean", "kantor" (office) is not "kanton".

    Parameters
    ----------
    word : str
        One folded word.

    Returns
    -------
    bool
        True when either dictionary knows it.

    Examples
    --------
    >>> is_dictionary_word("grass"), is_dictionary_word("forklip")
    (True, False)
    """
    token = normalize_token(word)
    return any(_LOOKUP.get_lemma(token, lang) is not None for lang in _DICTIONARY_LANGUAGES)


def load_dictionaries() -> None:
    """Load simplemma's English and Indonesian dictionaries now rather than on first use.

    Loading them takes about 0.03 s from the cached tries (0.3 s the first time on a
    machine). The processes that read a worker file in parts are forked after this
    (:mod:`matcher.pool.parallel`), so they share one load instead of each making its own.
    """
    _LEMMATIZER.lemmatize("loading", lang="en")
    is_dictionary_word("loading")
