"""The lexicon's collaborators: the bounded word memo keeps memory flat and never changes
a reading."""

from __future__ import annotations

import csv
import gc
import os
import signal
import time
import tracemalloc
from random import Random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.taxonomy.skills import SkillNormalizer, default_skill_normalizer, load_taxonomy
from matcher.text.fold import text_rules
from matcher.text.lexicon import Lexicon
from matcher.text.words import MEMO_SIZE
from tests.paths import TEST_DATA


def test_a_stream_of_distinct_words_keeps_memory_flat() -> None:
    # A server reads whatever is uploaded: every batch here brings words never seen
    # before. Once the memo is full, it must stop growing.
    lexicon = Lexicon({"smaw": ["las listrik", "smaw"]}, [], text_rules(), 0.7)
    batch = 4_000
    batches = 4 * MEMO_SIZE // batch

    def read(start: int) -> None:
        # Words with digits are read without typo correction: cheap, and all distinct.
        words = [f"w{start + i}x" for i in range(batch)]
        lexicon.read_many([" ".join(words[i : i + 8]) for i in range(0, batch, 8)])

    tracemalloc.start()
    try:
        for number in range(batches):
            read(number * batch)
            # The memo is full after a quarter of the stream (its table has grown to size a
            # little later): from the middle on, every word read is one more to evict.
            if number == batches // 2:
                gc.collect()
                full, _ = tracemalloc.get_traced_memory()
        gc.collect()
        end, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(lexicon.reader._memo) == MEMO_SIZE
    # Twice the memo's size in new words more: an unbounded memo grows by about 9 MB here.
    # The margin is for what other threads of the test process allocate meanwhile.
    assert end - full < 1024 * 1024, f"grew {end - full} bytes"


def test_evicting_words_never_changes_a_reading() -> None:
    with (TEST_DATA / "skill_devset.tsv").open(encoding="utf-8") as handle:
        texts = [row["text"] for row in csv.DictReader(handle, delimiter="\t")]
    forgetful = SkillNormalizer(load_taxonomy())
    forgetful._lexicon.reader.memo_size = 16
    expected = [m.to_record() for m in default_skill_normalizer().normalize_many(texts)]
    found = []
    for start in range(0, len(texts), 40):  # small batches: the memo turns over
        found += [m.to_record() for m in forgetful.normalize_many(texts[start : start + 40])]
    assert found == expected
    assert len(forgetful._lexicon.reader._memo) == 16


def test_a_shared_name_is_settled_by_a_word_of_one_sense() -> None:
    # "giling" is grain milling or meat processing; a word that two names of one sense
    # use says which. Given as a plain list, an ambiguous term has no senses to settle.
    names = {
        "grain": ["pabrik tepung", "tepung terigu", "giling padi"],
        "meat": ["olah daging", "potong daging"],
    }
    senses = {"giling": ["grain", "meat"]}
    lexicon = Lexicon(names, senses, text_rules(), 0.7)
    read = [
        [h.target for h in hits]
        for hits in lexicon.read_many(
            ["giling daging", "giling tepung", "giling", "giling daging tepung"]
        )
    ]
    assert read == [["meat"], ["grain"], [], []]
    plain = Lexicon(names, list(senses), text_rules(), 0.7)
    assert plain.read_many(["giling daging"]) == [()]


DEVSET_ASCII = [
    row["text"]
    for row in csv.DictReader(
        (TEST_DATA / "skill_devset.tsv").read_text(encoding="utf-8").splitlines(), delimiter="\t"
    )
    if row["text"].isascii()
]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(DEVSET_ASCII), st.randoms(use_true_random=False))
def test_an_ascii_text_in_any_case_is_read_as_its_lower_case(text: str, rng: Random) -> None:
    # read_many reads an ASCII text once with its lower case: sound only if the text
    # reaches the reading (through _split, its only reader of the raw text) the same.
    lexicon = default_skill_normalizer()._lexicon
    mixed = "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in text)
    assert lexicon._split(mixed) == lexicon._split(text.lower())


def test_texts_differing_in_case_each_keep_their_own_spelling() -> None:
    texts = ["LAS LISTRIK", "las listrik", "Las Listrik", "ＬＡＳ listrik"]
    matches = SkillNormalizer(load_taxonomy()).normalize_many(texts)
    assert [m.input for m in matches] == texts
    assert len({tuple(h.concept.id for h in m.concepts) for m in matches}) == 1
    assert matches[0].concepts


def test_a_loaded_lexicon_builds_nothing_more_when_it_reads() -> None:
    # load() builds what reading builds on first use (the n-gram vectors), and the same.
    names = {"grain": ["pabrik tepung", "tepung terigu"], "meat": ["olah daging"]}
    texts = ["pabrik tepong", "olah dagingg", "terigu"]
    lazy = Lexicon(names, [], text_rules(), 0.7)
    loaded = Lexicon(names, [], text_rules(), 0.7)
    loaded.load()
    assert "_ngrams" in vars(loaded.fuzzy)
    assert "_ngrams" not in vars(lazy.fuzzy)
    index = vars(loaded.fuzzy)["_ngrams"]
    assert loaded.read_many(texts) == lazy.read_many(texts)
    assert vars(loaded.fuzzy)["_ngrams"] is index


def test_a_process_forked_while_a_thread_holds_the_memo_lock_reads_words() -> None:
    # A server forks processes to read a large upload (api.upload_parts) while other
    # threads may be reading words under the memo's lock: the child gets a lock of its own.
    lexicon = Lexicon({"smaw": ["las listrik", "smaw"]}, [], text_rules(), 0.7)
    reader = lexicon.reader
    with reader._lock:
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            code = 1
            try:
                code = 0 if lexicon.read_many(["las listrik"]) else 2
            finally:
                os._exit(code)
    deadline = time.monotonic() + 30
    while (done := os.waitpid(pid, os.WNOHANG))[0] == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    if done[0] == 0:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        pytest.fail("the forked process waited for a lock held in its parent")
    assert os.waitstatus_to_exitcode(done[1]) == 0
