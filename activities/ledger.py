"""The ledger activity: append an entry and its projection rows, once."""

import structlog
from sqlalchemy import Engine
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.names import RECORD_EVENT
from domain.dates import local_day
from domain.deadline_explanation import explain_entry
from domain.errors import ACTION_REFUSED_TYPE
from domain.ledger import LedgerWrite
from policies.working_calendar import WorkingCalendar, official_calendar
from store import ledger
from store.ledger import OneTimeEventRepeated

log = structlog.get_logger(__name__)


class LedgerActivities:
    def __init__(
        self, engine: Engine, calendar: WorkingCalendar | None = None, *, what_if: bool = False
    ) -> None:
        self._engine = engine
        self._calendar = calendar  # a what-if run's own; else the official one, as read now
        # A what-if run's throwaway ledger keeps the entries and the matter rows (the report
        # draft names matters from them) but no case rows, tallies or notices: nobody reads
        # them, and they cost most of each write.
        self._what_if = what_if

    @property
    def engine(self) -> Engine:
        return self._engine

    @activity.defn(name=RECORD_EVENT)
    def record_event(self, write: LedgerWrite) -> bool:
        """Append the entry; a retry of an entry already written is a no-op that returns False."""
        entry = write.entry
        occurred_on = local_day(entry.occurred_at)
        calendar = self._calendar or official_calendar()
        details = explain_entry(entry.event.value, occurred_on, entry.details, calendar)
        if details is not entry.details:
            write = write.model_copy(
                update={"entry": entry.model_copy(update={"details": details})}
            )
            entry = write.entry
        if self._what_if:
            write = write.model_copy(
                update={"case": None, "notices": [], "replaces_matters": False}
            )
        info = activity.info()
        with structlog.contextvars.bound_contextvars(
            case_id=entry.case_id,
            workflow_id=entry.workflow_id,
            actor=entry.actor.id,
            activity=info.activity_type,
            attempt=info.attempt,
        ):
            try:
                written = ledger.append(self._engine, write, tallies=not self._what_if)
            except OneTimeEventRepeated as repeated:
                # The workflows take one action at a time, so this means a bug: say so
                # loudly, and never retry into the same refusal.
                log.error("one_time_event_repeated", ledger_event=entry.event.value)
                raise ApplicationError(
                    f"台账中已有该记录（{repeated}），不能重复记录",
                    type=ACTION_REFUSED_TYPE,
                    non_retryable=True,
                ) from repeated
            log.info(
                "ledger_entry_written" if written else "ledger_entry_already_written",
                ledger_event=entry.event.value,
                key=entry.key,
                matter=entry.matter,
            )
            return written
