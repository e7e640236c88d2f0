"""Lost notices: find the ones whose delivery was given up, and send one again.

Re-delivery also serves a notice the gateway accepted but the person never saw, so it
works whatever the notice's delivery status.
"""

from dataclasses import asdict, dataclass

from sqlalchemy import Engine

from domain.errors import NotFound
from notifications.relay import NotificationDispatcher
from ops.journal import record_ops_action
from store import outbox


@dataclass(frozen=True)
class RedeliveryOutcome:
    notification_id: int
    case_id: str
    delivered: bool
    error: str | None

    def as_dict(self) -> dict:
        return asdict(self)


async def redeliver_notification(
    dispatcher: NotificationDispatcher,
    notification_id: int,
    *,
    operator: str,
    reason: str,
) -> RedeliveryOutcome:
    """Send the notice again now and write the attempt, whatever its outcome, to the ledger.

    If this attempt fails the notice goes back to the relay's retries.
    """
    sent = await dispatcher.redeliver(notification_id)
    if sent is None:
        raise NotFound(f"没有编号为{notification_id}的通知")
    notice = sent.notice
    outcome = "已送达" if sent.delivered else f"仍未送达（{sent.error}），转入自动重试"
    record_ops_action(
        dispatcher.engine,
        case_id=notice.case_id,
        workflow_id=notice.case_id,
        operator=operator,
        summary=f"运维重新投递通知{notification_id}（发给{notice.address}）{outcome}：{reason}",
        details={
            "action": "redeliver_notification",
            "notification": notice.key,
            "channel": dispatcher.channel.name,
            "delivered": sent.delivered,
            "error": sent.error,
        },
    )
    return RedeliveryOutcome(notification_id, notice.case_id, sent.delivered, sent.error)


def lost_notification_ids(engine: Engine) -> list[int]:
    return [notice.id for notice, _ in outbox.lost(engine)]
