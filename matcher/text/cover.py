"""Segment cover: a segment's words covered with whole names, and scored.

Names are matched in any order ("CNC operator bubut" contains the name "operator cnc
bubut"), largest first, without overlap, so "las argon" is read as the TIG name rather
than as "las" plus something. The reading is scored by how much of the text the names
explain: words that only qualify (years, level, material, brand) are neutral, words nobody
knows count against it. A segment read too weakly, or not at all, becomes a query for the
fuzzy fallback (:mod:`matcher.text.fuzzy`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise

from matcher.text.aliases import AliasIndex, Entry
from matcher.text.fold import TextRules
from matcher.text.words import Word

__all__ = ["Hit", "Query", "SegmentCover"]

# Weight of a leftover word that is part of some name, relative to an unknown word.
_KNOWN_WEIGHT = 0.5


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
class Query:
    """A segment for the fuzzy fallback."""

    text: str  # the segment's words that are not qualifiers or numbers
    has_unknown: bool  # whether any word is unknown even after roots and typo correction
    within: str | None  # a reading too weak to stand; the fallback may only narrow it


class SegmentCover:
    """Covers segments with the names of an alias index.

    Parameters
    ----------
    index : AliasIndex
    threshold : float
        Minimum score of a reading; below it the segment goes to the fallback.
    specificity : Mapping[str, int]
        Target -> depth in its hierarchy; of two equally long aliases the deeper wins.
    ancestors : Mapping[str, frozenset[str]]
        Target -> all its ancestors; within one segment a target named beside one of its
        descendants counts as part of the descendant's reading.
    families : Mapping[str, str], optional
        Target -> its trade family. A leftover word that only names of another *sense
        family* use (:attr:`~matcher.text.fold.TextRules.sense_families`: "grain", "meat"
        beside "grinding") says the text is about another trade: the reading is dropped.
    """

    def __init__(
        self,
        index: AliasIndex,
        threshold: float,
        specificity: Mapping[str, int],
        ancestors: Mapping[str, frozenset[str]],
        families: Mapping[str, str] | None = None,
    ) -> None:
        self.index = index
        self.threshold = threshold
        self._specificity = specificity
        self._ancestors = ancestors
        self._families = dict(families or {})
        self._word_families: dict[str, set[str]] = defaultdict(set)
        self._word_targets: dict[str, set[str]] = defaultdict(set)
        names_with: Counter[tuple[str, str]] = Counter()
        for entry in index.entries:
            # The curated names only: ESCO's long labels use many words in passing.
            family = None if entry.secondary else self._families.get(entry.target or "")
            if family is not None:
                for word in entry.tokens:
                    self._word_families[word].add(family)
            if entry.target is not None and not entry.secondary:
                for word in set(entry.tokens):
                    self._word_targets[word].add(entry.target)
                    # Each word order is a name as written ("audit internal mutu",
                    # "internal quality audit"), though both make one entry.
                    names_with[word, entry.target] += len(entry.orders)
        # A target's own words: those at least two of its names use ("bodi" in "perbaikan
        # bodi" and "car body repair"), not a word one label uses in passing.
        self._own_words = {pair for pair, count in names_with.items() if count > 1}
        # Words of a name that do not say which skill, for ranking overlapping names: a
        # name wins by its words that are neither qualifiers nor role words ("in" of
        # "drawing in", "operator"), then by those that are neither neutral nor role words
        # (a material qualifier says more than a role).
        rules = index.rules
        self._roles = rules.neutral | rules.role_words
        self._weak = rules.qualifiers | rules.role_words

    def read(
        self, words: list[str], resolved: Mapping[str, Word | None]
    ) -> tuple[list[Hit], Query | None]:
        """Cover one segment's words with names.

        Returns the hits, and when there are none the query for the fuzzy fallback (None
        when a name several targets share explains the segment: that is no typo).
        """
        read = [resolved.get(w) for w in words]
        # Where the work was done ("di Jepang", "at PT Astra Honda Motor") names no skill:
        # no name is made of those words ("motor" of a company is no motorcycle work).
        place = _placed(words, self.index.rules)
        positions: dict[str, list[int]] = defaultdict(list)
        for i, reading in enumerate(read):
            for form in reading.forms if reading is not None and i not in place else ():
                positions[form].append(i)
        candidates = {id(e): e for f in positions for e in self.index.filed_under(f)}
        fitting = [e for e in candidates.values() if _fits(e, positions)]
        taken: set[int] = set()
        chosen: list[tuple[list[int], Entry]] = []
        written = {r.forms[0] for r in read if r is not None}
        for entry in sorted(fitting, key=lambda e: self._rank(e, positions, written)):
            slots = _place(entry, positions, taken)
            if slots is not None:
                taken.update(slots)
                chosen.append((slots, entry))
        # A word of a name that lost to an overlapping name is still read ("tukang" in
        # "tukang las listrik", where "las listrik" won over "tukang las").
        shadowed: set[int] = set()
        lost: list[tuple[list[int], str]] = []
        for entry in fitting:
            slots = _place(entry, positions, set())
            if entry.target is not None and slots is not None and taken & set(slots):
                shadowed.update(slots)
                lost.append((slots, entry.target))
        head, kept, modifiers = self._head(chosen)
        if head is None:
            head, kept = self._sense(chosen, read, taken)
        else:
            head, kept = self._narrowed(head, kept, lost)
        # The place is left over as a qualifier, unless it unsettles the reading.
        placed = set() if head in self.index.rules.place_unsettled else place
        explained = weight = 0.0
        contradicted = narrower = False
        # After a name of two skill words or more ("ultrasonic welding of lamp housings"),
        # the words a CV sentence runs on with say what the work was done to: an unknown one
        # counts as a leftover known word does. A one-word name is not settled enough:
        # "drilling of water wells" is no metal drilling.
        strong = [i for i in kept if (r := read[i]) is not None and r.forms[0] not in self._weak]
        trailing_from = max(strong) if len(strong) >= 2 else len(words)
        # Leftover words that say which narrower concept the text means: position, the
        # weight they were counted with, and the concepts whose names use them.
        narrowing: list[tuple[int, float, frozenset[str]]] = []
        # Leftover words of another sense, likewise (position, weight, their concepts).
        other_sense: list[tuple[int, float, frozenset[str]]] = []
        for i, (word, reading) in enumerate(zip(words, read, strict=True)):
            # A word of another sense ("meat" beside a metal-grinding name) is never
            # absorbed by the reading, as a modifier or a word of a losing name.
            foreign = reading is not None and self._foreign(reading, head)
            if i in kept:
                assert reading is not None
                explained += reading.similarity * reading.chars
                weight += reading.chars
            elif (
                i in placed
                or self._neutral(word, reading)
                or (
                    not foreign
                    and (
                        i in modifiers
                        or i in taken  # a shared name or a generic role: read, proves nothing
                        or i in shadowed
                        # A word of the head's own names says nothing new ("ketok magic bodi
                        # mobil": "bodi" and "mobil" are words of body-repair names).
                        or (reading is not None and self._owns(reading, head))
                    )
                )
            ):
                continue
            else:
                # A leftover manufacturing word most likely qualifies the skill ("welding
                # pipa"); a word nobody knows may change what the text is about, and so may
                # one that is only near a known word ("wajah" is not "wajan").
                known = reading is not None and reading.similarity == 1.0
                # Beside a generic role a known word is what the text is about: "pembuatan
                # sekrup" names screw making, which "pembuatan" alone cannot say.
                known &= head not in self.index.rules.generic_concepts
                known |= i > trailing_from
                counted = len(word) * (_KNOWN_WEIGHT if known else 1.0)
                weight += counted
                contradicted |= foreign
                if foreign:
                    assert reading is not None
                    other_sense.append((i, counted, self._users(reading)))
                narrower |= reading is not None and self._narrows(reading, head)
                # A number says no skill ("2" of "2차전지" in "manufacturing round 2").
                users = (
                    self._narrowing(reading, head)
                    if reading is not None and not any(map(str.isdigit, word))
                    else frozenset()
                )
                if users:
                    narrowing.append((i, counted, users))
        # The narrower concept those words say, when they all say one ("jahit gorden":
        # "gorden" is a word of made-up textiles sewing only, within sewing; "pembuatan
        # sekrup": beside a generic role, "sekrup" is a word of fastener making only). The
        # words then explain the reading instead of counting against it.
        if narrowing and not contradicted:
            common = frozenset.intersection(*(users for _, _, users in narrowing))
            if len(common) == 1:
                (head,) = common
                narrower = False
                explained, weight = _explaining(read, narrowing, explained, weight)
        # Words of another sense say which skill of that sense the text names when, with
        # the words of the reading they contradict, they name one: "grain grinding" is
        # grain milling ("grain" names nothing else), "meat grinder operator" the meat
        # processing of "grind meat" (not the meat products "daging" also names).
        if other_sense and head is not None:
            common = frozenset.intersection(*(users for _, _, users in other_sense))
            # The other sense must also be named by the contradicted words: "fruit picking"
            # is no fruit processing, whose names never pick.
            common &= frozenset().union(
                *(self._word_targets.get(f, ()) for i in kept for f in _forms(read[i]))
            )
            if len(common) == 1:
                (head,) = common
                contradicted = False
                explained, weight = _explaining(read, other_sense, explained, weight)
        # A word of another sense left over contradicts the reading: "meat grinder operator"
        # is not metal grinding however much of it "grinder operator" explains. A word
        # that only names of narrower concepts use says the text means one of them
        # ("tukang kayu mebel" is furniture making, not woodworking): the fallback may
        # find which, and the broader concept is no answer.
        score = explained / weight if weight and not (contradicted or narrower) else 0.0
        if head is None or score < self.threshold:
            shared = {i for slots, e in chosen if e.target is None for i in slots}
            content = [
                i
                for i in range(len(words))
                if i not in placed and not self._neutral(words[i], read[i])
            ]
            if all(i in shared for i in content):
                return [], None  # nothing left to look up: "potong" is ambiguous, no typo
            text = " ".join(words[i] for i in content)
            return [], Query(text, any(read[i] is None for i in content), head)
        return [Hit(head, round(score, 3))], None

    def _head(self, chosen: list[tuple[list[int], Entry]]) -> tuple[str | None, set[int], set[int]]:
        """The target the segment is about, its positions, and those of names modifying it.

        A generic role ("operator mesin") gives way to a named skill. Of several unrelated
        skills in one segment (no "dan", no comma), the one written with most words is the
        head and the others modify it ("perakitan kabel otomotif" is wire-harness work, not
        also car mechanics); with no clear head the segment is not read at all.
        """
        generic = self.index.rules.generic_concepts
        named = [(slots, e) for slots, e in chosen if e.target is not None]
        specific = [(s, e) for s, e in named if e.target not in generic]
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
        # Of two skills written with as many words, one a curated name says beats one only
        # an outside name or a stem says: those yield ("仕上げ作業 治工具" is the bench
        # fitting of the name 治工具仕上げ, not the tool making of the stem 治工具).
        curated = {e.target for _, e in named if not e.secondary}

        def weight(target: str) -> tuple[int, bool]:
            return len(words_of[target]), target in curated

        best = max(map(weight, words_of))
        tied = [t for t in words_of if weight(t) == best]
        if len(tied) == 1:
            (head,) = tied
        else:
            # Two skills as well named: a testing skill is about the other one ("radiografi
            # las" tests welds); otherwise no clear head.
            testing = self.index.rules.testing_families
            testers = [t for t in tied if self._families.get(t) in testing]
            if len(tied) != 2 or len(testers) != 1:
                return None, set(), set()
            (head,) = testers
        modifiers = set().union(*(w for t, w in words_of.items() if t != head))
        return head, words_of[head], modifiers

    def _narrowed(
        self, head: str, kept: set[int], lost: list[tuple[list[int], str]]
    ) -> tuple[str, set[int]]:
        """The narrower concept a name that lost to the head's says, with its words.

        The largest name wins the cover, so in "operator mesin gerinda permukaan" the
        grinding name "operator mesin gerinda" takes "gerinda" from the surface-grinding
        name "gerinda permukaan"; that name's other word still says which grinding. Only
        when exactly one narrower concept's lost names add a word to the head's.
        """
        narrower = {
            target: slots
            for slots, target in lost
            if head in self._ancestors.get(target, ()) and not set(slots) <= kept
        }
        if len(narrower) != 1:
            return head, kept
        ((target, slots),) = narrower.items()
        return target, kept | set(slots)

    def _sense(
        self,
        chosen: list[tuple[list[int], Entry]],
        read: list[Word | None],
        taken: set[int],
    ) -> tuple[str | None, set[int]]:
        """The sense of a shared name that the rest of the segment settles, and the
        positions that say it.

        "giling" is grain milling or meat processing; in "giling daging" the leftover
        "daging" is a word of meat-processing names (one used by at least two of them), so
        the segment reads as meat processing. Only when the shared name is the only name
        read and exactly one of its senses owns a leftover word; otherwise no head.
        """
        if len(chosen) != 1 or chosen[0][1].target is not None:
            return None, set()
        slots, entry = chosen[0]
        owning: dict[str, set[int]] = defaultdict(set)
        for i, reading in enumerate(read):
            if i in taken or reading is None:
                continue
            for sense in entry.senses:
                if any((f, sense) in self._own_words for f in reading.forms):
                    owning[sense].add(i)
        if len(owning) != 1:
            return None, set()
        ((sense, positions),) = owning.items()
        return sense, set(slots) | positions

    def _foreign(self, reading: Word, head: str | None) -> bool:
        """Whether the word only belongs to names of sense families other than the head's."""
        family = self._families.get(head or "")
        if family is None:
            return False
        # The first form only: "meat" also strips to the Indonesian root "at".
        seen = self._word_families.get(reading.forms[0], set())
        senses = self.index.rules.sense_families
        return bool(seen) and seen <= senses and family not in seen

    def _owns(self, reading: Word, head: str | None) -> bool:
        """Whether the word (as written, or a known form) is one of the head's own words."""
        return head is not None and any((f, head) in self._own_words for f in reading.forms)

    def _narrows(self, reading: Word, head: str | None) -> bool:
        """Whether the word belongs only to names of concepts narrower than the head."""
        if head is None:
            return False
        users = self._word_targets.get(reading.forms[0], set())
        return bool(users) and all(head in self._ancestors.get(t, ()) for t in users)

    def _users(self, reading: Word) -> frozenset[str]:
        """The concepts whose curated names use the word: those every form that names one
        names ("pembuat" and its root "buat" agree)."""
        named = [self._word_targets[f] for f in reading.forms if f in self._word_targets]
        return frozenset.intersection(*map(frozenset, named)) if named else frozenset()

    def _narrowing(self, reading: Word, head: str | None) -> frozenset[str]:
        """The concepts a leftover word may narrow the head to: those whose curated names
        use it, when all of them lie within the head, or any of them beside a generic role
        (which every skill narrows); empty otherwise."""
        if head is None:
            return frozenset()
        # "pembantu" (a helper, or the assistant of "pembantu makmal") and its root "bantu"
        # agree on production help.
        users = self._users(reading)
        if head in self.index.rules.generic_concepts:
            return users - {head}
        return users if self._narrows(reading, head) else frozenset()

    def _neutral(self, word: str, read: Word | None) -> bool:
        """Words that neither explain nor contradict a reading: qualifiers, the test and exam
        words around a certificate's trade, unknown numbers."""
        if read is None:
            return any(map(str.isdigit, word))
        qualifiers = self.index.rules.qualifiers
        # A certificate word as written only: "testing" (a lemma away from "test") is a trade.
        return (
            word in qualifiers
            or word in self.index.rules.certificate_words
            or any(f in qualifiers for f in read.forms)
            # A number left over is a count or years of practice ("qc 3 years"), even one
            # that is a word of some name.
            or word.isdigit()
            or (any(map(str.isdigit, word)) and word not in self.index.named)
        )

    def _rank(
        self, entry: Entry, positions: Mapping[str, list[int]], written: set[str]
    ) -> tuple[object, ...]:
        first = [positions[w][0] for w in entry.tokens]
        in_order = any(
            all(positions[b][0] == positions[a][0] + 1 for a, b in pairwise(order))
            for order in entry.orders
        )
        target = entry.target
        return (
            # Of overlapping names, the one with more words that name the skill wins: "setting
            # mesin press" is die setting ("press setting"), the machine word of "mesin
            # press" says nothing; "tube drawing in factory" is tube drawing, not the "drawing
            # in" of weaving; "metal extrusion operator" is metal extrusion (a material word
            # says more than the role of "extrusion operator").
            -sum(w not in self._weak for w in entry.tokens),
            -sum(w not in self._roles for w in entry.tokens),
            -len(entry.tokens),
            # Of overlapping names as long, a curated one beats a yielding one (a stem, a
            # compound's parts, an ESCO label).
            entry.secondary,
            # A word read as written beats its root: "penjahit" (a title several
            # occupations share) is not settled by the root "jahit".
            sum(w not in written for w in entry.tokens),
            target is None,
            target in self.index.rules.generic_concepts,
            -self._specificity.get(target or "", 0),
            not in_order,
            -entry.chars,
            min(first),
        )


def _placed(words: list[str], rules: TextRules) -> set[int]:
    """Positions of the place words in runs right after a place marker ("di Korea
    Selatan"), and of a company after one, to the end ("di PT Maju Jaya")."""
    placed: set[int] = set()
    for i, word in enumerate(words):
        after = i > 0 and (words[i - 1] in rules.place_markers or i - 1 in placed)
        if after and word in rules.company_markers and i - 1 not in placed:
            return placed | set(range(i, len(words)))
        if after and word in rules.place_words:
            placed.add(i)
    return placed


def _explaining(
    read: list[Word | None],
    found: list[tuple[int, float, frozenset[str]]],
    explained: float,
    weight: float,
) -> tuple[float, float]:
    # Leftover words that turn out to say what the text names explain the reading in full:
    # their similarity counts, and their whole length replaces the weight they were counted
    # with. Added one by one onto the running totals, in the order the words were met.
    for i, counted, _ in found:
        reading = read[i]
        assert reading is not None
        explained += reading.similarity * reading.chars
        weight += reading.chars - counted
    return explained, weight


def _forms(reading: Word | None) -> tuple[str, ...]:
    return () if reading is None else reading.forms


def _fits(entry: Entry, positions: Mapping[str, list[int]]) -> bool:
    return all(len(positions.get(w, ())) >= n for w, n in entry.need)


def _place(entry: Entry, positions: Mapping[str, list[int]], taken: set[int]) -> list[int] | None:
    slots: list[int] = []
    for word in entry.tokens:
        free = next((i for i in positions[word] if i not in taken and i not in slots), None)
        if free is None:
            return None
        slots.append(free)
    return slots
