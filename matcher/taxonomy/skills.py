"""The manufacturing skill taxonomy and the skill normalizer (free text -> concepts).

The taxonomy lives in ``matcher/data/skills.json`` (sources in ``matcher/data/SOURCES.md``):
concepts with stable ids, English and Indonesian labels, aliases in Indonesian, English,
Malay, Japanese and Korean, ISCO-08 codes, a parent concept and an ESCO URI where one
was established. The normalizer reads a string with :class:`matcher.text.lexicon.Lexicon` and
returns every concept it names, or none when it is not sure: a wrong concept would send
a worker to the wrong job, *unknown* only asks an officer to look.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Literal, get_args

from matcher.taxonomy.isco import is_unit_group
from matcher.text.cover import Hit
from matcher.text.fold import text_rules
from matcher.text.lexicon import Lexicon

__all__ = [
    "SKILL_THRESHOLD",
    "Concept",
    "ConceptHit",
    "EscoLink",
    "EscoMatch",
    "SkillMatch",
    "SkillNormalizer",
    "SkillRelation",
    "SkillTaxonomy",
    "default_skill_normalizer",
    "label_names",
    "load_taxonomy",
    "read_esco_labels",
    "taxonomy_from_data",
]

SKILL_THRESHOLD = 0.7
"""Minimum reading score; calibrated on ``tests/data/skill_devset.tsv`` (see the README)."""


EscoMatch = Literal["exact", "broader", "narrower"]
"""How an ESCO skill relates to a concept (SKOS mapping, seen from the concept): ``exact``
is the same skill, ``broader`` an ESCO skill that is wider than the concept (its labels
are not the concept's names), ``narrower`` one that lies within the concept."""


SkillRelation = Literal["within", "broader", "sibling"]
"""How a skill a worker holds stands to a skill a job order asks for, by the taxonomy's
parents (:meth:`SkillTaxonomy.relation`)."""


@dataclass(frozen=True)
class EscoLink:
    """A link from a concept to an ESCO v1.1.1 skill.

    Attributes
    ----------
    uri : str
        ESCO skill URI (``http://data.europa.eu/esco/skill/<uuid>``).
    match : EscoMatch
        ``exact``, ``broader`` or ``narrower``.
    label_id : str or None
        The Indonesian label written for the ESCO skill (ESCO has English labels only);
        None for an ``exact`` link, whose skill the concept's ``label_id`` names
        (:meth:`SkillTaxonomy.esco_label_id`).
    """

    uri: str
    match: EscoMatch
    label_id: str | None = None


@dataclass(frozen=True)
class Concept:
    """One skill concept of the taxonomy.

    Attributes
    ----------
    id : str
        Stable id, e.g. ``"smaw-welding"``.
    label_en, label_id : str
        English and Indonesian labels.
    parent : str or None
        Broader concept (``"welding"`` for ``"smaw-welding"``).
    family : str
        Trade family (the families of tests/data/brief_vocabulary.tsv).
    isco : tuple[str, ...]
        ISCO-08 unit groups, most typical first.
    esco : tuple[EscoLink, ...]
        Links to ESCO skills, exact ones first.
    aliases : Mapping[str, tuple[str, ...]]
        Language code -> names.
    """

    id: str
    label_en: str
    label_id: str
    parent: str | None
    family: str
    isco: tuple[str, ...]
    esco: tuple[EscoLink, ...]
    aliases: Mapping[str, tuple[str, ...]]

    @property
    def esco_uri(self) -> str | None:
        """The ESCO skill this concept is the same skill as, or None."""
        return next((link.uri for link in self.esco if link.match == "exact"), None)


class SkillTaxonomy:
    """All concepts, with lookups by id and the parent hierarchy.

    Parameters
    ----------
    concepts : Sequence[Concept]
        The concepts; ids must be unique and parents must exist.
    ambiguous : Mapping[str, Sequence[str]]
        Names that mean several concepts (term -> candidate ids).
    version : str
        Taxonomy version from the data file.
    redirects : Mapping[str, str], optional
        Retired concept id -> the concept that replaced it, so stored results that name an
        old id still resolve. A redirect must lead to a current concept in one step.
    esco_labels : Mapping[str, Sequence[str]], optional
        ESCO skill URI -> its preferred, alternative and hidden labels (ESCO v1.1.1,
        European Commission; ``matcher/data/esco_linked.tsv``). The labels of the skills a
        concept links ``exact`` or ``narrower`` are names of the concept
        (:meth:`esco_names`); a URI missing here simply brings none.

    Raises
    ------
    ValueError
        Naming the concept and field at fault: a duplicate id, an unknown parent or a cycle
        of parents, an ISCO code that is not an ISCO-08 unit group, one name given to two
        concepts in the same language, an ESCO link of unknown kind or with an empty
        Indonesian label, an ESCO skill claimed by two concepts, an ambiguous term naming an
        unknown concept, or a redirect that is a current id, leads to an unknown id or to
        another redirect.
    """

    def __init__(
        self,
        concepts: Sequence[Concept],
        ambiguous: Mapping[str, Sequence[str]],
        version: str,
        redirects: Mapping[str, str] | None = None,
        esco_labels: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self.version = version
        self.esco_labels = {uri: tuple(names) for uri, names in (esco_labels or {}).items()}
        self.concepts: dict[str, Concept] = {}
        for concept in concepts:
            if concept.id in self.concepts:
                raise ValueError(f"skill taxonomy: duplicate concept id {concept.id!r}")
            self.concepts[concept.id] = concept
        for concept in concepts:
            if concept.parent is not None and concept.parent not in self.concepts:
                raise ValueError(
                    f"skill taxonomy: {concept.id!r} has unknown parent {concept.parent!r}"
                )
        self.ambiguous = {term: tuple(ids) for term, ids in ambiguous.items()}
        self.redirects = dict(redirects or {})
        _validate(self)
        self._ancestors = {cid: self._walk_up(cid) for cid in self.concepts}

    def _walk_up(self, concept_id: str) -> tuple[str, ...]:
        chain: list[str] = []
        parent = self.concepts[concept_id].parent
        while parent is not None:  # no cycles: _validate has checked
            chain.append(parent)
            parent = self.concepts[parent].parent
        return tuple(chain)

    def esco_names(self, concept_id: str) -> tuple[str, ...]:
        """The ESCO labels that name ``concept_id``: those of its ``exact`` and ``narrower``
        links. A ``broader`` link's labels name a wider skill and are left out.

        Parameters
        ----------
        concept_id : str
            A concept id of this taxonomy.

        Returns
        -------
        tuple[str, ...]
            Labels in link order, each once.
        """
        concept = self[concept_id]
        labels = (
            label
            for link in concept.esco
            if link.match != "broader"
            for label in self.esco_labels.get(link.uri, ())
        )
        return tuple(dict.fromkeys(labels))

    def esco_label_id(self, concept_id: str, link: EscoLink) -> str | None:
        """The Indonesian label of a linked ESCO skill: the one written for the link, else
        for an ``exact`` link the concept's own (the same skill).

        Parameters
        ----------
        concept_id : str
            A concept id of this taxonomy.
        link : EscoLink
            One of its links.

        Returns
        -------
        str or None
            None for a ``narrower`` or ``broader`` link with no label written yet.
        """
        if link.label_id is not None:
            return link.label_id
        return self[concept_id].label_id if link.match == "exact" else None

    def resolve(self, concept_id: str) -> str:
        """The current id of ``concept_id``: itself, or the concept a retired id redirects to.

        Parameters
        ----------
        concept_id : str
            A current or retired concept id.

        Returns
        -------
        str
            The current id (unchanged when ``concept_id`` is unknown).
        """
        return self.redirects.get(concept_id, concept_id)

    def __getitem__(self, concept_id: str) -> Concept:
        return self.concepts[self.resolve(concept_id)]

    def __contains__(self, concept_id: object) -> bool:
        return concept_id in self.concepts or concept_id in self.redirects

    def __len__(self) -> int:
        return len(self.concepts)

    def ancestors(self, concept_id: str) -> tuple[str, ...]:
        """Broader concepts of ``concept_id`` (a concept id of this taxonomy), nearest
        first: parent, grandparent, ... up to the root."""
        return self._ancestors[self.resolve(concept_id)]

    def relation(self, have: str, need: str) -> SkillRelation | None:
        """How a held concept stands to a needed one: the rule of broader and narrower.

        Parameters
        ----------
        have, need : str
            Concept ids of this taxonomy (retired ids resolve).

        Returns
        -------
        SkillRelation or None
            ``"within"`` when ``have`` is ``need`` or lies within it (a narrower skill
            meets the need), ``"broader"`` when ``need`` lies within ``have`` ("sewing"
            held, "industrial sewing machine operation" needed: met in part),
            ``"sibling"`` when both are children of one parent (MIG for TIG), else None.
        """
        if self.is_within(have, need):
            return "within"
        if self.is_within(need, have):
            return "broader"
        parent = self[need].parent
        return "sibling" if parent is not None and self[have].parent == parent else None

    def is_within(self, concept_id: str, broader: str) -> bool:
        """Whether ``concept_id`` is ``broader`` or one of its descendants.

        Parameters
        ----------
        concept_id, broader : str
            Concept ids of this taxonomy.

        Returns
        -------
        bool
            True when ``broader`` is the concept itself or one of its ancestors.
        """
        concept_id, broader = self.resolve(concept_id), self.resolve(broader)
        return concept_id == broader or broader in self._ancestors[concept_id]


def _fold_name(name: str) -> str:
    return " ".join(name.casefold().split())


def _validate(taxonomy: SkillTaxonomy) -> None:
    """The checks of :class:`SkillTaxonomy` beyond ids and parents (see its Raises)."""
    named: dict[tuple[str, str], str] = {}
    claimed: dict[str, str] = {}
    for cid, concept in taxonomy.concepts.items():
        seen = {cid}
        parent = concept.parent
        while parent is not None:
            if parent in seen:
                raise ValueError(f"skill taxonomy: {cid!r}: parent cycle through {parent!r}")
            seen.add(parent)
            parent = taxonomy.concepts[parent].parent
        for code in concept.isco:
            if not is_unit_group(code):
                raise ValueError(f"skill taxonomy: {cid!r}: isco {code!r} is no ISCO-08 unit group")
        for lang, names in concept.aliases.items():
            for name in names:
                other = named.setdefault((lang, _fold_name(name)), cid)
                if other != cid:
                    raise ValueError(
                        f"skill taxonomy: aliases.{lang} {name!r} names both {other!r} and {cid!r}"
                    )
        for link in concept.esco:
            if link.match not in get_args(EscoMatch):
                raise ValueError(f"skill taxonomy: {cid!r}: esco match {link.match!r} unknown")
            if link.label_id is not None and not link.label_id.strip():
                raise ValueError(f"skill taxonomy: {cid!r}: esco {link.uri}: empty label_id")
            if link.match != "broader":
                other = claimed.setdefault(link.uri, cid)
                if other != cid:
                    raise ValueError(
                        f"skill taxonomy: esco {link.uri} is claimed by {other!r} and {cid!r}"
                    )
    for term, ids in taxonomy.ambiguous.items():
        for cid in ids:
            if cid not in taxonomy.concepts:
                raise ValueError(f"skill taxonomy: ambiguous {term!r} names unknown {cid!r}")
    for old, new in taxonomy.redirects.items():
        if old in taxonomy.concepts:
            raise ValueError(f"skill taxonomy: redirect from {old!r}, which is a current id")
        if new in taxonomy.redirects:
            raise ValueError(f"skill taxonomy: redirect {old!r} -> {new!r} is a chain")
        if new not in taxonomy.concepts:
            raise ValueError(f"skill taxonomy: redirect {old!r} -> unknown {new!r}")


def _concept(raw: Mapping[str, Any]) -> Concept:
    return Concept(
        id=raw["id"],
        label_en=raw["label_en"],
        label_id=raw["label_id"],
        parent=raw.get("parent"),
        family=raw["family"],
        isco=tuple(raw["isco"]),
        esco=tuple(
            EscoLink(link["uri"], link["match"], link.get("label_id"))
            for link in raw.get("esco", ())
        ),
        aliases={lang: tuple(names) for lang, names in raw["aliases"].items()},
    )


def taxonomy_from_data(
    raw: Mapping[str, Any], esco_labels: Mapping[str, Sequence[str]] | None = None
) -> SkillTaxonomy:
    """Build and validate a taxonomy from the parsed content of a ``skills.json`` file.

    Parameters
    ----------
    raw : Mapping[str, Any]
        ``version``, ``concepts``, ``ambiguous`` and optionally ``redirects``.
    esco_labels : Mapping[str, Sequence[str]], optional
        ESCO URI -> labels (:func:`read_esco_labels`).

    Returns
    -------
    SkillTaxonomy
        The validated taxonomy.

    Raises
    ------
    ValueError
        When the data break a rule of :class:`SkillTaxonomy`.
    """
    return SkillTaxonomy(
        [_concept(c) for c in raw["concepts"]],
        raw["ambiguous"],
        raw["version"],
        raw.get("redirects", {}),
        esco_labels,
    )


def read_esco_labels(text: str) -> dict[str, tuple[str, ...]]:
    """Parse the ESCO extract (``esco_linked.tsv``: ``#`` attribution lines, then ``uri``,
    ``preferred_label``, ``alt_labels``, ``hidden_labels``; ``|`` between labels).

    Parameters
    ----------
    text : str
        The file's content.

    Returns
    -------
    dict[str, tuple[str, ...]]
        ESCO URI -> its preferred, alternative and hidden labels.

    Raises
    ------
    ValueError
        When the header is not the extract's or a row has the wrong number of fields
        (naming the line).
    """
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    header = ["uri", "preferred_label", "alt_labels", "hidden_labels"]
    if not lines or lines[0].split("\t") != header:
        raise ValueError(f"ESCO extract: the header must be {' '.join(header)}")
    labels: dict[str, tuple[str, ...]] = {}
    for number, line in enumerate(lines[1:], start=2):
        fields = line.split("\t")
        if len(fields) != len(header) or not fields[0] or not fields[1]:
            raise ValueError(f"ESCO extract: data line {number} needs {len(header)} fields")
        uri, preferred, alternative, hidden = fields
        names = [preferred, *alternative.split("|"), *hidden.split("|")]
        labels[uri] = tuple(dict.fromkeys(n for n in names if n))
    return labels


@lru_cache(maxsize=1)
def load_taxonomy() -> SkillTaxonomy:
    """Load the bundled skill taxonomy (cached).

    Returns
    -------
    SkillTaxonomy
        Concepts from ``matcher/data/skills.json``, validated at load, with the ESCO
        labels of ``matcher/data/esco_linked.tsv``.
    """
    data = resources.files("matcher").joinpath("data")
    text = data.joinpath("skills.json").read_text("utf-8")
    esco = read_esco_labels(data.joinpath("esco_linked.tsv").read_text("utf-8"))
    return taxonomy_from_data(json.loads(text), esco)


@dataclass(frozen=True)
class ConceptHit:
    """A concept read from a text, with the reading's confidence in [0, 1]."""

    concept: Concept
    score: float


@dataclass(frozen=True)
class SkillMatch:
    """The reading of one input string.

    Attributes
    ----------
    input : str
        The input exactly as given.
    concepts : tuple[ConceptHit, ...]
        Every concept the text names, in the order written; empty when unknown.
    """

    input: str
    concepts: tuple[ConceptHit, ...]

    @property
    def concept(self) -> Concept | None:
        """The first concept named, or None when the text is unknown."""
        return self.concepts[0].concept if self.concepts else None

    @property
    def score(self) -> float | None:
        """Confidence of the first concept, or None when unknown."""
        return self.concepts[0].score if self.concepts else None

    def to_record(self) -> dict[str, Any]:
        """The ``normalize skill`` output record of docs/format.md.

        Returns
        -------
        dict[str, Any]
            ``input``, ``concept_id``, ``label_en``, ``label_id``, ``isco`` and ``score``
            for the first concept (nulls and an empty ``isco`` when unknown), plus
            ``concepts``: the ids of all concepts named, for strings naming several.
        """
        concept = self.concept
        return {
            "input": self.input,
            "concept_id": concept.id if concept else None,
            "label_en": concept.label_en if concept else None,
            "label_id": concept.label_id if concept else None,
            "isco": list(concept.isco) if concept else [],
            "score": self.score,
            "concepts": [hit.concept.id for hit in self.concepts],
        }


class SkillNormalizer:
    """Free-text skill names -> taxonomy concepts.

    Parameters
    ----------
    taxonomy : SkillTaxonomy
        The concepts and their aliases.
    threshold : float
        Minimum reading score (default :data:`SKILL_THRESHOLD`).
    workers : int
        Threads for the batched fuzzy comparisons (``-1``: all cores); default 1.
    """

    def __init__(
        self, taxonomy: SkillTaxonomy, threshold: float = SKILL_THRESHOLD, workers: int = 1
    ) -> None:
        self.taxonomy = taxonomy
        # Ordered, not a set: which spelling represents a name must not vary between runs.
        names = {
            c.id: [c.label_en, c.label_id, *(a for names in c.aliases.values() for a in names)]
            for c in taxonomy.concepts.values()
        }
        self._lexicon = Lexicon(
            names,
            taxonomy.ambiguous,
            text_rules(),
            threshold,
            specificity={cid: len(taxonomy.ancestors(cid)) for cid in taxonomy.concepts},
            ancestors={cid: frozenset(taxonomy.ancestors(cid)) for cid in taxonomy.concepts},
            workers=workers,
            # The short names inside the labels and ESCO's labels (European Commission, ESCO
            # v1.1.1) yield to the curated names.
            secondary={
                cid: (*label_names(c.label_en), *label_names(c.label_id), *taxonomy.esco_names(cid))
                for cid, c in taxonomy.concepts.items()
            },
            families={cid: c.family for cid, c in taxonomy.concepts.items()},
        )

    def load(self) -> None:
        """Build now what reading otherwise builds on first use (:meth:`Lexicon.load`)."""
        self._lexicon.load()

    def normalize(self, text: str) -> SkillMatch:
        """Read one string; see :meth:`normalize_many`."""
        return self.normalize_many([text])[0]

    def normalize_many(self, texts: Sequence[str]) -> list[SkillMatch]:
        """Read many strings in one batch.

        Parameters
        ----------
        texts : Sequence[str]
            Skill names as written by workers, agencies or employers, in any of the
            supported languages; a string may name several skills ("las argon dan bubut").

        Returns
        -------
        list[SkillMatch]
            One match per input, in order.
        """
        # Each distinct string is read and matched once; a repeat shares its (frozen) match,
        # so a million strings cost little more than their distinct ones.
        unique = list(dict.fromkeys(texts))
        matches = {
            text: SkillMatch(text, tuple(self._hit(h) for h in hits))
            for text, hits in zip(unique, self._lexicon.read_many(unique), strict=True)
        }
        return [matches[text] for text in texts]

    def _hit(self, hit: Hit) -> ConceptHit:
        return ConceptHit(self.taxonomy[hit.target], hit.score)


_PARENTHESIS = re.compile(r"\(([^()]*)\)")


def label_names(label: str) -> tuple[str, ...]:
    """The names a concept's label holds beside the label itself.

    A label states a skill and adds asides: alternatives after " / " and glosses in
    parentheses ("tempa palu (drop forging)", "pembuatan mebel / furnitur"). The label
    without its parentheses, each of its " / " alternatives, and each gloss of two or more
    words are names; a one-word gloss ("(per)", "(IQC)", "(hammer)") is too short to name
    the skill on its own.

    Parameters
    ----------
    label : str
        ``label_en`` or ``label_id`` of a concept.

    Returns
    -------
    tuple[str, ...]
        The names, each once, without the label itself.

    Examples
    --------
    >>> label_names("barrel (tumbling) finishing")
    ('barrel finishing',)
    >>> label_names("gear cutting (hobbing, gear shaping)")
    ('gear cutting', 'gear shaping')
    """
    bare = " ".join(_PARENTHESIS.sub(" ", label).split())
    glosses = [g for inner in _PARENTHESIS.findall(label) for g in re.split(r"[,;/]", inner)]
    names = [
        *(" ".join(part.split()) for part in (bare, *bare.split(" / "))),
        *(" ".join(g.split()) for g in glosses if len(g.split()) > 1),
    ]
    return tuple(n for n in dict.fromkeys(names) if n and n != label and " / " not in n)


@lru_cache(maxsize=1)
def default_skill_normalizer() -> SkillNormalizer:
    """The normalizer over the bundled taxonomy, built once per process.

    Returns
    -------
    SkillNormalizer
        Shared instance; it is safe to reuse across calls.
    """
    return SkillNormalizer(load_taxonomy())
