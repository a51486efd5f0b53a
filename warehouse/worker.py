"""A parse worker: ``python -m warehouse.worker PARENT_PID IN_FD OUT_FD SPEC MEMORY_BYTES``.

Started by ``warehouse.workers.WorkerPool``. Reads ``(key, path)`` requests
from IN_FD, answers ``(key, outcome)`` on OUT_FD (pickled, see
``multiprocessing.connection``), one document at a time, until IN_FD closes.
Its address space is capped (``RLIMIT_AS``) so a decompression bomb fails with
MemoryError here instead of exhausting the machine; the pool also kills it when
it takes too long or its resident memory passes the limit. It dies with its
parent (``die_with_parent``), so a killed refresh leaves no worker behind."""

from __future__ import annotations

import contextlib
import resource
import sys
from multiprocessing.connection import Connection


def _vm_size() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def cap_memory(limit: int) -> None:
    """Allow ``limit`` bytes of address space on top of what the process has now."""
    if limit <= 0:
        return
    cap = _vm_size() + limit
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def _report_pages(outbox: Connection, key: str) -> None:
    """A scanned document's pages, as OCR reads them: ``(key, {"page": [done, total]})``."""
    with contextlib.suppress(ImportError):
        from ingest.frontends import ocr

        ocr.on_page = lambda done, total: outbox.send((key, {"page": [done, total]}))


def main(argv: list[str]) -> int:
    parent, in_fd, out_fd, spec, memory = int(argv[0]), int(argv[1]), int(argv[2]), argv[3], int(argv[4])
    from warehouse.children import die_with_parent

    die_with_parent(parent)
    from warehouse import parsing

    # import the reader before the first job (its import is not the document's time);
    # a failure is reported per document by parse_one
    with contextlib.suppress(Exception):
        parsing.load_parser(spec)
    cap_memory(memory)
    inbox, outbox = Connection(in_fd, writable=False), Connection(out_fd, readable=False)
    while True:
        try:
            key, path = inbox.recv()
        except (EOFError, OSError):
            return 0
        _report_pages(outbox, key)
        outcome = parsing.parse_one(path, spec)
        try:
            outbox.send((key, outcome))
        except MemoryError:
            outbox.send((key, parsing.memory_outcome(path, memory)))
        if outcome.get("code") == "memory_limit":
            return 0  # after a MemoryError the process may be in a bad state: start afresh


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
