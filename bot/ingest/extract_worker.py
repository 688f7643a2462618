"""The extraction worker process: reads pages on stdin, answers extracted articles on stdout.

Run by ``bot.ingest.extraction`` as ``python -m bot.ingest.extract_worker MEMORY_MB``.
Frames are an 8-byte length and a pickle: in ``(html, url, max_elements)``,
out ``(status, value)`` with status ``ok`` (an ``ExtractedPage``), ``failed``
(the reason) or ``memory``. The address space is capped ``MEMORY_MB`` above
what the process uses once trafilatura is imported.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import struct
import sys
from typing import Any, BinaryIO

from bot.ingest.html import ExtractionFailed, extract_html

HEADER = struct.Struct("!Q")


def address_space() -> int | None:
    """This process's virtual memory size in bytes (Linux), else None."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def cap_memory(extra_mb: int) -> None:
    """Limit the address space to its current size plus ``extra_mb`` (where supported)."""
    current = address_space()
    if current is None:
        return
    import resource

    limit = current + extra_mb * 1024 * 1024
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))


def hit_memory_cap(margin: int = 16 * 1024 * 1024) -> bool:
    """True when the peak address space came within ``margin`` of the cap.

    libxml2 does not say "out of memory" (lxml raises ``XMLSyntaxError('unknown
    error')`` or trafilatura gets no tree), so the peak is what tells.
    """
    try:
        import resource

        limit = resource.getrlimit(resource.RLIMIT_AS)[0]
        if limit == resource.RLIM_INFINITY:
            return False
        with open("/proc/self/status") as fh:
            peak = next(int(line.split()[1]) * 1024 for line in fh if line.startswith("VmPeak:"))
    except (OSError, ValueError, StopIteration, ImportError):
        return False
    return peak >= limit - margin


def _read(stream: BinaryIO, n: int) -> bytes:
    data = stream.read(n)
    if len(data) < n:
        raise EOFError
    return data


def answer(html: str, url: str, max_elements: int) -> tuple[str, Any]:
    try:
        return "ok", extract_html(html, url, max_elements)
    except MemoryError:
        return "memory", None
    except ExtractionFailed as exc:
        reason = str(exc)
    except RecursionError:
        reason = "the HTML is nested too deeply to read"
    except Exception as exc:
        reason = f"the HTML could not be read ({exc.__class__.__name__})"
    return ("memory", None) if hit_memory_cap() else ("failed", reason)


def main() -> None:
    logging.basicConfig(level=logging.CRITICAL)
    cap_memory(int(sys.argv[1]) if len(sys.argv) > 1 else 512)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        try:
            (size,) = HEADER.unpack(_read(stdin, HEADER.size))
            html, url, max_elements = pickle.loads(_read(stdin, size))
        except (EOFError, OSError):
            return
        result = answer(html, url, max_elements)
        del html
        try:
            data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            data = pickle.dumps(("memory", None))
        stdout.write(HEADER.pack(len(data)) + data)
        stdout.flush()


if __name__ == "__main__":
    main()
