"""Several worker processes writing the Whoosh index at once: no lost update, no corrupted index."""
from __future__ import annotations

import multiprocessing
import time

from forum.search.backend import Document
from forum.search.query import parse
from forum.search.whoosh import WhooshBackend

PROCESSES, PER_PROCESS = 4, 25


def _doc(worker: int, n: int, word: str = "original") -> Document:
    object_id = worker * 1000 + n
    return Document(doc_id=f"q:{object_id}", type="question", object_id=object_id,
                    title=f"Worker {worker} question {n} about concurrency", body=f"{word} text {n}",
                    category="general", url=f"/questions/{object_id}/x")


def _writer(directory: str, worker: int, start) -> None:
    backend = WhooshBackend(directory)
    start.wait()
    for n in range(PER_PROCESS):  # one commit per document, as a worker does per request
        backend.index([_doc(worker, n)])
    for n in range(0, PER_PROCESS, 5):  # then some edits of its own documents
        backend.index([_doc(worker, n, word="edited")])


def _hold_lock(directory: str, held, seconds: float) -> None:
    from whoosh import index
    writer = index.open_dir(directory).writer()
    held.set()
    time.sleep(seconds)
    writer.add_document(doc_id="q:999999", type="question", object_id=999999, title="lock holder", body="",
                        visibility="public", url="/questions/999999/x", digest="")
    writer.commit()


def test_concurrent_writers_lose_nothing(tmp_path):
    directory = str(tmp_path / "index")
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    workers = [context.Process(target=_writer, args=(directory, worker, start)) for worker in range(PROCESSES)]
    for process in workers:
        process.start()
    start.set()
    for process in workers:
        process.join(timeout=120)
    assert [process.exitcode for process in workers] == [0] * PROCESSES

    backend = WhooshBackend(directory)
    assert len(backend.digests()) == PROCESSES * PER_PROCESS
    total = backend.query(parse("concurrency"), include_hidden=False, offset=0, limit=500).total
    assert total == PROCESSES * PER_PROCESS
    edited = backend.query(parse("edited"), include_hidden=False, offset=0, limit=500).total
    assert edited == PROCESSES * (PER_PROCESS // 5)
    assert backend.query(parse("original"), include_hidden=False, offset=0, limit=500).total == \
        PROCESSES * PER_PROCESS - edited


def test_a_writer_waits_for_the_lock_instead_of_failing(tmp_path):
    directory = str(tmp_path / "index")
    backend = WhooshBackend(directory)
    backend.index([_doc(0, 0)])
    context = multiprocessing.get_context("spawn")
    held = context.Event()
    holder = context.Process(target=_hold_lock, args=(directory, held, 1.0))
    holder.start()
    assert held.wait(30)
    started = time.perf_counter()
    backend.index([_doc(0, 1)])  # blocks until the other process commits
    assert time.perf_counter() - started > 0.5
    holder.join(timeout=30)
    assert set(backend.digests()) == {"q:0", "q:1", "q:999999"}
