"""Matching free text against a table of names (aliases) that each point at a target.

The engine behind the skill normalizer (targets are taxonomy concepts) and the occupation
normalizer (targets are ISCO-08 unit groups). It reads a string the way a placement
officer would:

1. fold the text (:mod:`matcher.text.fold`), split it where it joins several skills ("dan",
   "and", ",", "/"), expand abbreviations ("opr" -> "operator") and cut East Asian words
   into known words by longest match ("溶接作業" -> "溶接", "作業");
2. give every word its known form: itself, an Indonesian root ("pengelasan" -> "las"), or
   a typo correction to a known word ("forklip" -> "forklift"; one edit for short words,
   two for long ones, same first letter, and only when the nearest known word is unique);
3. cover the words with whole aliases, in any order ("CNC operator bubut" contains the
   alias "operator cnc bubut"), largest first, without overlap, so "las argon" is read as
   the TIG alias rather than as "las" plus something;
4. score the reading by how much of the text the aliases explain: words that only qualify
   (years, level, material, brand) are neutral, words nobody knows count against it.

A wrong target is worse than none, so an alias that several targets share is a dead end
("operator", "cutting"), a reading below the threshold is dropped, and a fuzzy match of the
whole segment (rapidfuzz ``process.cdist``) is used only as a last resort and only when one
target is clearly ahead of every other.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA
from sklearn.feature_extraction.text import TfidfVectorizer

from matcher.text.fold import TextRules, fold, is_east_asian, script_runs, segments
from matcher.text.indonesian import root_candidates

__all__ = ["Hit", "Lexicon"]

# Weight of a leftover word that is part of some name, relative to an unknown word.
_KNOWN_WEIGHT = 0.5
# Typo correction: words shorter than this are never corrected (too many near neighbours).
_MIN_TYPO_LENGTH = 4
# Words at least this long may be two edits away from the word meant.
_TWO_EDIT_LENGTH = 8
# Fallback over the whole segment: minimum rapidfuzz ratio (0-100) and char n-gram
# TF-IDF cosine (0-1), and how far ahead the best target must be of the best other target.
# Tuned on the dev set so that they add readings without adding wrong ones.
_RATIO_CUTOFF = 88.0
_RATIO_MARGIN = 6.0
_COSINE_CUTOFF = 0.8
_COSINE_MARGIN = 0.1


@dataclass(frozen=True)
class Hit:
    """One target read from a text.

    Attributes
    ----------
    target : str
        The target id (a concept id or an ISCO code).
    score : float
        Confidence in [0, 1]: the share of the text the matching aliases explain,
        lowered by typo corrections and fuzzy matching.
    """

    target: str
    score: float


@dataclass(frozen=True)
class _Entry:
    tokens: tuple[str, ...]
    orders: frozenset[tuple[str, ...]]  # the word orders the name is written in
    need: tuple[tuple[str, int], ...]  # each distinct word and how often the name has it
    target: str | None  # None: a name several targets share, which therefore proves nothing
    chars: int


@dataclass(frozen=True)
class _Query:
    text: str  # the segment's words that are not qualifiers or numbers
    has_unknown: bool  # whether any word is unknown even after roots and typo correction
    within: str | None  # a reading too weak to stand; the fallback may only narrow it


@dataclass(frozen=True)
class _Word:
    forms: tuple[str, ...]  # the known forms the word can be read as (itself, its root)
    similarity: float  # 1 for an exact or root match, lower for a typo correction
    chars: int  # length of the word as written


class Lexicon:
    """Names -> targets, with the matching rules above.

    Parameters
    ----------
    names : Mapping[str, Iterable[str]]
        Target id -> its names in any language.
    ambiguous : Iterable[str]
        Names that mean different targets in different trades; they never produce a
        target on their own.
    rules : TextRules
        Abbreviations, qualifier words, separators and generic targets.
    threshold : float
        Minimum score of a reading; below it the segment is unknown.
    specificity : Mapping[str, int], optional
        Target -> depth in its hierarchy; of two equally long aliases the deeper wins.
    ancestors : Mapping[str, frozenset[str]], optional
        Target -> all its ancestors; within one segment a target named beside one of its
        descendants counts as part of the descendant's reading.
    workers : int, optional
        Threads for the batched rapidfuzz comparisons (``-1``: all cores). Default 1.
    """

    def __init__(
        self,
        names: Mapping[str, Iterable[str]],
        ambiguous: Iterable[str],
        rules: TextRules,
        threshold: float,
        specificity: Mapping[str, int] | None = None,
        ancestors: Mapping[str, frozenset[str]] | None = None,
        workers: int = 1,
    ) -> None:
        self.rules = rules
        self.threshold = threshold
        self.workers = workers
        self._specificity = dict(specificity or {})
        self._ancestors = dict(ancestors or {})
        self._canonical = {v: c for c, variants in rules.synonyms.items() for v in variants}
        surface: set[str] = set(self._canonical) | set(rules.synonyms)
        # Names are matched in any word order, so two names with the same words are one
        # name; if they point at different targets, it proves nothing on its own.
        targets_of: dict[tuple[str, ...], set[str | None]] = defaultdict(set)
        orders: dict[tuple[str, ...], list[tuple[str, ...]]] = defaultdict(list)
        named = [(t, a) for t, aliases in names.items() for a in aliases]
        for target, alias in [*named, *((None, term) for term in ambiguous)]:
            words = self._words(alias)
            surface.update(words)
            if words:
                key = self._canonical_key(words)
                targets_of[tuple(sorted(key))].add(target)
                orders[tuple(sorted(key))].append(key)
        self.collisions = {
            " ".join(orders[key][0]): sorted(t for t in found if t is not None)
            for key, found in targets_of.items()
            if len(found - {None}) > 1
        }
        """Names that several targets share after folding (a data error the tests catch)."""
        self._entries = []
        self._by_key: dict[str, _Entry] = {}
        for key, found in targets_of.items():
            tokens = orders[key][0]
            target = found.pop() if len(found) == 1 else None
            need = tuple(Counter(tokens).items())
            entry = _Entry(tokens, frozenset(orders[key]), need, target, sum(map(len, key)))
            self._entries.append(entry)
            self._by_key.update((" ".join(order), entry) for order in orders[key])
        # Each name is filed under its rarest word only: a segment can hold the name only if
        # it holds that word, and common words ("operator") would each bring hundreds.
        frequency = Counter(w for e in self._entries for w, _ in e.need)
        self._by_word: dict[str, list[_Entry]] = defaultdict(list)
        for entry in self._entries:
            rarest = min(entry.need, key=lambda item: (frequency[item[0]], item[0]))[0]
            self._by_word[rarest].append(entry)
        # Words of names as written (before synonyms): what roots and typos are checked against.
        self._named = frozenset(surface)
        self._known = self._named | {w for q in rules.qualifiers for w in q.split()}
        self._east_asian = frozenset(w for w in self._known if any(map(is_east_asian, w)))
        self._longest_east_asian = max(map(len, self._east_asian), default=0)
        self._spelling = sorted(w for w in self._named if not any(map(is_east_asian, w)))
        self._spelling_first = np.array([ord(w[0]) for w in self._spelling], dtype=np.int64)
        self._fuzzy_entries = [e for e in self._entries if e.target is not None]
        self._fuzzy_keys = [" ".join(e.tokens) for e in self._fuzzy_entries]
        self._fuzzy_targets = np.array([e.target for e in self._fuzzy_entries], dtype=object)
        self._ngrams = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)
        self._ngram_matrix = self._ngrams.fit_transform(self._fuzzy_keys or [""])
        self._resolved: dict[str, _Word | None] = {}

    # ------------------------------------------------------------------ words
    def _canonical_key(self, words: Iterable[str]) -> tuple[str, ...]:
        return tuple(self._canonical.get(w, w) for w in words)

    def _words(self, text: str) -> list[str]:
        """Fold, split scripts and expand abbreviations (applied to names and to input)."""
        words: list[str] = []
        for raw in fold(text).split():
            for run in script_runs(raw):
                words.extend(self.rules.abbreviations.get(run, run).split())
        return words

    def _cut_east_asian(self, word: str) -> list[str]:
        """Cut an East Asian word into known words by longest match from the left."""
        if word in self._east_asian or not is_east_asian(word[0]):
            return [word]
        pieces: list[str] = []
        unknown = ""
        i = 0
        while i < len(word):
            for size in range(min(self._longest_east_asian, len(word) - i), 0, -1):
                if word[i : i + size] in self._east_asian:
                    if unknown:
                        pieces.append(unknown)
                        unknown = ""
                    pieces.append(word[i : i + size])
                    i += size
                    break
            else:
                unknown += word[i]
                i += 1
        if unknown:
            pieces.append(unknown)
        return pieces

    def _segment_words(self, segment: str) -> list[str]:
        words = [piece for w in self._words(segment) for piece in self._cut_east_asian(w)]
        # Rejoin words split by a stray space ("co 2", "fork lift") when only the join is known.
        merged: list[str] = []
        for word in words:
            if (
                merged
                and merged[-1] + word in self._known
                and (merged[-1] not in self._known or word not in self._known)
            ):
                merged[-1] += word
            else:
                merged.append(word)
        return merged

    def _resolve_many(self, words: Iterable[str]) -> None:
        """Give each new word its known forms: itself, an Indonesian root, or a correction."""
        pending: list[str] = []
        for word in words:
            if word in self._resolved:
                continue
            root = None
            if word not in self.rules.qualifiers and not any(map(str.isdigit, word)):
                root = next((r for r in root_candidates(word) if r in self._named), None)
            if word in self._known:
                # "mengelas" is a name itself and also reads as "las" inside "las argon".
                forms = (word,) if root is None else (word, root)
                self._resolved[word] = _Word(self._canonical_key(forms), 1.0, len(word))
            elif root is not None:
                self._resolved[word] = _Word(self._canonical_key((root,)), 1.0, len(word))
            elif (
                len(word) >= _MIN_TYPO_LENGTH
                and word.isalpha()
                and not any(map(is_east_asian, word))
            ):
                pending.append(word)
            else:
                self._resolved[word] = None
        if pending:
            self._correct(pending)

    def _correct(self, words: list[str]) -> None:
        """Correct typos in one batch: OSA distance of every word to every name word."""
        distances = process.cdist(
            words,
            self._spelling,
            scorer=OSA.distance,
            score_cutoff=2,
            dtype=np.uint8,
            workers=self.workers,
        )
        first = np.array([ord(w[0]) for w in words], dtype=np.int64)
        allowed = np.array([2 if len(w) >= _TWO_EDIT_LENGTH else 1 for w in words])
        # A typo seldom hits the first letter, and allowing it doubles the wrong corrections.
        distances = np.where(first[:, None] == self._spelling_first[None, :], distances, 255)
        best = distances.min(axis=1)
        for i, word in enumerate(words):
            nearest = np.flatnonzero(distances[i] == best[i])
            # Nearest words that are synonyms ("weld", "welder" for "weldr") are one reading.
            meanings = {self._canonical.get(self._spelling[j], self._spelling[j]) for j in nearest}
            if best[i] <= allowed[i] and len(meanings) == 1:
                form = self._spelling[int(nearest[0])]
                similarity = 1.0 - float(best[i]) / max(len(word), len(form))
                self._resolved[word] = _Word(self._canonical_key((form,)), similarity, len(word))
            else:
                self._resolved[word] = None

    # ---------------------------------------------------------------- reading
    def read_many(self, texts: Sequence[str]) -> list[tuple[Hit, ...]]:
        """Read many texts in one batch.

        Parameters
        ----------
        texts : Sequence[str]
            Free texts; duplicates are read once.

        Returns
        -------
        list[tuple[Hit, ...]]
            For each text, in order, the targets read from it in the order they appear
            (empty when nothing reaches the threshold).
        """
        unique = list(dict.fromkeys(texts))
        split = {text: self._split(text) for text in unique}
        self._resolve_many(w for parts in split.values() for part in parts for w in part)
        readings: dict[str, list[list[Hit]]] = {}
        fallback: list[tuple[str, int, _Query]] = []
        for text, parts in split.items():
            readings[text] = []
            for index, part in enumerate(parts):
                hits, query = self._cover(part)
                readings[text].append(hits)
                if query is not None:
                    fallback.append((text, index, query))
        for (text, index, _), hit in zip(
            fallback, self._fuzzy([f[2] for f in fallback]), strict=True
        ):
            if hit is not None:
                readings[text][index] = [hit]
        done = {text: self._combine(parts) for text, parts in readings.items()}
        return [done[text] for text in texts]

    def _split(self, text: str) -> list[list[str]]:
        whole = " ".join(self._canonical_key(self._words(text)))
        if whole in self._by_key:
            # The whole string is one name, even if it contains "and" ("picking and packing").
            return [whole.split()]
        parts = [
            words
            for part in segments(text, self.rules.separators)
            if (words := self._segment_words(part))
        ]
        for k in range(1, len(parts)):
            # "maintenance mekanik & elektrik": a lone word after a separator shares the
            # head word of the part before it when together they make a name.
            shared = [parts[k - 1][0], *parts[k]]
            found = self._by_key.get(" ".join(self._canonical_key(shared)))
            if len(parts[k]) == 1 and found is not None and found.target is not None:
                parts[k] = shared
        return parts

    def _cover(self, words: list[str]) -> tuple[list[Hit], _Query | None]:
        """Cover one segment's words with names.

        Returns the hits, and when there are none the query for the fuzzy fallback (None
        when a name several targets share explains the segment: that is no typo).
        """
        read = [self._resolved.get(w) for w in words]
        positions: dict[str, list[int]] = defaultdict(list)
        for i, reading in enumerate(read):
            for form in reading.forms if reading is not None else ():
                positions[form].append(i)
        candidates = {id(e): e for f in positions for e in self._by_word.get(f, ())}
        fitting = [e for e in candidates.values() if self._fits(e, positions)]
        taken: set[int] = set()
        chosen: list[tuple[list[int], _Entry]] = []
        written = {r.forms[0] for r in read if r is not None}
        for entry in sorted(fitting, key=lambda e: self._rank(e, positions, written)):
            slots = self._place(entry, positions, taken)
            if slots is not None:
                taken.update(slots)
                chosen.append((slots, entry))
        # A word of a name that lost to an overlapping name is still read ("tukang" in
        # "tukang las listrik", where "las listrik" won over "tukang las").
        shadowed: set[int] = set()
        for entry in fitting:
            slots = self._place(entry, positions, set())
            if entry.target is not None and slots is not None and taken & set(slots):
                shadowed.update(slots)
        head, kept, modifiers = self._head(chosen)
        explained = weight = 0.0
        for i, (word, reading) in enumerate(zip(words, read, strict=True)):
            if i in kept:
                assert reading is not None
                explained += reading.similarity * reading.chars
                weight += reading.chars
            elif (
                i in modifiers
                or self._neutral(word, reading)
                or i in taken  # a shared name or a generic role: read, proves nothing
                or (i in shadowed and i not in taken)
            ):
                continue
            else:
                # A leftover manufacturing word most likely qualifies the skill ("welding
                # pipa"); a word nobody knows may change what the text is about, and so may
                # one that is only near a known word ("wajah" is not "wajan").
                known = reading is not None and reading.similarity == 1.0
                weight += len(word) * (_KNOWN_WEIGHT if known else 1.0)
        score = explained / weight if weight else 0.0
        if head is None or score < self.threshold:
            shared = {i for slots, e in chosen if e.target is None for i in slots}
            content = [i for i in range(len(words)) if not self._neutral(words[i], read[i])]
            if all(i in shared for i in content):
                return [], None  # nothing left to look up: "potong" is ambiguous, no typo
            text = " ".join(words[i] for i in content)
            return [], _Query(text, any(read[i] is None for i in content), head)
        return [Hit(head, round(score, 3))], None

    def _head(
        self, chosen: list[tuple[list[int], _Entry]]
    ) -> tuple[str | None, set[int], set[int]]:
        """The target the segment is about, its positions, and those of names modifying it.

        A generic role ("operator mesin") gives way to a named skill. Of several unrelated
        skills in one segment (no "dan", no comma), the one written with most words is the
        head and the others modify it ("perakitan kabel otomotif" is wire-harness work, not
        also car mechanics); with no clear head the segment is not read at all.
        """
        named = [(slots, e) for slots, e in chosen if e.target is not None]
        specific = [(s, e) for s, e in named if e.target not in self.rules.generic_concepts]
        if specific:
            named = specific
        words_of: dict[str, set[int]] = defaultdict(set)
        for slots, entry in named:
            assert entry.target is not None
            words_of[entry.target].update(slots)
        # Broader concepts named alongside a narrower one belong to the narrower reading.
        for target in list(words_of):
            for up in self._ancestors.get(target, ()):
                if up in words_of:
                    words_of[target] |= words_of.pop(up)
        if not words_of:
            return None, set(), set()
        sizes = sorted((len(w) for w in words_of.values()), reverse=True)
        if len(sizes) > 1 and sizes[0] == sizes[1]:
            return None, set(), set()
        head = max(words_of, key=lambda t: len(words_of[t]))
        modifiers = set().union(*(w for t, w in words_of.items() if t != head))
        return head, words_of[head], modifiers

    def _neutral(self, word: str, read: _Word | None) -> bool:
        """Words that neither explain nor contradict a reading: qualifiers, unknown numbers."""
        if read is None:
            return any(map(str.isdigit, word))
        return (
            word in self.rules.qualifiers
            or any(f in self.rules.qualifiers for f in read.forms)
            or (any(map(str.isdigit, word)) and word not in self._named)
        )

    @staticmethod
    def _fits(entry: _Entry, positions: Mapping[str, list[int]]) -> bool:
        return all(len(positions.get(w, ())) >= n for w, n in entry.need)

    def _rank(
        self, entry: _Entry, positions: Mapping[str, list[int]], written: set[str]
    ) -> tuple[object, ...]:
        first = [positions[w][0] for w in entry.tokens]
        in_order = any(
            all(positions[b][0] == positions[a][0] + 1 for a, b in pairwise(order))
            for order in entry.orders
        )
        target = entry.target
        return (
            -len(entry.tokens),
            # A word read as written beats its root: "penjahit" (a title several
            # occupations share) is not settled by the root "jahit".
            sum(w not in written for w in entry.tokens),
            target is None,
            target in self.rules.generic_concepts,
            -self._specificity.get(target or "", 0),
            not in_order,
            -entry.chars,
            min(first),
        )

    @staticmethod
    def _place(
        entry: _Entry, positions: Mapping[str, list[int]], taken: set[int]
    ) -> list[int] | None:
        slots: list[int] = []
        for word in entry.tokens:
            free = next((i for i in positions[word] if i not in taken and i not in slots), None)
            if free is None:
                return None
            slots.append(free)
        return slots

    def _fuzzy(self, queries: list[_Query]) -> list[Hit | None]:
        """Last resort for segments the names did not read well enough.

        The whole segment is compared with every name by edit ratio (rapidfuzz), and,
        for segments with a word nobody knows, by character n-gram TF-IDF cosine
        (scikit-learn), which still finds "olahan susu" in "pengolahan susu". A match is
        accepted only with a clear winner. A segment that was read, only too weakly
        ("injek plastik": plastic moulding), may be narrowed by either stage (to injection
        moulding), confirmed only by a near-exact edit ratio ("operatr produksi"), and
        never turned into another trade: the n-grams of "perawatan wajah" (facial care)
        are close to "perawatan" (maintenance), but that is no evidence.
        """
        if not queries or not self._fuzzy_keys:
            return [None] * len(queries)
        texts = [q.text for q in queries]
        ratios = process.cdist(
            texts, self._fuzzy_keys, scorer=fuzz.ratio,
            score_cutoff=_RATIO_CUTOFF - _RATIO_MARGIN, dtype=np.float32,
            workers=self.workers,
        )  # fmt: skip
        results: list[Hit | None] = []
        for query, row in zip(queries, ratios, strict=True):
            hit = self._winner(row / 100.0, _RATIO_CUTOFF / 100.0, _RATIO_MARGIN / 100.0)
            results.append(hit if self._allowed(query, hit, confirm=True) else None)
        again = [i for i, q in enumerate(queries) if results[i] is None and q.has_unknown]
        if again:
            vectors = self._ngrams.transform([texts[i] for i in again])
            cosines = (vectors @ self._ngram_matrix.T).toarray()
            for i, row in zip(again, cosines, strict=True):
                hit = self._winner(row, _COSINE_CUTOFF, _COSINE_MARGIN)
                results[i] = hit if self._allowed(queries[i], hit, confirm=False) else None
        return results

    def _allowed(self, query: _Query, hit: Hit | None, *, confirm: bool) -> bool:
        if hit is None or query.within is None:
            return True
        narrows = query.within in self._ancestors.get(hit.target, ())
        return narrows or (confirm and hit.target == query.within)

    def _winner(self, row: NDArray[np.floating[Any]], cutoff: float, margin: float) -> Hit | None:
        best_index = int(row.argmax())
        best = float(row[best_index])
        if best < max(cutoff, self.threshold):
            return None
        target = self._fuzzy_entries[best_index].target
        rival = float(np.max(row, where=self._fuzzy_targets != target, initial=0.0))
        if best - rival < margin:
            return None
        assert target is not None
        return Hit(target, round(best, 3))

    def _combine(self, parts: list[list[Hit]]) -> tuple[Hit, ...]:
        best: dict[str, Hit] = {}
        for hits in parts:
            for hit in hits:
                if hit.target not in best or best[hit.target].score < hit.score:
                    best[hit.target] = Hit(hit.target, hit.score)
        # A broader skill listed beside a narrower one ("jahit dan obras") is kept: the
        # worker named both, and the narrower one does not always imply the broader.
        return tuple(best[t] for t in dict.fromkeys(h.target for hits in parts for h in hits))
