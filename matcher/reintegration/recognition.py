"""Recognition of overseas experience: work abroad and foreign certificates -> skill levels.

For every worker of a pool, once per run, the rules of ``recognition.json``
(:mod:`matcher.reintegration.recognition_rules`) are applied to the skills the worker's
records name (read by the caller's skill normalizer, all texts of the pool in one batch):

- **Months abroad in a skill** are summed over *verified* experience entries abroad (a
  ``programme``, or both ``start`` and ``end``) whose ``skills_used`` name the skill — or,
  when ``skills_used`` is empty, whose ``title`` does. Dated entries are counted by their
  dates, clipped to the evaluation date, overlapping periods once (a month is 365.2425/12
  days, rounded to the nearest whole month); an entry without both dates counts its
  ``months``. A rule with ``countries`` counts only entries in those countries (the
  ``country``, else the programme's destination).
- **Completed contracts** are those entries with ``completed_contract: true``.
- **Certificates** count for the skill their ``skill`` names (else their name), when issued
  on or before the evaluation date (an expired certificate still shows the skill was
  reached). A trade-test grade is the certificate's ``grade``, else one written in its name
  ("溶接 2級"). A rule's ``country`` (the German recognition notices) is met when the
  worker has worked in that country or the certificate's name or skill says so.

A skill's recognised level is the highest level any rule gives it; every rule reaching that
level is evidence. Recognition never creates a certificate (a ``certified: true``
requirement still needs one: :func:`rpl_gap_message` says how to get it) and is reported
beside the levels the worker states, never instead of them: the engine uses the higher.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from matcher.reintegration.recognition_rules import (
    RecognitionRule,
    RecognitionRules,
    load_recognition,
)
from matcher.text.messages import Message
from models.worker import Certificate, Experience, Worker

__all__ = [
    "ConceptReader",
    "Evidence",
    "RecognisedLevel",
    "recognise",
    "recognise_pool",
    "rpl_gap_message",
]

ConceptReader = Callable[[Sequence[str]], Sequence[Sequence[str]]]
"""Skill texts -> the concept ids each names (the skill normalizer, batched)."""

DAYS_PER_MONTH = 365.2425 / 12
# Words that tie a certificate to its issuing country where the format has no field for it
# (German recognition notices are scheme OTHER): the country's name in English, German and
# Indonesian, and the German terms of the recognition procedure itself.
_COUNTRY_WORDS: Mapping[str, tuple[str, ...]] = {
    "DE": ("german", "deutsch", "jerman", "gleichwertig", "anerkennung"),
}
_GRADES: Mapping[object, int] = {"basic": 0, 1: 1, 2: 2, 3: 3}
_NO_GRADE = -1


@dataclass(frozen=True)
class Evidence:
    """What one rule used: indexes into the worker's ``certificates`` and ``experience``,
    the certificates' names, and the verified months and completed contracts counted."""

    rule: str
    certificates: tuple[int, ...]
    certificate_names: tuple[str, ...]
    experience: tuple[int, ...]
    months: int
    completed_contracts: int

    def text(self) -> str:
        """``"REC-EXP-34M-CC: experience[0], experience[2] (40 months, 1 completed)"``."""
        parts = [f"certificates[{i}]" for i in self.certificates]
        parts += [f"experience[{i}]" for i in self.experience]
        counts = []
        if self.experience:
            counts.append(_count(self.months, "month") + " abroad")
            if self.completed_contracts:
                counts.append(_count(self.completed_contracts, "completed contract"))
        tail = f" ({', '.join(counts)})" if counts else ""
        return f"{self.rule}: {', '.join(parts)}{tail}"


@dataclass(frozen=True)
class RecognisedLevel:
    """A skill level recognised from work abroad or a foreign certificate.

    ``skill`` is the concept id; ``evidence`` one entry per rule that reaches ``level``;
    ``sources`` the URLs of those rules' sources; ``kkni_indicative`` the KKNI level to
    pick a BNSP scheme by; ``verified`` false when a rule used is marked unverified.
    """

    skill: str
    level: int
    evidence: tuple[Evidence, ...]
    sources: tuple[str, ...]
    kkni_indicative: int
    verified: bool

    def record(self) -> dict[str, object]:
        """The FORMAT.md form: ``{"skill", "level", "basis", "evidence", "source"}``."""
        return {
            "skill": self.skill,
            "level": self.level,
            "basis": "recognised",
            "evidence": [e.text() for e in self.evidence],
            "source": "; ".join(self.sources),
        }


@dataclass(frozen=True)
class _Rows:
    """Flattened (worker, record index, concept) rows with their group (worker, concept)."""

    group: NDArray[np.int64]
    item: NDArray[np.int64]

    def by_group(self, size: int) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
        """Row order sorted by group, and where each group's rows start in it."""
        order = np.argsort(self.group, kind="stable")
        bounds = np.searchsorted(self.group[order], np.arange(size + 1))
        return order, bounds


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _verified(entry: Experience) -> bool:
    return entry.programme is not None or (entry.start is not None and entry.end is not None)


def _mentions(certificate: Certificate, country: str) -> bool:
    text = f"{certificate.name} {certificate.skill or ''}".casefold()
    return any(word in text for word in _COUNTRY_WORDS.get(country, ()))


def _names_match(certificate: Certificate, phrases: tuple[str, ...]) -> bool:
    name = certificate.name.casefold()
    return any(phrase.casefold() in name for phrase in phrases)


class _Pool:
    """The pool's experience and certificate rows, read into arrays once."""

    def __init__(
        self,
        workers: Sequence[Worker],
        read: ConceptReader,
        as_of: dt.date,
        rules: RecognitionRules,
    ) -> None:
        self.workers = workers
        self.rules = rules
        texts: dict[str, int] = {}
        schemes = {r.scheme for r in rules.rules if r.scheme is not None}
        exp: list[tuple[int, int, int]] = []  # worker, entry, text
        cert: list[tuple[int, int, int]] = []  # worker, certificate, text
        today = as_of.toordinal()
        for w, worker in enumerate(workers):
            for e, entry in enumerate(worker.experience):
                if not (entry.abroad and _verified(entry)):
                    continue
                if entry.start is not None and entry.start.toordinal() > today:
                    continue
                for text in entry.skills_used or [entry.title]:
                    exp.append((w, e, texts.setdefault(text, len(texts))))
            for c, certificate in enumerate(worker.certificates):
                issued = certificate.issued
                if certificate.scheme not in schemes or (issued is not None and issued > as_of):
                    continue
                text = certificate.skill or certificate.name
                cert.append((w, c, texts.setdefault(text, len(texts))))
        concepts = read(list(texts))
        ids = sorted({cid for found in concepts for cid in found})
        self.concept_ids = ids
        index = {cid: i for i, cid in enumerate(ids)}
        per_text = [sorted({index[c] for c in found}) for found in concepts]
        exp_keys, exp_items = self._expand(exp, per_text)
        cert_keys, cert_items = self._expand(cert, per_text)
        # One group per (worker, concept) named by either kind of record.
        keys = np.concatenate([exp_keys, cert_keys])
        self.group_keys, inverse = np.unique(keys, return_inverse=True)
        self.exp = _Rows(inverse[: exp_keys.size].astype(np.int64), exp_items)
        self.cert = _Rows(inverse[exp_keys.size :].astype(np.int64), cert_items)
        self._read_experience(today)
        self._read_certificates()
        self.exp_order, self.exp_bounds = self.exp.by_group(self.group_keys.size)
        self.cert_order, self.cert_bounds = self.cert.by_group(self.group_keys.size)
        self._months: dict[frozenset[str] | None, tuple[NDArray[np.int64], ...]] = {}

    def _expand(
        self, rows: list[tuple[int, int, int]], per_text: list[list[int]]
    ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """(worker, item, text) rows -> distinct (group key, item) rows, one per concept."""
        if not rows:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        flat = np.asarray(rows, dtype=np.int64)
        counts = np.fromiter((len(per_text[t]) for t in flat[:, 2]), np.int64, len(flat))
        concepts = np.fromiter(
            (c for t in flat[:, 2] for c in per_text[t]), np.int64, int(counts.sum())
        )
        workers = np.repeat(flat[:, 0], counts)
        items = np.repeat(flat[:, 1], counts)
        n = max(len(self.concept_ids), 1)
        # The same (worker, item, concept) may come from two texts of one entry: keep one.
        pairs = np.unique(np.stack([workers * n + concepts, items], axis=1), axis=0)
        return pairs[:, 0], pairs[:, 1]

    def _read_experience(self, today: int) -> None:
        rows = self.exp
        worker = self.group_keys[rows.group] // max(len(self.concept_ids), 1)
        entries = [self.workers[w].experience[e] for w, e in zip(worker, rows.item, strict=True)]
        n = len(entries)
        self.exp_start = np.fromiter(
            (x.start.toordinal() if x.start and x.end else 0 for x in entries), np.int64, n
        )
        self.exp_end = np.fromiter(
            (min(x.end.toordinal(), today) if x.start and x.end else 0 for x in entries),
            np.int64,
            n,
        )
        self.exp_dated = np.fromiter((bool(x.start and x.end) for x in entries), np.bool_, n)
        self.exp_months = np.fromiter((x.months or 0 for x in entries), np.int64, n)
        self.exp_completed = np.fromiter(
            (x.completed_contract is True for x in entries), np.bool_, n
        )
        self.exp_country = np.array([x.country_worked or "" for x in entries], dtype=object)

    def _read_certificates(self) -> None:
        rows = self.cert
        worker = self.group_keys[rows.group] // max(len(self.concept_ids), 1)
        self.cert_worker = worker
        certs = [self.workers[w].certificates[c] for w, c in zip(worker, rows.item, strict=True)]
        n = len(certs)
        self.cert_scheme = np.array([c.scheme for c in certs], dtype=object)
        self.cert_grade = np.fromiter(
            (_GRADES.get(c.trade_test_grade, _NO_GRADE) for c in certs), np.int64, n
        )
        self.certs = certs

    def months(
        self, countries: frozenset[str] | None
    ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Verified months abroad and completed contracts per group, in ``countries``."""
        if countries not in self._months:
            self._months[countries] = self._count(countries)
        months, contracts = self._months[countries]
        return months, contracts

    def in_countries(self, countries: frozenset[str] | None) -> NDArray[np.bool_]:
        """Which experience rows lie in ``countries`` (all when None)."""
        if countries is None:
            return np.ones(self.exp.group.size, np.bool_)
        return np.isin(self.exp_country, list(countries))

    def _count(
        self, countries: frozenset[str] | None
    ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        size = self.group_keys.size
        keep = self.in_countries(countries)
        group = self.exp.group
        dated = keep & self.exp_dated
        days = _union_days(group[dated], self.exp_start[dated], self.exp_end[dated], size)
        months = np.rint(days / DAYS_PER_MONTH).astype(np.int64)
        undated = keep & ~self.exp_dated
        months += np.bincount(group[undated], self.exp_months[undated], size).astype(np.int64)
        contracts = np.bincount(group[keep], self.exp_completed[keep], size).astype(np.int64)
        return months, contracts

    def certificate_rows(self, rule: RecognitionRule) -> NDArray[np.bool_]:
        """Which certificate rows meet ``rule``'s certificate inputs."""
        ok: NDArray[np.bool_] = np.asarray(self.cert_scheme == rule.scheme, dtype=np.bool_)
        if rule.grade is not None:
            ok &= self.cert_grade == _GRADES[rule.grade]
        if rule.name_matches_any or rule.country is not None:
            for i in np.nonzero(ok)[0]:
                ok[i] = self._certificate_fits(int(i), rule)
        return ok

    def _certificate_fits(self, row: int, rule: RecognitionRule) -> bool:
        certificate = self.certs[row]
        if rule.name_matches_any and not _names_match(certificate, rule.name_matches_any):
            return False
        if rule.country is None:
            return True
        worker = self.workers[int(self.cert_worker[row])]
        worked = any(e.abroad and e.country_worked == rule.country for e in worker.experience)
        return worked or _mentions(certificate, rule.country)


def _union_days(
    group: NDArray[np.int64], start: NDArray[np.int64], end: NDArray[np.int64], size: int
) -> NDArray[np.float64]:
    """Days covered per group by the union of the inclusive intervals [start, end]."""
    if group.size == 0:
        return np.zeros(size)
    order = np.lexsort((start, group))
    group, start, end = group[order], start[order], end[order]
    base = int(start.min())
    span = int(end.max()) - base + 2
    # Offsetting each group by a span keeps the running maximum from leaking across groups.
    reach = np.maximum.accumulate(group * span + (end - base))
    first = np.ones(group.size, np.bool_)
    first[1:] = group[1:] != group[:-1]
    previous_end = np.empty_like(end)
    previous_end[1:] = reach[:-1] - group[1:] * span + base
    begin = np.where(first, start, np.maximum(start, previous_end + 1))
    covered = np.maximum(end - begin + 1, 0)
    return np.bincount(group, covered, size).astype(np.float64)


def recognise_pool(
    workers: Sequence[Worker],
    read_concepts: ConceptReader,
    as_of: dt.date,
    *,
    rules: RecognitionRules | None = None,
) -> list[tuple[RecognisedLevel, ...]]:
    """Recognised skill levels of every worker of a pool, once per run.

    Parameters
    ----------
    workers : Sequence[models.worker.Worker]
        Returnees (any worker record; only work abroad and foreign certificates count).
    read_concepts : ConceptReader
        Skill texts -> concept ids each names, called once with every text of the pool
        (e.g. ``lambda t: [[h.concept.id for h in m.concepts] for m in
        normalizer.normalize_many(t)]``).
    as_of : datetime.date
        Evaluation date: work after it and certificates issued after it do not count.
    rules : RecognitionRules, optional
        From :func:`load_recognition`; the shipped rules when omitted.

    Returns
    -------
    list[tuple[RecognisedLevel, ...]]
        One tuple per worker, in order, sorted by skill.
    """
    rules = rules or load_recognition()
    pool = _Pool(workers, read_concepts, as_of, rules)
    size = pool.group_keys.size
    best = np.zeros(size, np.int64)
    met: list[tuple[RecognitionRule, NDArray[np.bool_], NDArray[np.bool_] | None]] = []
    for rule in rules.rules:
        months, contracts = pool.months(rule.countries)
        enough = (months >= rule.min_months) & (contracts >= rule.min_contracts)
        cert_rows: NDArray[np.bool_] | None = None
        if rule.needs_certificate:
            cert_rows = pool.certificate_rows(rule)
            if rule.needs_experience:
                cert_rows &= enough[pool.cert.group]
            groups = np.zeros(size, np.bool_)
            groups[pool.cert.group[cert_rows]] = True
        else:
            groups = enough
        met.append((rule, groups, cert_rows))
        best = np.where(groups, np.maximum(best, rule.level), best)
    levels = np.array([r.level for r in rules.rules], np.int64)
    reached = np.stack([groups for _, groups, _ in met]) if met else np.zeros((0, size), bool)
    # Every (group, rule) where the rule reaches the group's best level, by group then rule.
    groups_hit, rules_hit = np.nonzero((reached & (levels[:, None] == best[None, :])).T)
    evidence = _EvidenceReader(pool, met)
    found: list[list[RecognisedLevel]] = [[] for _ in workers]
    n = max(len(pool.concept_ids), 1)
    keys, ids, best_levels = pool.group_keys.tolist(), pool.concept_ids, best.tolist()
    starts = np.flatnonzero(np.diff(groups_hit, prepend=-1)).tolist()
    bounds = [*starts, len(groups_hit)]
    groups_list, rules_list = groups_hit.tolist(), rules_hit.tolist()
    for first, last in itertools.pairwise(bounds):
        g = groups_list[first]
        found[keys[g] // n].append(
            evidence.level(g, ids[keys[g] % n], best_levels[g], rules_list[first:last])
        )
    return [tuple(sorted(levels, key=lambda r: r.skill)) for levels in found]


class _EvidenceReader:
    """The evidence of recognised levels, read from the pool's rows with Python lists (one
    level per (worker, skill) recognised: numpy's per-element access would dominate)."""

    def __init__(
        self,
        pool: _Pool,
        met: list[tuple[RecognitionRule, NDArray[np.bool_], NDArray[np.bool_] | None]],
    ) -> None:
        self.pool = pool
        self.rules = [rule for rule, _, _ in met]
        self.cert_rows = [rows.tolist() if rows is not None else None for _, _, rows in met]
        self.urls = [pool.rules.urls(rule.sources) for rule in self.rules]
        self.exp_rows = pool.exp_order.tolist()
        self.exp_bounds = pool.exp_bounds.tolist()
        self.exp_item = pool.exp.item.tolist()
        self.exp_country = pool.exp_country.tolist()
        self.cert_order = pool.cert_order.tolist()
        self.cert_bounds = pool.cert_bounds.tolist()
        self.cert_item = pool.cert.item.tolist()
        self._counts: dict[frozenset[str] | None, tuple[list[int], list[int]]] = {}

    def counts(self, countries: frozenset[str] | None) -> tuple[list[int], list[int]]:
        """Verified months abroad and completed contracts per group, as lists."""
        if countries not in self._counts:
            months, contracts = self.pool.months(countries)
            self._counts[countries] = (months.tolist(), contracts.tolist())
        return self._counts[countries]

    def level(self, group: int, skill: str, level: int, used: list[int]) -> RecognisedLevel:
        """The recognised level of one group, from the rules (indexes) reaching it."""
        evidence = []
        sources: list[str] = []
        for r in used:
            rule, cert_rows = self.rules[r], self.cert_rows[r]
            certificates: tuple[int, ...] = ()
            names: tuple[str, ...] = ()
            if cert_rows is not None:
                mine = self.cert_order[self.cert_bounds[group] : self.cert_bounds[group + 1]]
                picked = [i for i in mine if cert_rows[i]]
                certificates = tuple(sorted({self.cert_item[i] for i in picked}))
                names = tuple(self.pool.certs[i].name for i in picked)
            entries: tuple[int, ...] = ()
            months = contracts = 0
            if rule.needs_experience:
                rows = self.exp_rows[self.exp_bounds[group] : self.exp_bounds[group + 1]]
                countries = rule.countries
                entries = tuple(
                    sorted(
                        {
                            self.exp_item[i]
                            for i in rows
                            if countries is None or self.exp_country[i] in countries
                        }
                    )
                )
                all_months, all_contracts = self.counts(countries)
                months, contracts = all_months[group], all_contracts[group]
            evidence.append(Evidence(rule.id, certificates, names, entries, months, contracts))
            sources += [u for u in self.urls[r] if u not in sources]
        picked_rules = [self.rules[r] for r in used]
        return RecognisedLevel(
            skill=skill,
            level=level,
            evidence=tuple(evidence),
            sources=tuple(sources),
            kkni_indicative=max(rule.kkni_indicative for rule in picked_rules),
            verified=all(rule.status == "verified" for rule in picked_rules),
        )


def recognise(
    worker: Worker,
    read_concepts: ConceptReader,
    as_of: dt.date,
    *,
    rules: RecognitionRules | None = None,
) -> tuple[RecognisedLevel, ...]:
    """Recognised skill levels of one worker (see :func:`recognise_pool`).

    Parameters
    ----------
    worker : models.worker.Worker
        A returnee.
    read_concepts : ConceptReader
        Skill texts -> concept ids.
    as_of : datetime.date
        Evaluation date.
    rules : RecognitionRules, optional
        The shipped rules when omitted.

    Returns
    -------
    tuple[RecognisedLevel, ...]
        Sorted by skill.
    """
    return recognise_pool([worker], read_concepts, as_of, rules=rules)[0]


def rpl_gap_message(
    need: str, day: dt.date, recognised: RecognisedLevel, min_level: int | None
) -> Message | None:
    """The gap detail for a ``certified: true`` skill met only by recognition.

    Recognition never creates a certificate. When the recognised level reaches the
    requirement's ``min_level`` (any level when it has none) but no valid certificate is
    held, the way to close the gap is an RPL assessment at an LSP, not training; below
    ``min_level`` the ordinary skill gap applies and this returns None.

    Parameters
    ----------
    need : str
        The requirement's skill as written.
    day : datetime.date
        The date the certificate must be valid on.
    recognised : RecognisedLevel
        The recognised level of that skill.
    min_level : int or None
        The requirement's ``min_level``.

    Returns
    -------
    matcher.text.messages.Message or None
        ``certificate_rpl``, rendered in English or Indonesian by
        :func:`matcher.text.messages.render`.
    """
    if recognised.level < (min_level or 1):
        return None
    en: list[str] = []
    id_: list[str] = []
    for item in recognised.evidence:
        en += item.certificate_names
        id_ += item.certificate_names
        if item.experience:
            en.append(_count(item.months, "month") + " abroad")
            id_.append(f"{item.months} bulan di luar negeri")
            if item.completed_contracts:
                en[-1] += ", " + _count(item.completed_contracts, "completed contract")
                id_[-1] += f", {item.completed_contracts} kontrak selesai"
    params = {
        "need": need,
        "day": day.isoformat(),
        "level": str(recognised.level),
        "kkni": str(recognised.kkni_indicative),
        "evidence": ("; ".join(dict.fromkeys(en)), "; ".join(dict.fromkeys(id_))),
    }
    return Message("certificate_rpl", params)
