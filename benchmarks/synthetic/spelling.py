"""How agencies type names: abbreviations, habitual misspellings, typos, case, a stray
qualifier; and the names of each concept they start from."""

from __future__ import annotations

import json
import random
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from matcher.taxonomy.skills import load_taxonomy

# How agencies type: abbreviations and habitual misspellings, word by word.
_SPELLINGS: Mapping[str, tuple[str, ...]] = {
    "operator": ("opr", "op", "operator"),
    "listrik": ("lstrik", "listrk", "listrik"),
    "forklift": ("forklip", "porklift", "forklift"),
    "maintenance": ("mtc", "maintenence", "maintanance"),
    "produksi": ("prod", "produksi", "produksi"),
    "pengelasan": ("pengelasn", "pengelasan"),
    "elektronik": ("elektronk", "elektronic"),
    "perakitan": ("prakitan", "perakitan"),
    "assembly": ("assy", "asembly", "assembly"),
    "welding": ("weldng", "welding"),
    "quality": ("qualty", "quality"),
    "control": ("kontrol", "control"),
    "packing": ("paking", "packing"),
    "mesin": ("msn", "mesin", "mesin"),
    "bubut": ("bubut", "bubud"),
    "injeksi": ("injeksi", "injection"),
}
_QUALIFIERS = (" 2 thn", " (dasar)", " berpengalaman", " 3G", " - basic", " 1 tahun")


# The names the generator starts from, per concept, as the taxonomy had them in version
# 2026.12.7: the sample pool and the benchmark pools must not change each time the
# taxonomy gains a name (a new name among a concept's first ones would shift every later
# draw of the seeded generator).
_WRITTEN_FORMS = Path(__file__).with_name("data") / "written_forms.json"


@lru_cache(maxsize=1)
def written_forms() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Per concept: (Indonesian, English, Malay, Japanese, Korean) names workers write.

    Only the first aliases of each language: the later ones are ESCO labels ("tend computer
    numerical control lathe machine") that no agency types. Read from the table fixed at
    taxonomy 2026.12.7 (``data/written_forms.json``); a concept added since takes its
    first names from the taxonomy.
    """
    taxonomy = load_taxonomy()
    fixed = json.loads(_WRITTEN_FORMS.read_text("utf-8"))
    forms: dict[str, tuple[tuple[str, ...], ...]] = {}
    for concept_id, concept in taxonomy.concepts.items():
        if concept_id in fixed:
            forms[concept_id] = tuple(tuple(names) for names in fixed[concept_id])
            continue
        english = concept.aliases.get("en", ())[:5] or (concept.label_en,)
        indonesian = concept.aliases.get("id", ())[:6] or english
        others = (concept.aliases.get(lang, ())[:3] or english for lang in ("ms", "ja", "ko"))
        forms[concept_id] = (indonesian, english, *others)
    return forms


def _typo(word: str, rnd: random.Random) -> str:
    if len(word) < 6 or not word.isascii():
        return word
    at = rnd.randrange(1, len(word) - 1)
    if rnd.random() < 0.5:
        return word[:at] + word[at + 1 :]
    return word[:at] + word[at + 1] + word[at] + word[at + 2 :]


def mess(text: str, rnd: random.Random, *, rate: float = 1.0) -> str:
    """``text`` as an agency clerk types it: abbreviations, typos, case, a stray qualifier."""
    roll = rnd.random
    if roll() < 0.30 * rate:
        text = " ".join(
            rnd.choice(_SPELLINGS[word]) if word in _SPELLINGS else word for word in text.split()
        )
    if roll() < 0.06 * rate:
        words = text.split()
        at = rnd.randrange(len(words))
        words[at] = _typo(words[at], rnd)
        text = " ".join(words)
    if roll() < 0.04 * rate:
        text += rnd.choice(_QUALIFIERS)
    case = roll()
    if case < 0.55:
        return text.lower()
    if case < 0.77:
        return text.title() if text.isascii() else text
    if case < 0.89:
        return text.upper()
    return text


def fresh_skill_name(forms: tuple[tuple[str, ...], ...], rnd: random.Random) -> str:
    """A newly typed name: 70% Indonesian, 27% English, 3% Malay, messed up as clerks do."""
    indonesian, english, malay, _, _ = forms
    roll = rnd.random()
    if roll < 0.70:
        return mess(rnd.choice(indonesian), rnd)
    if roll < 0.97:
        return mess(rnd.choice(english), rnd)
    return mess(rnd.choice(malay), rnd)
