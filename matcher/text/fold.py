"""Text folding and tokenization shared by the skill and occupation normalizers.

Free text from CVs and job orders is folded to one canonical spelling before any matching:
Unicode NFKC (full-width letters and half-width katakana become ordinary), case folded,
accents stripped from Latin letters only (stripping marks from kana or Hangul would change
the word), punctuation turned into spaces. Words are then split where the script changes
("TIG溶接" -> "tig", "溶接") because job orders mix scripts inside one word.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = [
    "TextRules",
    "fold",
    "is_east_asian",
    "script_runs",
    "segments",
    "text_rules",
]

# Characters that join two skills in one string; words that do the same live in the rules.
_SEPARATOR_CHARS = ",;/&+|\n、，；・"
_SEPARATOR_RE = re.compile("[" + re.escape(_SEPARATOR_CHARS) + "]")
_NOT_ALNUM_ASCII = re.compile("[^a-z0-9]+")
# The last Latin Extended code point: accents are stripped below it, never above.
_LATIN_END = 0x024F
# Japanese technical writing (JIS Z 8301) drops the long vowel mark that ends a loanword of
# three or more sounds: "ハンマ" and "ハンマー", "モータ" and "モーター" are one word. It is
# dropped where it ends a katakana run after at least two katakana, so both spellings meet.
_FINAL_LONG_VOWEL = re.compile("(?<=[\u30a1-\u30fc]{2})ー(?![\u30a1-\u30fcー])")


@dataclass(frozen=True)
class TextRules:
    """Abbreviations, qualifier words and separator words, read from ``text_rules.json``.

    Attributes
    ----------
    abbreviations : Mapping[str, str]
        Folded token -> its expansion (which may be several words).
    qualifiers : frozenset[str]
        Words that qualify a skill without naming one (experience, level, material, brand);
        left over after matching they neither count against a reading nor make one.
    separators : frozenset[str]
        Words that join two skills ("dan", "and"); the strings are split there.
    synonyms : Mapping[str, tuple[str, ...]]
        Canonical word -> words of the same meaning in other languages ("las" ->
        "welding", "kimpalan"); names and input are both read through it.
    generic_concepts : frozenset[str]
        Concept ids that name a role rather than a skill ("machine operator"); a reading
        that also names a specific skill drops them.
    neutral : frozenset[str]
        Activity verbs and generic nouns ("operate", "tend", "equipment"): qualifiers
        (they are in ``qualifiers`` too) that are also dropped from secondary names (ESCO
        labels) before those are filed.
    sense_families : frozenset[str]
        Trade families whose words give a shared trade word another sense ("grain",
        "meat" make "grinding" food work): a reading in another family that leaves such a
        word unexplained is dropped (:class:`matcher.text.cover.SegmentCover`).
    certificate_words : frozenset[str]
        Test, exam and round words that frame a certificate's name around its trade
        ("EPS skills test (manufacturing, round 2)"). Left over after matching they are
        neutral, as qualifiers are, whatever the reading's head; unlike qualifiers they
        keep their roots and lemmas and stay words of names ("test logam", "ujian
        ultrasonik" through "uji").
    stem_suffixes : frozenset[str]
        East Asian words that end a trade name after what the trade makes ("製造",
        "제조": "缶詰製造", "통조림 제조"). Like the East Asian qualifiers (worker, machine,
        work: "圧延工") they are stripped from a name to give its stem, another name of
        the same skill (:func:`matcher.text.aliases.east_asian_stem`); unlike them they
        are no qualifiers, but words of names.
    testing_families : frozenset[str]
        Trade families whose skills test or inspect the work of others ("quality"): of
        two skills a segment names with as many words, one of these is what the text is
        about and the other what it tests ("radiografi las": radiography of welds).
    workplace_words : frozenset[str]
        Canonical words for the place a trade is carried out in ("pabrik": factory,
        "kilang", 工場): a name made of one of them and the trade ("kilang pengetinan",
        a cannery) also names the trade without it, as a yielding name
        (:class:`matcher.text.aliases.AliasIndex`).
    role_words : frozenset[str]
        Words of a name that say who does the work ("operator"): of two overlapping
        names with as many words naming a skill, the one without them wins
        (:class:`matcher.text.cover.SegmentCover`).
    place_markers, place_words, company_markers : frozenset[str]
        A run of place words right after a marker ("di Jepang", "in Korea"), or a company
        marker right after one and every word after it ("di PT Maju Jaya"), says where
        the work was done: left over, it neither counts against a reading nor makes one,
        unless the reading is of a concept in ``place_unsettled``.
    place_unsettled : frozenset[str]
        Concept ids a place phrase does not leave standing ("helper di Hong Kong" is
        most often domestic work).
    gloss_markers : frozenset[str]
        Words that make a bracketed part of a text say who, where or when, not what (a
        company form, a brand word, 株式会社, 廠): the text is read without the bracket
        when it reads as nothing with it (:class:`matcher.text.lexicon.Lexicon`).
    """

    abbreviations: Mapping[str, str]
    qualifiers: frozenset[str]
    separators: frozenset[str]
    synonyms: Mapping[str, tuple[str, ...]]
    generic_concepts: frozenset[str]
    neutral: frozenset[str] = frozenset()
    sense_families: frozenset[str] = frozenset()
    certificate_words: frozenset[str] = frozenset()
    stem_suffixes: frozenset[str] = frozenset()
    testing_families: frozenset[str] = frozenset()
    workplace_words: frozenset[str] = frozenset()
    role_words: frozenset[str] = frozenset()
    place_markers: frozenset[str] = frozenset()
    place_words: frozenset[str] = frozenset()
    company_markers: frozenset[str] = frozenset()
    place_unsettled: frozenset[str] = frozenset()
    gloss_markers: frozenset[str] = frozenset()


@lru_cache(maxsize=1)
def text_rules() -> TextRules:
    """Load the bundled text rules (cached).

    Returns
    -------
    TextRules
        The rules from ``matcher/data/text_rules.json``, keys already folded.
    """
    raw = json.loads(resources.files("matcher").joinpath("data/text_rules.json").read_text("utf-8"))

    def words(key: str) -> frozenset[str]:
        return frozenset(fold(w) for w in raw.get(key, ()))

    neutral = words("neutral")
    return TextRules(
        abbreviations={fold(k): fold(v) for k, v in raw["abbreviations"].items()},
        qualifiers=frozenset(fold(q) for q in raw["qualifiers"]) | neutral,
        separators=frozenset(fold(s) for s in raw["separators"] if fold(s)),
        synonyms={fold(c): tuple(fold(v) for v in vs) for c, vs in raw["synonyms"].items()},
        generic_concepts=frozenset(raw["generic_concepts"]),
        neutral=neutral,
        sense_families=frozenset(raw.get("sense_families", ())),
        certificate_words=words("certificate_words"),
        stem_suffixes=words("stem_suffixes"),
        testing_families=frozenset(raw.get("testing_families", ())),
        workplace_words=words("workplace_words"),
        role_words=words("role_words"),
        place_markers=words("place_markers"),
        place_words=words("place_words"),
        company_markers=words("company_markers"),
        place_unsettled=frozenset(raw.get("place_unsettled", ())),
        gloss_markers=words("gloss_markers"),
    )


@lru_cache(maxsize=65536)
def _fold_char(char: str) -> str:
    if ord(char) <= _LATIN_END:
        base = "".join(
            c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)
        )
        return base if base.isalnum() else " "
    category = unicodedata.category(char)
    # Letters, digits and the kana/CJK marks that are part of words (ー, 々) stay.
    if category[0] in "LN" or char in "ー々":
        return char
    return " "


def fold(text: str) -> str:
    """Fold text to its canonical matching form.

    Parameters
    ----------
    text : str
        Any free text.

    Returns
    -------
    str
        NFKC-normalized, case-folded text with Latin accents and all punctuation removed
        and whitespace collapsed to single spaces; a katakana loanword's final long vowel
        mark is dropped (JIS spelling).

    Examples
    --------
    >>> fold("  LAS-Listrik!! ")
    'las listrik'
    >>> fold("Soldadura Eléctrica")
    'soldadura electrica'
    >>> fold("ハンマー鍛造") == fold("ハンマ鍛造")
    True
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    if text.isascii():  # the common case, without the per-character lookups
        return " ".join(_NOT_ALNUM_ASCII.sub(" ", text).split())
    folded = " ".join("".join(_fold_char(c) for c in text).split())
    return _FINAL_LONG_VOWEL.sub("", folded)


def is_east_asian(char: str) -> bool:
    """Whether ``char`` is Han, kana or Hangul: scripts written without spaces between words.

    Parameters
    ----------
    char : str
        One character.

    Returns
    -------
    bool
        True for CJK ideographs, hiragana, katakana and Hangul syllables.
    """
    code = ord(char)
    return (
        0x3040 <= code <= 0x30FF  # hiragana, katakana
        or 0x3400 <= code <= 0x9FFF  # CJK ideographs
        or 0xAC00 <= code <= 0xD7AF  # Hangul syllables
        or 0xF900 <= code <= 0xFAFF  # CJK compatibility ideographs
        or char in "ー々"
    )


def script_runs(word: str) -> Iterator[str]:
    """Split a folded word where it changes between East Asian and other scripts.

    Parameters
    ----------
    word : str
        One folded word without spaces.

    Yields
    ------
    str
        Maximal runs of the same script class ("tig溶接" -> "tig", "溶接").
    """
    if word.isascii():
        yield word
        return
    start = 0
    for i in range(1, len(word)):
        if is_east_asian(word[i]) != is_east_asian(word[i - 1]):
            yield word[start:i]
            start = i
    if word:
        yield word[start:]


def segments(text: str, separators: frozenset[str]) -> list[str]:
    """Split raw text into folded segments at separator characters and words.

    Parameters
    ----------
    text : str
        Raw free text, possibly naming several skills ("las argon dan bubut").
    separators : frozenset[str]
        Folded separator words (see :class:`TextRules`).

    Returns
    -------
    list[str]
        Folded, non-empty segments in their original order.
    """
    parts: list[str] = []
    for chunk in _SEPARATOR_RE.split(unicodedata.normalize("NFKC", text)):
        current: list[str] = []
        for word in fold(chunk).split():
            if word in separators:
                if current:
                    parts.append(" ".join(current))
                current = []
            else:
                current.append(word)
        if current:
            parts.append(" ".join(current))
    return parts
