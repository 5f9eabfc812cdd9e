"""What the bot counts and times for ``GET /metrics``, in Prometheus' text format.

Counts and durations only: no label ever carries a chat, a user, a case or a text. Each
running bot has its own registry (tests run several bots in one process), and parts that do
not run under a bot (a benchmark's engine) pass :data:`None` and count nothing.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

UPDATE_SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
LAG_SECONDS = (1.0, 2.0, 5.0, 15.0, 60.0, 300.0, 3600.0, 86_400.0)


class Metrics:
    """The bot's counters, gauges and histograms."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.updates = Counter(
            "qorgau_updates", "Updates handled, by kind of update", ["kind"], registry=r
        )
        self.update_seconds = Histogram(
            "qorgau_update_duration_seconds",
            "Time from taking an update to the end of its handling",
            buckets=UPDATE_SECONDS,
            registry=r,
        )
        self.replies = Counter(
            "qorgau_replies",
            "Requests to the Bot API made while answering people, by method",
            ["method"],
            registry=r,
        )
        self.rate_limited = Counter(
            "qorgau_rate_limited",
            "Answers 429 (too many requests) from the Bot API, by client",
            ["client"],
            registry=r,
        )
        self.sends = Counter(
            "qorgau_sends",
            "Attempts of the delivery engine to send a queued message, by outcome",
            ["outcome"],
            registry=r,
        )
        self.outbox = Gauge(
            "qorgau_outbox_messages", "Messages in the outbox, by state", ["state"], registry=r
        )
        self.reminders_due = Gauge(
            "qorgau_reminders_due",
            "Reminders whose time has come and that are not yet queued",
            registry=r,
        )
        self.reminders_pending = Gauge(
            "qorgau_reminders_pending", "Reminders planned and not yet queued", registry=r
        )
        self.reminders_queued = Counter(
            "qorgau_reminders_queued", "Reminders queued for delivery", registry=r
        )
        self.reminder_lag = Histogram(
            "qorgau_reminder_lag_seconds",
            "Time from a reminder's due moment to its queueing",
            buckets=LAG_SECONDS,
            registry=r,
        )
        self.signatures = Counter(
            "qorgau_signatures", "Signatures of declarations taken by this process", registry=r
        )
        self.signatures_stored = Gauge(
            "qorgau_signatures_stored", "Signatures of declarations in the database", registry=r
        )
        self.webhook_requests = Counter(
            "qorgau_webhook_requests",
            "Requests to the webhook, by answer (accepted, unauthorized, bad, too large)",
            ["answer"],
            registry=r,
        )
        self.console_requests = Counter(
            "qorgau_console_requests",
            "Requests to the console's API, by HTTP status",
            ["status"],
            registry=r,
        )

    def exposition(self) -> bytes:
        """Everything, in Prometheus' text format."""
        return generate_latest(self.registry)
