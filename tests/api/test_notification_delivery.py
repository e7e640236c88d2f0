"""The notification outbox: notices go to a message gateway by webhook, are retried while
it is down, count as lost when every attempt failed, and ops find and re-deliver them."""

import asyncio
import json
import threading
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select
from temporalio.client import Client

from domain.actors import Actor, Role
from domain.ledger import LedgerEntry, LedgerEvent, LedgerWrite, Notice, Recipient
from notifications.relay import (
    InboxChannel,
    NotificationDispatcher,
    RetryPolicy,
    WebhookChannel,
)
from ops.cli import main as ops_cli
from ops.stuck import StuckKind, find_stuck
from settings import Settings
from store import ledger, outbox
from store.tables import DeliveryStatus, NotificationDeliveryRow, NotificationRow
from tests.support.identities import api_client, ops
from tests.support.polling import eventually

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
CASE_ID = "BZ-2026-00077"


class Gateway:
    """A message gateway on a local port that can be taken down."""

    def __init__(self) -> None:
        self.down = False
        self.received: list[tuple[str, dict]] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if gateway.down:
                    self.send_response(503)
                    self.end_headers()
                    self.wfile.write("短信网关维护中".encode())
                    return
                gateway.received.append((self.headers["Idempotency-Key"], body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/notices"

    def keys(self) -> list[str]:
        return [key for key, _ in self.received]


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    gateway = Gateway()
    thread = threading.Thread(target=gateway.server.serve_forever, daemon=True)
    thread.start()
    yield gateway
    gateway.server.shutdown()


def _raise_notices(engine: Engine, key: str = "overdue", *addresses: str) -> list[int]:
    """What the record_event activity does when a matter falls overdue."""
    ledger.append(
        engine,
        LedgerWrite(
            entry=LedgerEntry(
                key=f"{CASE_ID}/{key}",
                case_id=CASE_ID,
                workflow_id=f"{CASE_ID}/land-preexamination",
                event=LedgerEvent.DEADLINE_OVERDUE,
                actor=Actor(id="system", role=Role.SYSTEM),
                occurred_at=NOW,
                summary="用地预审已超期",
            ),
            notices=[
                Notice(recipient=Recipient.DEPARTMENT, address=address, message="用地预审已超期")
                for address in addresses or ("BZ-zrzy", "li.si")
            ],
        ),
    )
    with Session(engine) as session:
        return list(
            session.exec(select(NotificationRow.id).where(NotificationRow.case_id == CASE_ID)).all()
        )


def _status(engine: Engine, notification_id: int) -> NotificationDeliveryRow:
    with Session(engine) as session:
        row = session.get(NotificationDeliveryRow, notification_id)
        assert row is not None
        return row


async def test_notices_reach_the_gateway_once_each_with_their_key(
    engine: Engine, gateway: Gateway
) -> None:
    ids = _raise_notices(engine)
    assert [_status(engine, i).status for i in ids] == ["pending", "pending"]
    relay = NotificationDispatcher(engine, WebhookChannel(gateway.url))

    sent = await relay.deliver_due()
    assert [s.delivered for s in sent] == [True, True]
    assert gateway.keys() == [f"{CASE_ID}/overdue#0", f"{CASE_ID}/overdue#1"]
    assert gateway.received[0][1]["address"] == "BZ-zrzy"
    assert gateway.received[0][1]["message"] == "用地预审已超期"
    assert [_status(engine, i).status for i in ids] == ["delivered", "delivered"]
    assert await relay.deliver_due() == []  # nothing sent twice
    assert len(gateway.received) == 2


async def test_two_relays_at_once_send_each_notice_once(engine: Engine, gateway: Gateway) -> None:
    _raise_notices(engine, "overdue", *(f"agent-{n}" for n in range(20)))
    relays = [NotificationDispatcher(engine, WebhookChannel(gateway.url)) for _ in range(2)]
    await asyncio.gather(*(relay.deliver_due() for relay in relays))
    assert sorted(gateway.keys()) == sorted(f"{CASE_ID}/overdue#{n}" for n in range(20))


async def test_a_relay_that_died_mid_send_leaves_the_notice_to_the_next(engine: Engine) -> None:
    [notification_id, _] = _raise_notices(engine)
    now = datetime.now(UTC)
    claimed = outbox.claim_due(engine, now)  # claimed, then the process was killed
    assert notification_id in {n.id for n in claimed}
    assert outbox.claim_due(engine, now + timedelta(seconds=30)) == []
    later = outbox.claim_due(engine, now + outbox.CLAIM_LEASE + timedelta(seconds=1))
    assert notification_id in {n.id for n in later}


async def test_without_a_gateway_the_inbox_is_the_delivery(engine: Engine) -> None:
    ids = _raise_notices(engine)
    await NotificationDispatcher(engine, InboxChannel()).deliver_due()
    assert {_status(engine, i).channel for i in ids} == {"inbox"}
    assert {_status(engine, i).status for i in ids} == {"delivered"}


async def test_a_gateway_down_is_retried_with_backoff_and_then_the_notice_is_lost(
    engine: Engine, gateway: Gateway
) -> None:
    [first, _] = _raise_notices(engine)
    gateway.down = True
    retry = RetryPolicy(max_attempts=3, first_interval=timedelta(seconds=10))
    relay = NotificationDispatcher(engine, WebhookChannel(gateway.url), retry)
    now = datetime.now(UTC)

    assert [s.delivered for s in await relay.deliver_due(now)] == [False, False]
    row = _status(engine, first)
    assert (row.status, row.attempts) == ("pending", 1)
    assert "503" in (row.last_error or "") and "短信网关维护中" in (row.last_error or "")
    assert await relay.deliver_due(now + timedelta(seconds=5)) == []  # backing off
    await relay.deliver_due(now + timedelta(seconds=11))  # attempt 2, then 20 s to wait
    assert await relay.deliver_due(now + timedelta(seconds=25)) == []
    await relay.deliver_due(now + timedelta(seconds=32))  # attempt 3: the last
    row = _status(engine, first)
    assert (row.status, row.attempts) == ("failed", 3)
    assert await relay.deliver_due(now + timedelta(days=1)) == []
    assert [n.id for n, _ in outbox.lost(engine)] == [first, first + 1]
    assert gateway.received == []


async def test_the_relay_loop_delivers_until_stopped(engine: Engine, gateway: Gateway) -> None:
    ids = _raise_notices(engine)
    stop = asyncio.Event()
    relay = asyncio.create_task(
        NotificationDispatcher(engine, WebhookChannel(gateway.url)).run(stop, interval=0.05)
    )

    async def both_received() -> bool:
        return len(gateway.received) == 2

    await eventually(both_received, "both notices at the gateway")
    stop.set()
    await asyncio.wait_for(relay, 5)
    assert {_status(engine, i).status for i in ids} == {"delivered"}


@pytest.fixture
async def ops_api(
    dev_server: str, dev_client: Client, engine: Engine, database_url: str, gateway: Gateway
) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(
        temporal_address=dev_server,
        database_url=database_url,
        notification_webhook_url=gateway.url,
    )
    async with api_client(settings, dev_client, engine) as http:
        yield http


async def test_ops_find_a_lost_notice_and_redeliver_it_with_a_ledger_entry(
    ops_api: httpx.AsyncClient, dev_client: Client, engine: Engine, gateway: Gateway
) -> None:
    [lost_id, _] = _raise_notices(engine)
    gateway.down = True
    relay = NotificationDispatcher(engine, WebhookChannel(gateway.url), RetryPolicy(1))
    await relay.deliver_due()

    ops_staff = ops()
    stuck = [s for s in await find_stuck(dev_client, engine) if s.case_id == CASE_ID]
    assert [s.kind for s in stuck] == [StuckKind.NOTIFICATION_LOST] * 2
    assert "BZ-zrzy" in stuck[0].reason and "503" in stuck[0].detail
    listed = await ops_api.get(
        "/notifications", params={"case_id": CASE_ID, "delivery_status": "failed"}
    )
    assert listed.json()["total"] == 2
    assert listed.json()["items"][-1]["delivery"]["attempts"] == 1

    still_down = await ops_api.post(
        f"/ops/notifications/{lost_id}/redelivery",
        json={"reason": "部门反映未收到"},
        headers=ops_staff,
    )
    assert still_down.status_code == 200
    assert still_down.json()["delivered"] is False and "503" in still_down.json()["error"]
    assert _status(engine, lost_id).status == DeliveryStatus.PENDING  # back to the retries

    gateway.down = False
    redelivered = await ops_api.post(
        f"/ops/notifications/{lost_id}/redelivery", json={"reason": "网关恢复"}, headers=ops_staff
    )
    assert redelivered.json() == {
        "notification_id": lost_id,
        "case_id": CASE_ID,
        "delivered": True,
        "error": None,
    }
    assert gateway.keys() == [f"{CASE_ID}/overdue#0"]
    unknown = await ops_api.post(
        "/ops/notifications/999999/redelivery", json={"reason": "x"}, headers=ops_staff
    )
    assert unknown.status_code == 404 and "999999" in unknown.json()["error"]["message"]

    entries = ledger.entries(engine, CASE_ID)[0]
    ops_entries = [e for e in entries if e.event is LedgerEvent.OPS_ACTION]
    assert [(e.actor.id, e.details["delivered"]) for e in ops_entries] == [
        ("ops.zhou", False),
        ("ops.zhou", True),
    ]
    assert "部门反映未收到" in ops_entries[0].summary


def test_the_command_line_redelivers_every_lost_notice(
    engine: Engine,
    database_url: str,
    gateway: Gateway,
    settings_env,
    capsys: pytest.CaptureFixture,
) -> None:
    ids = _raise_notices(engine)
    gateway.down = True
    relay = NotificationDispatcher(engine, WebhookChannel(gateway.url), RetryPolicy(1))
    asyncio.run(relay.deliver_due())
    gateway.down = False
    capsys.readouterr()
    settings_env(DAIBAN_DATABASE_URL=database_url, DAIBAN_NOTIFICATION_WEBHOOK_URL=gateway.url)
    verb = ["redeliver-notification", "--lost", "--operator", "ops.wu", "--reason", "补发"]
    assert ops_cli(["--json", *verb]) == 0
    out, progress = capsys.readouterr()
    assert [r["notification_id"] for r in json.loads(out)] == ids
    assert "[2/2]" in progress
    assert outbox.lost(engine) == []
    assert sorted(gateway.keys()) == [f"{CASE_ID}/overdue#0", f"{CASE_ID}/overdue#1"]
