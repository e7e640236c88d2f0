"""Every patch a workflow of today's code would take, behind one marker (issue 22).

``workflow.patched(id)`` records a marker and upserts the ``TemporalChangeVersion`` search
attribute the first time each id is asked in a workflow: a new matter asked nine, a new
case six, so a standard case carried 34 markers and 34 upserts for patches whose answer,
in a workflow started on today's code, is always yes. A workflow that starts now asks
once, for ``ERA``, in its first workflow task, and then takes every patch of ``IN_ERA``
without asking. A workflow started before has no ``ERA`` marker in its first task, so its
replay asks each patch as it did; its running continues the same way.

A patch added after the era goes in ``AFTER_ERA``, never in ``IN_ERA``: ``patched`` asks
it with ``workflow.patched``, so workflows started in this era still replay. A later era
may gather those under a new id, with its own set.
"""

from temporalio import workflow

ERA = "patches-of-2026-12"
IN_ERA = frozenset(
    {
        "acceptance-signs-cross-county-hand-off",
        "acceptance-with-deficiency",
        "alarm-timer-kept-across-actions",
        "bad-rating-follow-up",
        "case-budget",
        "case-budget-calendar-days",
        "case-budget-tracking",
        "case-told-after-the-reply",
        "case-told-changes-only",
        "clock-local-activities",
        "coordination-48h",
        "deadline-explained-in-ledger",
        "deemed-acceptance",
        "deferred-materials-confirmed",
        "feedback-report",
        "hand-off-acknowledgement",
        "human-actions-one-at-a-time",
        "ledger-write-local",
        "matter-clock",
        "notices-to-every-role",
        "one-clock-many-pauses",
        "overdue-search-attribute",
        "recompute-case-due-dates",
        "recount-provisional-days",
    }
)
# Patches added after the era: asked one by one in every workflow (none yet).
AFTER_ERA: frozenset[str] = frozenset()
_STARTED_IN_ERA = "_daiban_started_in_era"  # set on the workflow instance by ``begin``


def begin(instance: object) -> None:
    """Ask for the era once, from the workflow's ``@workflow.init`` (its first task)."""
    setattr(instance, _STARTED_IN_ERA, workflow.patched(ERA))


def patched(patch_id: str) -> bool:
    """``workflow.patched``, answered yes without a marker in a workflow started in the era."""
    if patch_id in IN_ERA and getattr(workflow.instance(), _STARTED_IN_ERA, False):
        return True
    return workflow.patched(patch_id)
