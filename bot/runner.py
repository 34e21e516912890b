"""The `yizhan run` process: every configured channel, the dispatcher and the scheduler.

What it serves is listed in one place, `bot.assembly.PARTS`: channels, components (the web
console), workers and timers. A channel's or component's `open(runtime)` is called before the
HTTP server starts, so it can add routes (`runtime.http.app.router`) for callbacks or webhooks;
the server always runs, for the operator's `/healthz` and `/metrics` (bot.health); entering a
channel must put its `Sender` into `runtime.senders`. Workers (the dispatcher, the scheduler)
start after every channel and stop first, so in-flight deliveries finish before the senders close.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.app import log_opened, open_services
from bot.channels.base import Sender
from bot.delivery.dispatcher import Dispatcher
from bot.delivery.pacing import Pacer
from bot.health import UP, HealthRoutes
from bot.metrics import Metrics
from bot.scheduler import Scheduler
from bot.settings import Settings
from handlers.context import Services
from models.messages import Channel

log = logging.getLogger(__name__)

# A worker gets 30 s to finish in-flight work after a stop (systemd's stop timeout is 90 s).
WORKER_STOP_TIMEOUT_S = 30.0


class HttpServer:
    """One aiohttp server for every inbound webhook (Telegram, WeChat) and the health routes."""

    def __init__(self, host: str, port: int) -> None:
        self.app = web.Application()
        self._host, self._port = host, port
        self._runner: web.AppRunner | None = None
        self.port: int | None = None  # the bound port once started (port 0 picks a free one)

    async def __aenter__(self) -> HttpServer:
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        try:
            site = web.TCPSite(self._runner, self._host, self._port)
            await site.start()
        except BaseException:
            await self._runner.cleanup()
            raise
        self.port = self._runner.addresses[0][1]
        log.info("HTTP server listening on %s:%s", self._host, self.port)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


@dataclass
class Runtime:
    """What the parts of one `yizhan run` process share."""

    settings: Settings
    services: Services
    http: HttpServer
    metrics: Metrics
    senders: dict[Channel, Sender] = field(default_factory=dict)
    # A channel's one budget per platform account, shared by its replies and its pushes.
    pacers: dict[Channel, Pacer] = field(default_factory=dict)
    channel_states: dict[str, str] = field(default_factory=dict)  # name -> starting/up/stopped
    dispatcher: Dispatcher | None = None  # set once workers start; channels may wake it
    scheduler: Scheduler | None = None
    tasks: list[asyncio.Task[None]] = field(default_factory=list)  # a failure stops the process

    def watch(self, coro: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
        """Run a background loop whose failure must end the process (not die silently)."""
        task = asyncio.create_task(coro, name=name)
        self.tasks.append(task)
        return task


Opener = Callable[[Runtime], AbstractAsyncContextManager[object]]


@dataclass(frozen=True, slots=True)
class ChannelSpec:
    """A channel (or component) `yizhan run` can serve, and the settings that switch it on."""

    name: str
    needs: tuple[str, ...]  # Settings fields that must all be set, e.g. ("telegram_token",)
    open: Opener

    def configured(self, settings: Settings) -> bool:
        """True when every setting it needs has a value."""
        return all(getattr(settings, name) for name in self.needs)


TimerInstaller = Callable[[Scheduler], Awaitable[None]]  # registers kinds, ensures timers


@dataclass(frozen=True, slots=True)
class Parts:
    """What one `yizhan run` process can serve; `bot.assembly.PARTS` lists the real ones."""

    channels: tuple[ChannelSpec, ...]  # chat platforms; at least one must be configured
    components: tuple[ChannelSpec, ...] = ()  # on the HTTP server, not channels (web console)
    workers: tuple[tuple[str, Opener], ...] = ()  # started in order after the channels


def default_parts() -> Parts:
    """The assembly's parts; imported when needed, because the channel modules import this one."""
    from bot.assembly import PARTS

    return PARTS


class NotConfigured(Exception):
    """No channel has its settings; `missing` lists (channel, settings) to set."""

    def __init__(self, missing: list[tuple[str, tuple[str, ...]]]) -> None:
        super().__init__("no channel configured")
        self.missing = missing


def env_names(names: tuple[str, ...]) -> tuple[str, ...]:
    """Settings field names as the environment variables that set them."""
    return tuple(f"YIZHAN_{name.upper()}" for name in names)


@asynccontextmanager
async def open_runtime(
    settings: Settings, services: Services | None = None, parts: Parts | None = None
) -> AsyncIterator[Runtime]:
    """Open services, channels, the HTTP server and the workers; close all in reverse."""
    parts = parts or default_parts()
    channels = [spec for spec in parts.channels if spec.configured(settings)]
    if not channels:
        raise NotConfigured([(spec.name, env_names(spec.needs)) for spec in parts.channels])
    components = [spec for spec in parts.components if spec.configured(settings)]
    async with AsyncExitStack() as stack:
        if services is None:  # a serving process: the model loads while it serves
            services = await stack.enter_async_context(open_services(settings, lazy_model=True))
        metrics = Metrics(_encoder_stats(services))
        http = HttpServer(settings.http_host, settings.http_port)
        runtime = Runtime(settings, services, http, metrics)
        runtime.channel_states.update((spec.name, "starting") for spec in channels)
        HealthRoutes(services, runtime.channel_states, metrics).add_routes(http.app)
        if services.matcher is not None and services.matcher.state != "ready":
            await stack.enter_async_context(background(runtime, "model", _model_ready(services)))
        services.on_turn = metrics.turn
        stack.callback(setattr, services, "on_turn", None)
        # Openers run before the server starts (routes are fixed once aiohttp starts); the
        # server starts before the channels are entered (a webhook is set only once we listen).
        opened = [spec.open(runtime) for spec in channels]
        mounted = [spec.open(runtime) for spec in components]
        await stack.enter_async_context(runtime.http)
        for spec, channel in zip(channels, opened, strict=True):
            await stack.enter_async_context(channel)
            stack.callback(runtime.channel_states.__setitem__, spec.name, "stopped")
            runtime.channel_states[spec.name] = UP
            log.info("channel %s started", spec.name)
        for spec, component in zip(components, mounted, strict=True):
            await stack.enter_async_context(component)
            log.info("component %s started", spec.name)
        for name, opener in parts.workers:
            await stack.enter_async_context(opener(runtime))
            log.info("worker %s started", name)
        yield runtime


async def serve(
    settings: Settings,
    stop: asyncio.Event,
    services: Services | None = None,
    started: Callable[[Runtime], None] | None = None,
    parts: Parts | None = None,
) -> None:
    """Serve until `stop` is set (SIGINT/SIGTERM) or a background loop fails."""
    async with open_runtime(settings, services, parts) as runtime:
        if started is not None:
            started(runtime)
        stopper = asyncio.create_task(stop.wait(), name="stop")
        try:
            done, _ = await asyncio.wait(
                [stopper, *runtime.tasks], return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            stopper.cancel()
        for task in done:
            failure = None if task is stopper else task.exception()
            if failure is not None:
                log.error("%s failed; shutting down", task.get_name())
                raise failure
        log.info("stopping")


def _model_ready(services: Services) -> Callable[[asyncio.Event], Coroutine[Any, Any, None]]:
    """Waits for the matcher's sync on open and the model, and logs it: "model ready" is when
    this process serves everything. A failed load or sync fails the task, ending the process."""

    async def wait(stop: asyncio.Event) -> None:
        assert services.matcher is not None
        ready = asyncio.ensure_future(services.matcher.ready())
        stopped = asyncio.ensure_future(stop.wait())
        await asyncio.wait([ready, stopped], return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        if not ready.done():  # stopping before the model was there
            ready.cancel()
            return
        log_opened(ready.result())
        log.info("model ready: this worker now serves everything")
        await stop.wait()

    return wait


def _encoder_stats(services: Services) -> Callable[[], tuple[int, float] | None]:
    """Reads the model's batch figures at scrape time; None when this process has no model."""

    def stats() -> tuple[int, float] | None:
        encoder = services.matcher.encoder if services.matcher is not None else None
        batches, seconds = (
            getattr(encoder, "batches", None),
            getattr(encoder, "batch_seconds", 0.0),
        )
        return None if batches is None else (int(batches), float(seconds))

    return stats


@asynccontextmanager
async def background(
    runtime: Runtime, name: str, loop: Callable[[asyncio.Event], Coroutine[Any, Any, None]]
) -> AsyncIterator[None]:
    """Run `loop(stop_event)` while the process serves; on exit set the event and let it finish."""
    stop = asyncio.Event()
    task = runtime.watch(loop(stop), name)
    try:
        yield
    finally:
        stop.set()
        await _finish(task, name)


async def _finish(task: asyncio.Task[None], name: str) -> None:
    """Let a stopped loop finish its in-flight work; cancel it only past the timeout."""
    if task.done():  # it failed already; `serve` reports that
        return
    try:
        await asyncio.wait_for(asyncio.shield(task), WORKER_STOP_TIMEOUT_S)
    except TimeoutError:
        log.error("%s did not stop within %s s; cancelling", name, WORKER_STOP_TIMEOUT_S)
        task.cancel()
    except Exception:
        log.exception("%s failed while stopping", name)


@asynccontextmanager
async def dispatching(runtime: Runtime) -> AsyncIterator[None]:
    """The outbox dispatcher over every channel's sender; stops after its in-flight sends."""
    runtime.dispatcher = Dispatcher(
        runtime.services, runtime.senders, metrics=runtime.metrics, pacers=runtime.pacers
    )
    async with background(runtime, "dispatcher", runtime.dispatcher.serve):
        yield


def scheduling(timers: tuple[TimerInstaller, ...]) -> Opener:
    """The worker that runs persisted timers (posting expiry, follow-ups) of these installers."""

    @asynccontextmanager
    async def scheduler(runtime: Runtime) -> AsyncIterator[None]:
        # One worker id per process: the dispatcher's heartbeat holds the scheduler's claims too.
        worker = runtime.dispatcher.token if runtime.dispatcher is not None else None
        runtime.scheduler = Scheduler(runtime.services, worker)
        for install in timers:
            await install(runtime.scheduler)
        async with background(runtime, "scheduler", runtime.scheduler.serve):
            yield

    return scheduler
