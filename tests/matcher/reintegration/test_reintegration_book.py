"""The opportunity book kept current write by write equals a book built afresh (hypothesis).

A book is built over a random pool, then random writes are applied one after another:
returnees added, replaced or deleted, opportunities added, replaced (refused ones too) or
deleted, by two owners whose opportunity ids may coincide. After every write each
returnee's answer, for every ``k`` up to the depth, must be exactly the run's ranking of
the records as they now stand (what a fresh build answers). A small depth and reserve
make removals push lists below the depth, so returnees are selected again.
"""

from __future__ import annotations

import gc
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.reintegration.book import OpportunityBook
from matcher.reintegration.run import prepare_reintegration
from models.opportunity import Opportunity
from models.worker import Returnee
from tests.matcher.reintegration.test_reintegration_kernel import (
    AS_OF,
    ROOT,
    SETTINGS,
    opportunities,
    returnees,
)

OWNERS = ("A", "B")


@st.composite
def open_returnees(draw: st.DrawFn, number: int) -> dict[str, Any]:
    """A returnee of :func:`returnees`, most often willing to go anywhere for anything
    (so that lists fill up and removals matter)."""
    drawn: dict[str, Any] = draw(returnees(number))
    if draw(st.integers(0, 3)):
        drawn["reintegration"] = {"relocate": "any"}
    return drawn


@st.composite
def open_opportunities(draw: st.DrawFn, number: int) -> dict[str, Any]:
    """An opportunity of :func:`opportunities`, most often asking one skill at most."""
    drawn: dict[str, Any] = draw(opportunities(number))
    if draw(st.integers(0, 3)):
        drawn["requirements"] = {"skills": drawn["requirements"]["skills"][:1]}
    return drawn


@st.composite
def writes(draw: st.DrawFn) -> tuple[str, Any]:
    """One write: ("returnees", [records]), ("forget", [ids]), ("opportunities",
    [(key, record)]) or ("withdraw", [keys])."""
    what = draw(st.sampled_from(("returnees", "forget", "opportunities", "withdraw")))
    numbers = draw(st.lists(st.integers(0, 11), min_size=1, max_size=6, unique=True))
    if what == "returnees":
        return what, [Returnee.model_validate(draw(open_returnees(n))) for n in numbers]
    if what == "forget":
        return what, [f"R-{n:03d}" for n in numbers]
    owner = draw(st.sampled_from(OWNERS))
    if what == "opportunities":
        records = [Opportunity.model_validate(draw(open_opportunities(n))) for n in numbers]
        return what, [(f"{owner}/{o.id}", o) for o in records]
    return what, [f"{owner}/OPP-{n:03d}" for n in numbers]


def _fresh(
    people: dict[str, Returnee], offers: dict[str, Opportunity], k: int
) -> dict[str, list[dict[str, Any]]]:
    """Each returnee's top ``k`` as a run over the records as they stand ranks them."""
    run = prepare_reintegration(
        [people[i] for i in sorted(people)], [offers[key] for key in sorted(offers)], AS_OF
    )
    answers: dict[str, list[dict[str, Any]]] = {i: [] for i in people}
    for record in run.rank("returnees", k):
        answers[record.worker_id].append(record.model_dump())
    return answers


@settings(SETTINGS, max_examples=200)
@given(
    st.lists(st.integers(0, 11), min_size=1, max_size=8, unique=True),
    st.lists(st.integers(0, 11), max_size=10, unique=True),
    st.lists(writes(), min_size=1, max_size=5),
    st.integers(1, 3),
    st.integers(0, 2),
    st.data(),
)
def test_a_book_kept_current_answers_as_a_fresh_build(
    first_people: list[int],
    first_offers: list[int],
    steps: list[tuple[str, Any]],
    depth: int,
    reserve: int,
    data: st.DataObject,
) -> None:
    people = {
        f"R-{n:03d}": Returnee.model_validate(data.draw(open_returnees(n))) for n in first_people
    }
    offers = {
        f"A/OPP-{n:03d}": Opportunity.model_validate(data.draw(open_opportunities(n)))
        for n in first_offers
    }
    keys = sorted(offers)
    run = prepare_reintegration(
        [people[i] for i in sorted(people)], [offers[key] for key in keys], AS_OF
    )
    book = OpportunityBook.build(run, depth, keys=keys, reserve=reserve)
    for what, items in steps:
        before = book
        if what == "returnees":
            book = book.with_returnees(prepare_reintegration(items, [], AS_OF).returnees)
            people.update((r.id, r) for r in items)
        elif what == "forget":
            book = book.without_returnees(items)
            for returnee_id in items:
                people.pop(returnee_id, None)
        elif what == "opportunities":
            screened = prepare_reintegration([], [o for _, o in items], AS_OF).opportunities
            book = book.with_opportunities(
                [(key, s) for (key, _), s in zip(items, screened, strict=True)]
            )
            offers.update(items)
        else:
            book = book.without_opportunities(items)
            for key in items:
                offers.pop(key, None)
        for k in range(1, depth + 1):
            expected = _fresh(people, offers, k)
            for returnee_id, ranked in expected.items():
                answer = book.opportunities_for(returnee_id, k)
                assert answer is not None, (what, returnee_id, k)
                assert [r.model_dump() for r in answer] == ranked, (what, returnee_id, k)
        assert set(book.rows) == set(people)
        # Whoever the book does not name as changed answers as before the write.
        changed = book.changed(before)
        for returnee_id in set(before.rows) - changed:
            assert returnee_id in book.rows, (what, returnee_id)
            for k in range(1, depth + 1):
                kept, now = (
                    before.opportunities_for(returnee_id, k),
                    book.opportunities_for(returnee_id, k),
                )
                assert kept is not None
                assert now is not None
                assert [r.model_dump() for r in now] == [r.model_dump() for r in kept], (
                    what, returnee_id, k,
                )  # fmt: skip
        assert set(book.rows) - set(before.rows) <= changed


def test_book_refuses_a_depth_below_one_and_shared_ids() -> None:
    lines = (ROOT / "data" / "sample" / "returnees.jsonl").read_text("utf-8").splitlines()
    people = [Returnee.model_validate_json(line) for line in lines[:2]]
    run = prepare_reintegration(people, [], AS_OF)
    with pytest.raises(ValueError, match="depth must be"):
        OpportunityBook.build(run, 0)
    twice = prepare_reintegration([people[0], people[0]], [], AS_OF)
    with pytest.raises(ValueError, match="unique"):
        OpportunityBook.build(twice, 1)
    book = OpportunityBook.build(run, 1)
    with pytest.raises(ValueError, match="unique"):
        book.with_returnees([twice.returnees[0], twice.returnees[1]])


def test_an_opportunity_ranking_past_a_shortened_list_waits_for_a_refill() -> None:
    # A list shortened by a removal is exact only up to its last entry: an opportunity
    # added behind it must not be taken for the next best, which the book does not hold.
    lines = (ROOT / "data" / "sample" / "returnees.jsonl").read_text("utf-8").splitlines()
    people = [Returnee.model_validate_json(line) for line in lines]
    lines = (ROOT / "data" / "sample" / "opportunities.jsonl").read_text("utf-8").splitlines()
    offers = {o.id: o for o in (Opportunity.model_validate_json(line) for line in lines)}
    run = prepare_reintegration(people, list(offers.values()), AS_OF)
    every = list(run.rank("returnees", 0))
    busiest = max(people, key=lambda p: sum(r.worker_id == p.id for r in every))
    ranked = [r for r in every if r.worker_id == busiest.id]
    assert len(ranked) >= 4
    first, second, third, fourth = (r.opportunity_id for r in ranked[:4])
    held = [o for key, o in offers.items() if key != fourth]
    book = OpportunityBook.build(
        prepare_reintegration([busiest], held, AS_OF), 1, keys=[o.id for o in held], reserve=1
    )
    book = book.without_opportunities([first])
    late = prepare_reintegration([], [offers[fourth]], AS_OF).opportunities
    book = book.with_opportunities([(fourth, late[0])])
    book = book.without_opportunities([second])
    answer = book.opportunities_for(busiest.id, 1)
    assert answer is not None
    assert [r.opportunity_id for r in answer] == [third]


def test_a_write_changes_the_answers_of_the_returnees_it_touches_only() -> None:
    lines = (ROOT / "data" / "sample" / "returnees.jsonl").read_text("utf-8").splitlines()
    people = [Returnee.model_validate_json(line) for line in lines]
    lines = (ROOT / "data" / "sample" / "opportunities.jsonl").read_text("utf-8").splitlines()
    offers = [Opportunity.model_validate_json(line) for line in lines]
    run = prepare_reintegration(people, offers, AS_OF)
    book = OpportunityBook.build(run, 3)
    assert book.changed(book) == set()
    rewritten = book.with_returnees(prepare_reintegration(people[:1], [], AS_OF).returnees)
    assert rewritten.changed(book) == {people[0].id}
    forgotten = book.without_returnees([people[1].id])
    assert forgotten.changed(book) == {people[1].id}
    # An opportunity nobody is eligible for enters no list.
    closed = Opportunity.model_validate(
        {
            **offers[0].model_dump(mode="json", exclude_none=True),
            "id": "AAA-CLOSED",
            "requirements": {"overseas_experience": {"min_months": 600}},
        }
    )
    screened = prepare_reintegration([], [closed], AS_OF).opportunities
    assert book.with_opportunities([("AAA-CLOSED", screened[0])]).changed(book) == set()
    # Its twin enters the lists of the returnees eligible for the original (ahead of it:
    # the same offer, first by id), and no other.
    twin = offers[0].model_copy(update={"id": "AAA-TWIN"})
    screened = prepare_reintegration([], [twin], AS_OF).opportunities
    holding = {
        p.id
        for p in people
        if offers[0].id in [r.opportunity_id for r in book.opportunities_for(p.id, 3) or []]
    }
    assert holding
    entered = book.with_opportunities([("AAA-TWIN", screened[0])]).changed(book)
    assert holding <= entered < {p.id for p in people}
    # Another run's book (its own reference): every returnee.
    again = prepare_reintegration(people, offers, AS_OF)
    assert OpportunityBook.build(again, 3).changed(book) == {p.id for p in people}


def cyclic_garbage_of_book_updates() -> int:
    """Objects the collector finds after a book, updated by every kind of write, is
    dropped with the collector disabled: 0 when reference counting alone freed it."""
    lines = (ROOT / "data" / "sample" / "returnees.jsonl").read_text("utf-8").splitlines()
    people = [Returnee.model_validate_json(line) for line in lines]
    lines = (ROOT / "data" / "sample" / "opportunities.jsonl").read_text("utf-8").splitlines()
    offers = [Opportunity.model_validate_json(line) for line in lines]
    prepare_reintegration(people[:1], offers[:1], AS_OF)  # the tables' caches, loaded once
    gc.collect()
    gc.disable()
    try:
        book = OpportunityBook.build(prepare_reintegration(people, offers, AS_OF), 3)
        book = book.with_returnees(prepare_reintegration(people[:2], [], AS_OF).returnees)
        screened = prepare_reintegration([], offers[:2], AS_OF).opportunities
        book = book.with_opportunities([("X/1", screened[0]), ("X/2", screened[1])])
        book = book.without_opportunities(["X/1"]).without_returnees([people[3].id])
        assert book.opportunities_for(people[4].id, 3) is not None
        del book, screened
        return gc.collect()
    finally:
        gc.enable()


def test_a_book_and_its_updates_hold_no_reference_cycles() -> None:
    # The server freezes a built book out of the garbage collector's generations
    # (api.live_pool.opportunities): a replaced book must then be freed by reference
    # counting alone, i.e. leave no cyclic garbage behind. Counted in a new interpreter:
    # in the suite's process, threads left by earlier tests (webhook dispatchers, servers)
    # make garbage of their own while the collector is disabled.
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from tests.matcher.reintegration.test_reintegration_book import "
            "cyclic_garbage_of_book_updates as count; print(count())",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "0"
