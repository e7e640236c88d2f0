"""The worker's Prometheus endpoint: the SDK's own metrics, served by its runtime.

Task latencies, slot use, the workflow cache and sticky misses are measured inside the
SDK's core; a runtime with a Prometheus exporter serves them on ``host:port``/metrics.
docs/production.md lists the ones that mean trouble.
"""

from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig


def metrics_runtime(address: str | None) -> Runtime | None:
    """A runtime exporting to Prometheus on ``address``; None (the SDK's default) without one."""
    if address is None:
        return None
    return Runtime(telemetry=TelemetryConfig(metrics=PrometheusConfig(bind_address=address)))
