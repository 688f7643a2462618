"""Running the bot: the app, its background jobs and every configured adapter together.

The adapters are not imported here: each platform registers a factory under the
``claimwatch.adapters`` entry-point group (``pyproject.toml``), a callable that takes
the ``App`` and returns an adapter, or None when the settings do not ask for it.
``run_bot`` loads them, or uses the factories it is given (tests, embedding).

SIGTERM or SIGINT stops it gracefully: the dispatcher finishes the sends in
flight and gives back the alerts it leased but did not send, then the
adapters close; an adapter that fails stops the bot with ``AdapterFailed``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable, Sequence
from importlib.metadata import entry_points
from typing import Protocol

from bot.app import App, build_app
from bot.config import Settings
from bot.messages import Sender
from bot.pipeline import Pipeline

log = logging.getLogger(__name__)

# SIGTERM (systemd, Docker, Kubernetes) and Ctrl-C stop gracefully: no alert is sent twice
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


ADAPTER_GROUP = "claimwatch.adapters"


class Adapter(Sender, Protocol):
    """A platform adapter: the dispatcher's ``Sender`` that also serves its platform."""

    def run(self) -> Awaitable[None]: ...


AdapterFactory = Callable[[App], Adapter | None]


def registered_adapters() -> list[AdapterFactory]:
    """The adapter factories installed under ``claimwatch.adapters``, by name."""
    found = sorted(entry_points(group=ADAPTER_GROUP), key=lambda ep: ep.name)
    if not found:
        raise RuntimeError(
            f"no adapters are registered (entry points '{ADAPTER_GROUP}'): "
            "reinstall Claimwatch (pip install -e .)"
        )
    return [ep.load() for ep in found]


class AdapterFailed(Exception):
    """A platform adapter stopped with an error; the bot exits so a supervisor restarts it."""

    def __init__(self, platform: str, error: BaseException) -> None:
        super().__init__(f"{platform}: {error.__class__.__name__}: {error}")
        self.platform = platform


async def _supervised(platform: str, run: Awaitable[None]) -> None:
    try:
        await run
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # reported in one line, then the bot exits
        log.debug("%s adapter traceback", platform, exc_info=True)
        raise AdapterFailed(platform, exc) from exc


async def _recover(pipeline: Pipeline) -> None:
    """Process the articles an interrupted ingest of an older version left without claims."""
    try:
        async with pipeline.lock:
            done = await asyncio.to_thread(pipeline.recover_unprocessed)
    except Exception:
        log.exception("processing articles stored without their claims failed")
        return
    if done:
        log.info("processed %d article(s) stored without their claims", done)


async def run_bot(settings: Settings, adapters: Sequence[AdapterFactory] | None = None) -> None:
    factories = registered_adapters() if adapters is None else adapters
    app = build_app(settings)
    runners = []
    for factory in factories:
        adapter = factory(app)
        if adapter is None:
            continue
        app.dispatcher.add_sender(adapter)
        runners.append(_supervised(adapter.platform, adapter.run()))
    await app.start_background()
    recovery = asyncio.ensure_future(_recover(app.pipeline))
    log.info("Claimwatch running with %s", ", ".join(app.dispatcher.senders) or "no adapter")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, stop.set)
    main = asyncio.ensure_future(asyncio.gather(*runners) if runners else asyncio.Event().wait())
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({main, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if stop.is_set():
            log.info("stop requested: finishing the sends in flight, giving back the rest")
            await app.drain()
        else:
            main.result()  # an adapter failed: AdapterFailed
    finally:
        for sig in STOP_SIGNALS:
            loop.remove_signal_handler(sig)
        for task in (main, stopping, recovery):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await app.stop()
