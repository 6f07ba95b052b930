"""The alias index: names (aliases) that each point at a target, matched in any word order.

Names are folded and read through the text rules (abbreviations, synonyms) exactly as
input is, so a name and a text that spell it alike meet. Two names with the same words are
one name; if they point at different targets, it proves nothing on its own (a dead end
such as "operator" or "cutting"), and :attr:`AliasIndex.collisions` lists them for the
data tests.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass

from matcher.text.fold import TextRules, fold, is_east_asian, script_runs

__all__ = ["AliasIndex", "Entry", "cut_east_asian", "east_asian_stem"]

# A stem shorter than this (one kanji or syllable: "鉄" of "鉄工") names no trade alone.
_MIN_STEM = 2


@dataclass(frozen=True)
class Entry:
    """One name, in every word order it is written in."""

    tokens: tuple[str, ...]
    orders: frozenset[tuple[str, ...]]  # the word orders the name is written in
    need: tuple[tuple[str, int], ...]  # each distinct word and how often the name has it
    target: str | None  # None: a name several targets share, which therefore proves nothing
    chars: int
    secondary: bool = False  # from the outside vocabulary (see AliasIndex)
    senses: frozenset[str] = frozenset()  # for a shared name: the targets it may mean


class AliasIndex:
    """Names -> targets, filed for lookup by their words.

    Parameters
    ----------
    names : Mapping[str, Iterable[str]]
        Target id -> its names in any language.
    ambiguous : Iterable[str] or Mapping[str, Iterable[str]]
        Names that mean different targets in different trades; they never produce a
        target on their own. Given as a mapping, each term's targets are its senses
        (:attr:`Entry.senses`), which the rest of a text may settle.
    rules : TextRules
        Abbreviations, qualifier words, separators, synonyms and generic targets.
    secondary : Mapping[str, Iterable[str]], optional
        Target id -> names from an outside vocabulary (ESCO labels). They are filed
        without their neutral words ("operate grinding machine" -> "grinding") and yield:
        one that makes the same name as a primary name or an ambiguous term, one that two
        targets share, one left with qualifiers only, and one cut down to a single word
        are dropped, not made a dead end. The stem of an East Asian name that ends in a
        qualifier word (:func:`east_asian_stem`: "圧延工" -> "圧延") is filed the same way.
    """

    def __init__(
        self,
        names: Mapping[str, Iterable[str]],
        ambiguous: Iterable[str] | Mapping[str, Iterable[str]],
        rules: TextRules,
        secondary: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        self.rules = rules
        self.canonical = {v: c for c, variants in rules.synonyms.items() for v in variants}
        surface: set[str] = set(self.canonical) | set(rules.synonyms)
        targets_of: dict[tuple[str, ...], set[str | None]] = defaultdict(set)
        orders: dict[tuple[str, ...], list[tuple[str, ...]]] = defaultdict(list)
        senses_of: dict[tuple[str, ...], set[str]] = defaultdict(set)
        named = [(t, a) for t, aliases in names.items() for a in aliases]
        # Each name's words, read once: the loops below read every name three more times.
        written = {alias: self.words(alias) for alias in [*(a for _, a in named), *ambiguous]}
        for target, alias in [*named, *((None, term) for term in ambiguous)]:
            words = written[alias]
            surface.update(words)
            if words:
                key = self.canonical_key(words)
                targets_of[tuple(sorted(key))].add(target)
                orders[tuple(sorted(key))].append(key)
                if target is None and isinstance(ambiguous, Mapping):
                    senses_of[tuple(sorted(key))].update(ambiguous[alias])
        # A Japanese or Korean trade name is often the process plus a worker, machine or work
        # suffix ("圧延工", "伸線加工", "정경기"); the process alone names the skill too, but
        # yields like an outside name, so a stem another concept also has says nothing. A
        # stem that is only glossary words is a material or a product ("金属" of "金属加工",
        # "가죽" of "가죽제품"), which names no trade on its own.
        suffixes = self.east_asian_suffixes = tuple(
            sorted(
                {q for q in rules.qualifiers if all(map(is_east_asian, q))} | rules.stem_suffixes,
                key=len,
                reverse=True,
            )
        )
        """East Asian qualifier words and the rules' ``stem_suffixes``, longest first: the
        suffixes :func:`east_asian_stem` strips."""
        glossary = set(self.canonical) | set(rules.synonyms)
        derived: dict[str, list[str]] = defaultdict(list)
        for target, aliases in (secondary or {}).items():
            derived[target].extend(aliases)
        # An East Asian compound name is written with or without spaces and with either
        # spelling of its parts ("惣菜製造", "そう菜 製造"): its parts, where all are known
        # words, are a yielding name too, so that the glossary reaches inside it.
        parts = frozenset(
            w
            for w in surface | glossary | {w for q in rules.qualifiers for w in q.split()}
            if all(map(is_east_asian, w))
        )
        longest = max(map(len, parts), default=0)
        for target, alias in named:
            whole = written[alias]
            if len(whole) == 1 and all(map(is_east_asian, whole[0])):
                pieces = cut_east_asian(whole[0], parts - {whole[0]}, longest)
                if len(pieces) > 1 and all(p in parts for p in pieces):
                    derived[target].append(" ".join(pieces))
        for target, alias in named:
            stem = east_asian_stem(written[alias], suffixes, surface)
            if stem is not None and not set(stem.split()) <= glossary:
                derived[target].append(stem)
            trade = self._without_workplace(written[alias])
            if trade is not None and not set(trade.split()) <= glossary:
                derived[target].append(trade)
        secondary_keys = self._add_secondary(derived, targets_of, orders, surface)
        self.collisions = {
            " ".join(orders[key][0]): sorted(t for t in found if t is not None)
            for key, found in targets_of.items()
            if len(found - {None}) > 1
        }
        """Names that several targets share after folding (a data error the tests catch)."""
        self.entries: list[Entry] = []
        self._by_key: dict[str, Entry] = {}
        for key, found in targets_of.items():
            tokens = orders[key][0]
            senses = frozenset(senses_of[key] | {t for t in found if t is not None})
            target = found.pop() if len(found) == 1 else None
            need = tuple(Counter(tokens).items())
            entry = Entry(
                tokens,
                frozenset(orders[key]),
                need,
                target,
                sum(map(len, key)),
                key in secondary_keys,
                frozenset() if target is not None else senses,
            )
            self.entries.append(entry)
            self._by_key.update((" ".join(order), entry) for order in orders[key])
        # Each name is filed under its rarest word only: a segment can hold the name only if
        # it holds that word, and common words ("operator") would each bring hundreds.
        frequency = Counter(w for e in self.entries for w, _ in e.need)
        self._by_word: dict[str, list[Entry]] = defaultdict(list)
        for entry in self.entries:
            rarest = min(entry.need, key=lambda item: (frequency[item[0]], item[0]))[0]
            self._by_word[rarest].append(entry)
        self.named = frozenset(surface)
        """Words of names as written (before synonyms): what roots and typos are checked
        against."""
        self.known = (
            self.named | rules.certificate_words | {w for q in rules.qualifiers for w in q.split()}
        )
        """Every word the index can read: name words, qualifiers and certificate words."""
        self.east_asian = frozenset(w for w in self.known if any(map(is_east_asian, w)))
        """Known words in scripts written without spaces."""

    def _add_secondary(
        self,
        secondary: Mapping[str, Iterable[str]],
        targets_of: dict[tuple[str, ...], set[str | None]],
        orders: dict[tuple[str, ...], list[tuple[str, ...]]],
        surface: set[str],
    ) -> set[tuple[str, ...]]:
        """File the secondary names that neither clash nor say nothing (see the class);
        returns the (sorted) keys filed."""
        rules = self.rules
        found: dict[tuple[str, ...], set[str]] = defaultdict(set)
        written: dict[tuple[str, ...], list[tuple[list[str], tuple[str, ...]]]] = defaultdict(list)
        for target, aliases in secondary.items():
            for alias in aliases:
                written_words = self.words(alias)
                words = [w for w in written_words if w not in rules.neutral]
                if all(w in rules.qualifiers or w in rules.separators for w in words):
                    continue  # "operate machinery": nothing left that names a skill
                if len(words) == 1 < len(written_words):
                    continue  # a lone word left of a longer label ("farming machines")
                key = self.canonical_key(words)
                sorted_key = tuple(sorted(key))
                if sorted_key not in targets_of:
                    found[sorted_key].add(target)
                    written[sorted_key].append((words, key))
        filed = {k for k, targets in found.items() if len(targets) == 1}
        for sorted_key in filed:
            targets_of[sorted_key] = set(found[sorted_key])
            for words, key in written[sorted_key]:
                surface.update(words)
                orders[sorted_key].append(key)
        return filed

    def _without_workplace(self, words: list[str]) -> str | None:
        """A name without the workplace word that starts or ends it ("kilang pengetinan"
        -> "pengetinan", "papan lapis" of a plywood mill), or None. Like an East Asian
        stem, the rest is filed as a yielding name, and not when it is only glossary words
        (a material or product: "beras" of "pabrik beras" names rice, not milling)."""
        places = self.rules.workplace_words
        if len(words) < 2:
            return None
        key = self.canonical_key(words)
        if key[0] in places:
            rest = words[1:]
        elif key[-1] in places:
            rest = words[:-1]
        else:
            return None
        if any(self.canonical.get(w, w) in places for w in rest):
            return None
        return " ".join(rest)

    def canonical_key(self, words: Iterable[str]) -> tuple[str, ...]:
        """The words with synonyms replaced by their canonical word."""
        return tuple(self.canonical.get(w, w) for w in words)

    def words(self, text: str) -> list[str]:
        """Fold, split scripts and expand abbreviations (applied to names and to input)."""
        words: list[str] = []
        for raw in fold(text).split():
            for run in script_runs(raw):
                expansion = self.rules.abbreviations.get(run, run).split()
                # An abbreviation written after its own expansion ("incoming quality control
                # (IQC)", "ultrasonic testing (UT)") says it once more, not a second skill.
                if len(expansion) > 1 and words[-len(expansion) :] == expansion:
                    continue
                words.extend(expansion)
        return words

    def named_by(self, words: Iterable[str]) -> Entry | None:
        """The name these words make, in this order, if any."""
        return self._by_key.get(" ".join(self.canonical_key(words)))

    def filed_under(self, word: str) -> list[Entry]:
        """The names whose rarest word is ``word``."""
        return self._by_word.get(word, [])


def cut_east_asian(word: str, known: Container[str], longest: int) -> list[str]:
    """Cut an East Asian word into known words by longest match from the left.

    Parameters
    ----------
    word : str
        One folded word.
    known : Container[str]
        The words to cut it into.
    longest : int
        The length of the longest of them.

    Returns
    -------
    list[str]
        The pieces in order; a run of characters no known word starts is one piece.

    Examples
    --------
    >>> cut_east_asian("溶接作業員", {"溶接", "作業", "作業員"}, 3)
    ['溶接', '作業員']
    >>> cut_east_asian("半自動溶接", {"溶接"}, 2)
    ['半自動', '溶接']
    """
    pieces: list[str] = []
    unknown = ""
    i = 0
    while i < len(word):
        for size in range(min(longest, len(word) - i), 0, -1):
            if word[i : i + size] in known:
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


def east_asian_stem(
    words: list[str], suffixes: Sequence[str], known: Container[str] = frozenset()
) -> str | None:
    """The process an East Asian name names without its worker, machine or work suffix.

    Parameters
    ----------
    words : list[str]
        A name's folded words.
    suffixes : Sequence[str]
        East Asian qualifier words, longest first ("加工", "工", "작업", "기").
    known : Container[str], optional
        Words of names: a suffix that ends a longer known word is part of it ("전기",
        electricity, in "산업전기"; "旋盤" in "普通旋盤") and is not stripped.

    Returns
    -------
    str or None
        The name without the suffix, when its last word is East Asian and ends in (or is)
        a suffix and a stem of at least two characters is left; otherwise None. The
        longest suffix that ends the word decides, unless a shorter one leaves a known
        word ("검사원" is "검사" + "원"; "유가공" is "유" + "가공", too short, never "유가" +
        "공").

    Examples
    --------
    >>> east_asian_stem(["圧延工"], ["加工", "工"])
    '圧延'
    >>> east_asian_stem(["슬리팅", "가공"], ["가공"])
    '슬리팅'
    >>> east_asian_stem(["鉄工"], ["工"]) is None
    True
    >>> east_asian_stem(["산업전기"], ["기"], {"전기"}) is None
    True
    """
    if not words or not all(map(is_east_asian, words[-1])):
        return None
    last = words[-1]
    matched = False
    for suffix in suffixes:
        if last == suffix:
            rest = words[:-1]
            stem = " ".join(rest) if len("".join(rest)) >= _MIN_STEM else None
            return stem if rest and all(map(is_east_asian, rest[-1])) else None
        if not last.endswith(suffix):
            continue
        head = last[: -len(suffix)]
        # A longer suffix ("사원", staff) that ends the word is no longer word.
        inside = any(last[i:] in known and last[i:] not in suffixes for i in range(1, len(head)))
        # Once a longer suffix has matched, a shorter one only stands when it leaves a known
        # word: "검사원" is "검사" + "원" (not "검" + "사원"), "유가공" never "유가" + "공".
        if len(head) >= _MIN_STEM and not inside and (not matched or head in known):
            return " ".join([*words[:-1], head])
        matched = True
    return None
