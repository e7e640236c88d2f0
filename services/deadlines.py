"""A matter's deadline explained against the official calendar, for the API's reads (the
ledger activity explains the entry that set it: ``domain.deadline_explanation``)."""

from domain.deadline_explanation import DeadlineExplanation, explain
from domain.matter import MatterSnapshot
from policies.working_calendar import official_calendar


def of_matter(matter: MatterSnapshot) -> DeadlineExplanation | None:
    return explain(matter.clock, official_calendar()) if matter.clock is not None else None
