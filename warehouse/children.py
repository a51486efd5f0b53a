"""Child processes never outlive the refresh that started them.

Linux's ``PR_SET_PDEATHSIG`` asks the kernel to SIGKILL a process when its
parent dies, even when the parent is SIGKILLed and gets no chance to clean up.
Each child (parse worker, GX helper) calls ``die_with_parent()`` first thing."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int | None = None) -> None:
    """Be killed when the parent dies. ``parent_pid``: the expected parent (it
    may already be gone by the time this runs; then exit now)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    ppid = os.getppid()
    if (parent_pid is not None and ppid != parent_pid) or ppid == 1:
        os._exit(0)  # orphaned before the guard was set
