"""Sending notices out of the outbox: to a message gateway by webhook, or the inbox only.

This is a relay, not a Temporal activity: the durable state is the outbox row written in
the ledger's transaction, so the relay needs no history of its own and a crash in it
loses nothing (the claim lapses and the notice is sent again).
"""

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

import httpx
import structlog
from sqlalchemy import Engine

from store import outbox
from store.outbox import OutgoingNotice

log = structlog.get_logger(__name__)


class Channel(Protocol):
    name: str

    async def send(self, notice: OutgoingNotice) -> None:
        """Deliver or raise; the outbox retries on any exception."""


class InboxChannel:
    """No gateway configured: a notice is delivered once it is in the inbox
    (``GET /notifications``), which the ledger's transaction already did."""

    name = "inbox"

    async def send(self, notice: OutgoingNotice) -> None:
        return None


class WebhookChannel:
    """POST each notice as JSON to a message gateway (SMS, 政务微信, e-mail adapters).

    The ``Idempotency-Key`` header is the notice's key: delivery is at least once, so the
    gateway must drop a key it has seen.
    """

    name = "webhook"

    def __init__(self, url: str, timeout: float = 10.0) -> None:
        self.url = url
        self.timeout = timeout

    async def send(self, notice: OutgoingNotice) -> None:
        async with httpx.AsyncClient(timeout=self.timeout) as http:
            response = await http.post(
                self.url,
                json=notice.model_dump(mode="json", exclude={"attempts"}),
                headers={"Idempotency-Key": notice.key},
            )
        if response.status_code >= 300:
            raise RuntimeError(f"网关返回{response.status_code}：{response.text[:200]}")


def channel_for(webhook_url: str | None) -> Channel:
    return WebhookChannel(webhook_url) if webhook_url else InboxChannel()


@dataclass(frozen=True)
class RetryPolicy:
    """Six attempts over about five minutes, then the notice counts as lost (ops)."""

    max_attempts: int = 6
    first_interval: timedelta = timedelta(seconds=10)
    max_interval: timedelta = timedelta(minutes=5)

    def next_attempt(self, attempts_made: int, now: datetime) -> datetime | None:
        if attempts_made >= self.max_attempts:
            return None
        wait = min(self.first_interval * 2 ** (attempts_made - 1), self.max_interval)
        return now + wait


@dataclass(frozen=True)
class SendOutcome:
    notice: OutgoingNotice
    delivered: bool
    error: str | None = None


class NotificationDispatcher:
    def __init__(self, engine: Engine, channel: Channel, retry: RetryPolicy | None = None):
        self.engine = engine
        self.channel = channel
        self.retry = retry or RetryPolicy()

    async def deliver_due(self, now: datetime | None = None) -> list[SendOutcome]:
        """Send every notice whose attempt is due; one round of the relay."""
        now = now or datetime.now(UTC)
        claimed = await asyncio.to_thread(outbox.claim_due, self.engine, now)
        return [await self._send(notice, now) for notice in claimed]

    async def redeliver(self, notification_id: int) -> SendOutcome | None:
        """Send one notice again now, whatever became of it before; None if unknown.

        If this attempt fails too, the notice goes back to the relay's retries.
        """
        now = datetime.now(UTC)
        notice = await asyncio.to_thread(outbox.claim, self.engine, notification_id, now)
        return None if notice is None else await self._send(notice, now)

    async def run(self, stop: asyncio.Event, interval: float = 2.0) -> None:
        """Relay until ``stop`` is set; a failing round is logged and the next one tried."""
        log.info("notification_relay_started", channel=self.channel.name)
        while not stop.is_set():
            try:
                await self.deliver_due()
            except Exception:
                log.exception("notification_relay_round_failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval)

    async def _send(self, notice: OutgoingNotice, now: datetime) -> SendOutcome:
        try:
            await self.channel.send(notice)
        except Exception as error:
            message = str(error) or type(error).__name__
            retry_at = self.retry.next_attempt(notice.attempts + 1, now)
            await asyncio.to_thread(
                outbox.mark_attempt_failed,
                self.engine,
                notice.id,
                self.channel.name,
                message,
                retry_at=retry_at,
            )
            log.warning(
                "notification_not_delivered",
                case_id=notice.case_id,
                notification=notice.key,
                attempt=notice.attempts + 1,
                gave_up=retry_at is None,
                error=message,
            )
            return SendOutcome(notice, delivered=False, error=message)
        await asyncio.to_thread(
            outbox.mark_delivered, self.engine, notice.id, self.channel.name, datetime.now(UTC)
        )
        log.info("notification_delivered", case_id=notice.case_id, notification=notice.key)
        return SendOutcome(notice, delivered=True)
