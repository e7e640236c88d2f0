"""Activity names, so workflow code refers to activities without importing their code."""

RECORD_EVENT = "record_event"
PLAN_DEADLINE = "plan_deadline"
COUNT_DAYS = "count_days"
DRAFT_FEEDBACK_REPORT = "draft_feedback_report"
