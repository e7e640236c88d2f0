"""The work lists as a person reads them: each running clock with its mark (red, amber,
green), how long is left in the rule's own unit, and whose scope it is in."""

from datetime import UTC, datetime, timedelta

from domain.actors import Principal, Role
from domain.catalogue import TimeUnit
from domain.clock import BUSINESS_ZONE
from domain.work import CLOCK_NAMES, HOURLY, MARK_NAMES, ClockKind, Mark, Owner, mark
from policies.working_calendar import official_calendar
from store.tables import WorkItemRow
from store.work import WorkScope


def scope_of(principal: Principal) -> WorkScope:
    """A department: its own items; a coordinator and a leader: their jurisdiction (and
    park); an enterprise: its cases; oversight: the cross-county cases; ops: all."""
    match principal.role:
        case Role.DEPARTMENT:
            return WorkScope(department=principal.department, owner=Owner.DEPARTMENT.value)
        case Role.COORDINATOR | Role.LEADER:
            return WorkScope(jurisdiction=principal.jurisdiction, park=principal.park)
        case Role.ENTERPRISE:
            return WorkScope(uscc=principal.uscc or "-")
        case Role.OVERSIGHT:
            return WorkScope(cross_county_only=True)
    return WorkScope()


def remaining(kind: ClockKind, due_at: datetime, now: datetime) -> tuple[str, int | None]:
    """How long is left, in words, and in working days where the rule counts in days (in
    hours for the 48- and 24-hour rules): 剩3个工作日, 今日到期, 超期2个工作日, 剩5小时."""
    if kind in HOURLY:
        hours = (due_at - now).total_seconds() / 3600
        if hours >= 0:
            return f"剩{max(int(hours), 0)}小时" if hours >= 1 else "不足1小时", None
        return f"超期{int(-hours) or 1}小时", None
    today = now.astimezone(BUSINESS_ZONE).date()
    # A date's clock runs out as the next day begins: its last day is the day before.
    last_day = (due_at.astimezone(BUSINESS_ZONE) - timedelta(seconds=1)).date()
    calendar = official_calendar()
    if last_day == today:
        return "今日到期", 0
    if last_day > today:
        days, _ = calendar.count(today, last_day, TimeUnit.WORKING_DAYS)
        return f"剩{days}个工作日", days
    days, _ = calendar.count(last_day, today, TimeUnit.WORKING_DAYS)
    return f"超期{days or 1}个工作日", -(days or 1)


def view(row: WorkItemRow, now: datetime | None = None) -> dict:
    now = now or datetime.now(UTC)
    kind = ClockKind(row.kind)
    words, days = remaining(kind, row.due_at, now)
    colour = mark(kind, row.due_at, row.warn_at, now) if row.closed_at is None else Mark.GREEN
    return {
        "case_id": row.case_id,
        "kind": kind,
        "kind_name": CLOCK_NAMES[kind],
        "matter": row.matter or None,
        "matter_name": row.matter_name or None,
        "department": row.department or None,
        "department_name": row.department_name or None,
        "owner": Owner(row.owner),
        "enterprise_name": row.enterprise_name,
        "project_name": row.project_name,
        "park": row.park,
        "label": row.label,
        "due_at": row.due_at,
        "due_on": row.due_on,
        "provisional": row.provisional,
        "mark": colour,
        "mark_name": MARK_NAMES[colour] if row.closed_at is None else "已办",
        "remaining": words if row.closed_at is None else "已办结",
        "working_days_left": days if row.closed_at is None else None,
        "opened_at": row.opened_at,
        "closed_at": row.closed_at,
    }
