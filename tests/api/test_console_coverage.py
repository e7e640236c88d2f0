"""Every action of the API has its control in the console: a new route without one fails
here. An action is covered when the console route that takes it accepts that path (the
case page's and the task page's act routes, ops, accounts) or, for the rest, when the
console page named below exists."""

import re

from api.app import create_app
from console.case_pages import CASE_ACTION
from console.frame import router as console_router
from console.inbox_pages import TASK_VERBS
from console.ops_pages import ACCOUNT_ACTIONS, OPS_ACTIONS
from settings import Settings

SAMPLE = {
    "case_id": "BZ-2026-00001",
    "workflow_id": "BZ-2026-00001",
    "matter": "land-preexamination",
    "problem": "1",
    "resolution": "1",
    "department": "bole-natural-resources",
    "username": "li.si",
    "notification_id": "1",
}
# Actions whose control is a page of its own: the console route that serves it.
PAGES = {
    "POST /auth/token": "/console/sign-in",
    "POST /auth/password": "/console/password",
    "POST /cases": "/console/cases/new",
    "POST /cases/{case_id}/amendment": "/console/cases/{case_id}/amendment",
    "POST /project-lists": "/console/project-lists",
    "POST /notifications/read": "/console/notifications/read",
    "POST /departments/{department}/bulk/{verb}": "/console/inbox/bulk/{verb}",
    # Uploads: a multipart form of their own on the case page and the task page.
    "POST /cases/{case_id}/matters/{matter}/documents": (
        "/console/cases/{case_id}/matters/{matter}/documents"
    ),
    "POST /departments/{department}/tasks/{case_id}/{matter}/results": (
        "/console/inbox/{case_id}/{matter}/results"
    ),
    "POST /what-if/runs": "/console/what-if/runs",
    "POST /what-if/open-cases": "/console/what-if/open-cases",
    "POST /what-if/runs/{run_id}/stop": "/console/what-if/{run_id}/{verb}",
    "POST /what-if/runs/{run_id}/resume": "/console/what-if/{run_id}/{verb}",
}


def _covered(path: str) -> bool:
    """Whether a console act route takes this API path (its parameters filled in)."""
    filled = path.format(**SAMPLE)
    if match := re.fullmatch(r"/cases/[^/]+/(.+)", filled):
        return bool(CASE_ACTION.match(match.group(1)))
    if match := re.fullmatch(r"/departments/[^/]+/tasks/[^/]+/[^/]+/([a-z\-]+)", filled):
        return match.group(1) in TASK_VERBS
    if filled == "/ops/notifications/1/redelivery":
        return bool(OPS_ACTIONS.match("notifications/redelivery"))
    if match := re.fullmatch(r"/ops/accounts(?:/(.+))?", filled):
        return bool(ACCOUNT_ACTIONS.match(match.group(1) or "new"))
    if match := re.fullmatch(r"/ops/(.+)", filled):
        return bool(OPS_ACTIONS.match(match.group(1)))
    return False


def test_every_api_action_has_its_console_control() -> None:
    app = create_app(Settings())
    console_routes = {getattr(r, "path", "") for r in console_router.routes}
    actions = [
        f"{method.upper()} {path}"
        for path, item in app.openapi()["paths"].items()
        for method in item
        if method != "get"
    ]
    missing = []
    for action in actions:
        if action in PAGES:
            if PAGES[action] not in console_routes:
                missing.append(f"{action}: no console page {PAGES[action]}")
        elif not _covered(action.split(" ", 1)[1]):
            missing.append(action)
    assert not missing, "API actions without a console control:\n" + "\n".join(missing)
    assert len(actions) >= 45  # the check saw the whole API, not an empty schema
