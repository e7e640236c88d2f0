"""The API's Prometheus figures: requests by route and status, latency by route, errors by code.

Each app has its own registry (tests build many apps in one process). Routes are labelled by
their template (/cases/{case_id}), never by the path, so the series stay few; a path that
matches no route is counted as "unmatched".
"""

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from starlette.requests import Request

# From a page read (10 ms) to a report export (seconds).
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class ApiMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "daiban_api_requests",
            "HTTP requests answered, by method, route template and status",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "daiban_api_request_duration_seconds",
            "Time to answer, by method and route template",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.errors = Counter(
            "daiban_api_errors",
            "Error answers by status and the error body's code",
            ["status", "code"],
            registry=self.registry,
        )

    def observe(self, request: Request, status: int, seconds: float) -> None:
        route = route_template(request)
        self.requests.labels(request.method, route, str(status)).inc()
        self.latency.labels(request.method, route).observe(seconds)
        if status >= 400:
            code = getattr(request.state, "error_code", None) or "http_error"
            self.errors.labels(str(status), code).inc()

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


def route_template(request: Request) -> str:
    route = request.scope.get("route")
    return getattr(route, "path", None) or "unmatched"


def note_error_code(request: Request, code: str) -> None:
    """The error handlers say which code they answered, for the errors counter."""
    request.state.error_code = code
