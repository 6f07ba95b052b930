"""Matching free text against a table of names (aliases) that each point at a target.

The engine behind the skill normalizer (targets are taxonomy concepts) and the occupation
normalizer (targets are ISCO-08 unit groups). It reads a string the way a placement
officer would:

1. leave out an Indonesian company named beside the work ("... PT Astra Honda Motor"),
   fold the text (:mod:`matcher.text.fold`) and split it where it joins several skills
   ("dan", "and", ",", "/"), unless the whole text, neutral words aside, is one name;
2. give every word its known form: itself, an Indonesian root, an English base form, or a
   typo correction (:mod:`matcher.text.words`, with a bounded memo);
3. cover the words with whole names, in any order, largest first, and score the reading
   by how much of the text the names explain (:mod:`matcher.text.cover`);
4. as a last resort, match a segment no name reads well enough as a whole, only when one
   target is clearly ahead (:mod:`matcher.text.fuzzy`);
5. read a segment that is only a name several targets share as the one in the family of
   another segment's reading;
6. a text that reads as nothing whole is read without its brackets when they only say
   who, where or when ("operator cetak offset (Heidelberg)").

The names themselves are filed by :mod:`matcher.text.aliases`. A wrong target is worse
than none: an alias that several targets share is a dead end, and a reading below the
threshold is dropped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

from matcher.text.aliases import AliasIndex
from matcher.text.cover import Hit, Query, SegmentCover
from matcher.text.english import load_dictionaries
from matcher.text.fold import TextRules, fold, is_east_asian, segments
from matcher.text.fuzzy import FuzzyFallback
from matcher.text.words import MEMO_SIZE, WordReader

__all__ = ["Lexicon"]

# A word of a company's name: a capital or a digit first, no separator, colon or bracket.
_NAME_WORD = r"[A-Z0-9][^\s,;/&+|:()\[\]]*"
# A bracketed part of a text (after NFKC, which turns full-width brackets into these).
_BRACKETED = re.compile(r"[(\[]([^()\[\]]*)[)\]]")


class Lexicon:
    """Names -> targets, read with the rules above.

    Parameters
    ----------
    names, ambiguous, rules
        The names, as :class:`~matcher.text.aliases.AliasIndex` files them.
    threshold : float
        Minimum score of a reading; below it the segment is unknown.
    specificity : Mapping[str, int], optional
        Target -> depth in its hierarchy; of two equally long aliases the deeper wins.
    ancestors : Mapping[str, frozenset[str]], optional
        Target -> all its ancestors; within one segment a target named beside one of its
        descendants counts as part of the descendant's reading.
    workers : int, optional
        Threads for the batched rapidfuzz comparisons (``-1``: all cores). Default 1.
    memo_size : int, optional
        Words whose reading is kept between calls (:data:`matcher.text.words.MEMO_SIZE`).
    families : Mapping[str, str], optional
        Target -> its trade family; a word left over beside a reading that only names of
        other families use counts against it in full ("grain grinding" is not metal
        grinding).
    secondary : Mapping[str, Iterable[str]], optional
        Names from an outside vocabulary that yield to ``names``
        (:class:`~matcher.text.aliases.AliasIndex`).
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
        memo_size: int = MEMO_SIZE,
        secondary: Mapping[str, Iterable[str]] | None = None,
        families: Mapping[str, str] | None = None,
    ) -> None:
        self.rules = rules
        self.threshold = threshold
        self.workers = workers
        self.families = dict(families or {})
        ancestors = dict(ancestors or {})
        self.index = AliasIndex(names, ambiguous, rules, secondary)
        # A company form in capitals, then words that begin with a capital or a digit, up
        # to a separator, a colon or a bracket.
        forms = "|".join(sorted(re.escape(m.upper()) for m in rules.company_markers))
        self._company = (
            re.compile(rf"(?<!\S)({forms})\.?[ \t]+({_NAME_WORD}(?:[ \t]+{_NAME_WORD})*)")
            if forms
            else None
        )
        self.reader = WordReader(self.index, workers, memo_size)
        self.cover = SegmentCover(
            self.index, threshold, dict(specificity or {}), ancestors, self.families
        )
        self.fuzzy = FuzzyFallback(self.index.entries, threshold, ancestors, workers)

    def load(self) -> None:
        """Build now what reading otherwise builds on first use: the fuzzy fallback's
        n-gram vectors (about 0.1 s of CPU) and simplemma's English and Indonesian
        dictionaries (milliseconds from the tries kept on disk: :mod:`matcher.text.english`)."""
        self.fuzzy.load()
        load_dictionaries()

    @property
    def collisions(self) -> dict[str, list[str]]:
        """Names that several targets share after folding (a data error the tests catch)."""
        return self.index.collisions

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
        # A text is read only through fold and segments, which for ASCII text begin by
        # lower-casing it: "LAS LISTRIK" reads as "las listrik", and is read once with it
        # (a pool writes one skill in several cases: a third of its distinct texts).
        # A company named in it ("PT Maju Jaya") is left out first, while its case shows.
        key = {
            text: bare.lower() if (bare := self._without_companies(text)).isascii() else bare
            for text in dict.fromkeys(texts)
        }
        unique = list(dict.fromkeys(key.values()))
        split = {text: self._split(text) for text in unique}
        resolved = self.reader.resolve(
            w for parts in split.values() for part in parts for w in part
        )
        readings: dict[str, list[list[Hit]]] = {}
        fallback: list[tuple[str, int, Query]] = []
        for text, parts in split.items():
            readings[text] = []
            for index, part in enumerate(parts):
                hits, query = self.cover.read(part, resolved)
                readings[text].append(hits)
                if query is not None:
                    fallback.append((text, index, query))
        for (text, index, _), hit in zip(
            fallback, self.fuzzy.match([f[2] for f in fallback]), strict=True
        ):
            if hit is not None:
                readings[text][index] = [hit]
        for text, parts in split.items():
            if len(parts) > 1:
                self._shared_by_family(parts, readings[text])
        done = {text: _combine(parts) for text, parts in readings.items()}
        # As written, not lower-cased: a bracket of capitalised words names a company or
        # a brand. The texts without their brackets hold none: this reads one level deep.
        unglossed = {
            text: plain
            for text in key
            if not done[key[text]] and (plain := self._unglossed(text)) is not None
        }
        if not unglossed:
            return [done[key[text]] for text in texts]
        again = dict(zip(unglossed, self.read_many(list(unglossed.values())), strict=True))
        return [again.get(text) or done[key[text]] for text in texts]

    def _shared_by_family(self, parts: list[list[str]], hits: list[list[Hit]]) -> None:
        """Read a part that is only a name several targets share ("cutting", "finishing")
        as the one of them in the family of another part's reading, when exactly one is:
        "cutting, sewing and packing" names garment cutting beside sewing, "amplas, plitur"
        the sanding of wood finishing. Otherwise nothing in the text says which: it stays
        unread."""
        read = {self.families.get(hit.target) for found in hits for hit in found} - {None}
        for k, part in enumerate(parts):
            if hits[k]:
                continue
            entry = self.index.named_by(w for w in part if w not in self.rules.neutral)
            if entry is None or entry.target is not None:
                continue
            fitting = {sense for sense in entry.senses if self.families.get(sense) in read}
            if len(fitting) == 1:
                hits[k] = [Hit(fitting.pop(), 1.0)]

    def _named_whole(self, words: list[str], parts: list[list[str]]) -> bool:
        """Whether the words are one name, leaving out neutral words, numbers, and the
        qualifiers before and after it ("experienced ...", "... 3 years"); ``parts`` are
        the text's parts between separators."""
        rules = self.rules
        kept = [w for w in words if w not in rules.neutral and not w.isdigit()]
        if self.index.named_by(kept) is not None:
            return True
        edge = [w in rules.qualifiers and w not in rules.separators for w in kept]
        if all(edge):
            return False
        core = kept[edge.index(False) : len(kept) - edge[::-1].index(False)]
        found = self.index.named_by(core)
        if len(core) == len(kept) or found is None or found.target is None:
            return False
        # Only a name across a separator needs this: one within a part reads alike once the
        # text is split ("iso 9001, teknisi listrik industri" names two skills).
        return not any(set(core) <= set(part) for part in parts)

    def _without_companies(self, text: str) -> str:
        """The text with the companies it names made a separator.

        A CV writes the company beside the work ("operator produksi PT Astra Honda Motor",
        "PT Maju Jaya: las listrik"): an Indonesian company form (``company_markers``,
        written in capitals) and the run of words after it that begin with a capital
        letter or a digit. Its words name no skill, yet as unknown words they sank the
        reading, and "PT" beside "inspeksi" made penetrant testing. Left alone when the
        form and the next word make a name ("PT Inspection", "PT 검사"), when every word
        of the run is a word of some name or the run is only short capitals ("PT MT RT"
        lists tests), when the next word is in lower case ("pt test"), or after a place
        marker ("di PT Maju Jaya": the cover reads it as a place).
        """
        if self._company is None:
            return text

        def cut(found: re.Match[str]) -> str:
            run = found.group(2).split()
            words = self.index.words(found.group(2))
            named = self.index.named_by(self.index.words(f"{found.group(1)} {run[0]}"))
            proper = any(w not in self.index.named for w in words)
            listed = all(len(w) <= 3 and w.isupper() for w in run)  # "PT MT RT": tests
            before = text[: found.start()].split()
            # After "di" or "at" the company is where the work was done, which the cover's
            # place rule weighs: a place does not settle every reading ("helper di PT
            # Maju" is no more a factory helper than "helper di Hong Kong").
            at = bool(before) and fold(before[-1]) in self.rules.place_markers
            return "," if proper and not listed and named is None and not at else found.group(0)

        return self._company.sub(cut, text)

    def _unglossed(self, text: str) -> str | None:
        """The text without its brackets, when each names who, where or when the work was
        done and something is left outside them.

        A bracket in a CV or a job order often holds the company, the brand of the
        machines, the plant or the years ("operator cetak offset (Heidelberg)",
        "溶接（株式会社山田製作所）"): words no name explains, which must not sink the
        reading the words outside make. A bracket of common words may say the work is of
        another sense ("painting (portraits)", "sewing (wounds)"), and one that narrows the
        skill ("sewing (industrial machine)") is read with the text first: only a bracket
        that holds a gloss marker (``TextRules.gloss_markers``: a company form, a brand
        word, 株式会社, 廠) or words that all begin with a capital letter or a digit is
        left out. The bracket is never read alone.
        """
        normal = unicodedata.normalize("NFKC", text)
        brackets = _BRACKETED.findall(normal)
        if not brackets or not all(map(self._names_only, brackets)):
            return None
        return " ".join(_BRACKETED.sub(" ", normal).split()) or None

    def _names_only(self, gloss: str) -> bool:
        """Whether a bracket's words name a company, a brand, a place or years."""
        markers = self.rules.gloss_markers
        folded = fold(gloss)
        if any(m in markers for m in folded.split()) or any(
            m in folded for m in markers if is_east_asian(m[0])
        ):
            return True
        return all(w[0].isupper() or w[0].isdigit() for w in gloss.split())

    def _split(self, text: str) -> list[list[str]]:
        whole = self.index.words(text)
        parts = [
            words
            for part in segments(text, self.rules.separators)
            if (words := self.reader.segment_words(part))
        ]
        if self._named_whole(whole, parts):
            # The whole string is one name, even if it contains "and" ("picking and packing",
            # "soldering and welding equipment": two objects of one skill), also with
            # years, counts and other qualifiers beside it ("... 3 years").
            return [" ".join(self.index.canonical_key(whole)).split()]
        for k in range(len(parts) - 1):
            # "electrical & mechanical maintenance": a lone word before a separator shares
            # the rest of the part after it when together they make a name.
            shared = [*parts[k], *parts[k + 1][1:]]
            found = self.index.named_by(shared)
            if len(parts[k]) == 1 < len(parts[k + 1]) and found is not None and found.target:
                parts[k] = shared
        for k in range(1, len(parts)):
            # "maintenance mekanik & elektrik": a lone word after a separator shares the
            # head word of the part before it when together they make a name; the head is
            # its first word that is no qualifier ("bisa las co2 & argon": "las").
            head = next((w for w in parts[k - 1] if w not in self.rules.qualifiers), None)
            shared = [head, *parts[k]] if head is not None else parts[k]
            found = self.index.named_by(shared)
            if len(parts[k]) == 1 and found is not None and found.target is not None:
                parts[k] = shared
        return parts


def _combine(parts: list[list[Hit]]) -> tuple[Hit, ...]:
    best: dict[str, Hit] = {}
    for hits in parts:
        for hit in hits:
            if hit.target not in best or best[hit.target].score < hit.score:
                best[hit.target] = Hit(hit.target, hit.score)
    # A broader skill listed beside a narrower one ("jahit dan obras") is kept: the
    # worker named both, and the narrower one does not always imply the broader.
    return tuple(best[t] for t in dict.fromkeys(h.target for hits in parts for h in hits))
