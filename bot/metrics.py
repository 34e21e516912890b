"""Prometheus metrics of one `yizhan run`, on a registry the process's runtime owns.

Nothing registers at import time and nothing touches prometheus-client's global registry, so two
runtimes in one process (tests) never share or collide on a metric. Queue depth is read from the
database when `/metrics` is scraped; the encoder's batch figures are read from the encoder.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import Metric, SummaryMetricFamily
from prometheus_client.registry import Collector

from models.repos.queue import QueueStat

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# Send latency buckets (s): Telegram answers in ~0.1 s, WeChat and WeCom in up to a few seconds.
SEND_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

EncoderStats = Callable[[], tuple[int, float] | None]  # (batches, seconds) or None: no model


class Metrics:
    """The counters the channels, the router hook and the dispatcher update."""

    def __init__(self, encoder_stats: EncoderStats | None = None) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.messages_in = Counter(
            "yizhan_messages_in", "Inbound messages handled, per channel.", ["channel"], registry=r
        )
        self.messages_out = Counter(
            "yizhan_messages_out",
            "Messages sent: replies in a turn and pushes, per channel.",
            ["channel"],
            registry=r,
        )
        self.deliveries = Counter(
            "yizhan_deliveries",
            "Pushes that reached a final state (sent, failed, suppressed), per channel.",
            ["channel", "state"],
            registry=r,
        )
        self.send_seconds = Histogram(
            "yizhan_send_seconds",
            "Time of one push's send call to the platform, per channel.",
            ["channel"],
            buckets=SEND_BUCKETS,
            registry=r,
        )
        self.rate_limited = Counter(
            "yizhan_rate_limited",
            "Sends the platform refused for rate (Telegram 429, WeChat 45009, WeCom 130101).",
            ["channel"],
            registry=r,
        )
        self.queue_depth = Gauge(
            "yizhan_queue_depth", "Queued pushes, digests and notices, per channel.", ["channel"],
            registry=r,
        )  # fmt: skip
        if encoder_stats is not None:
            r.register(_EncoderCollector(encoder_stats))

    def turn(self, channel: str, replies: int) -> None:
        """One inbound message handled, answered with `replies` messages."""
        self.messages_in.labels(channel).inc()
        if replies:
            self.messages_out.labels(channel).inc(replies)

    def set_queue(self, stats: list[QueueStat]) -> None:
        """The queue figures read at scrape time (a channel whose queue emptied shows 0)."""
        seen = {stat.channel for stat in stats}
        for (channel,) in [key for key in self._queue_channels() if key[0] not in seen]:
            self.queue_depth.labels(channel).set(0)
        for stat in stats:
            self.queue_depth.labels(stat.channel).set(stat.depth)

    def render(self) -> bytes:
        """The text exposition format."""
        return generate_latest(self.registry)

    def _queue_channels(self) -> list[tuple[str, ...]]:
        return [
            tuple(sample.labels.values())
            for metric in self.queue_depth.collect()
            for sample in metric.samples
        ]


class _EncoderCollector(Collector):
    """Batch count and total time of the model, read from the encoder at scrape time."""

    def __init__(self, stats: EncoderStats) -> None:
        self._stats = stats

    def collect(self) -> Iterator[Metric]:
        figures = self._stats()
        if figures is None:
            return
        batches, seconds = figures
        yield SummaryMetricFamily(
            "yizhan_encoder_batch_seconds",
            "Wall time of the embedding model's batches.",
            count_value=batches,
            sum_value=seconds,
        )
