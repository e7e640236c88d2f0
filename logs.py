"""Structured logging, configured once per process.

structlog renders JSON in production and a readable console on a terminal. The standard
library's records (Temporal's ``workflow.logger`` and ``activity.logger``, uvicorn) go
through the same processors, so every line of the API, the worker and the activities is
one structured event carrying ``case_id``, ``workflow_id`` and ``actor`` where known.
"""

import logging
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

_SHARED_PROCESSORS: list[structlog.typing.Processor] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    structlog.processors.StackInfoRenderer(),
]


def _temporal_extra(
    _: Any, __: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """Lift the case identifiers out of Temporal's ``temporal_workflow``/``temporal_activity``."""
    for key in ("temporal_workflow", "temporal_activity"):
        info = event_dict.pop(key, None)
        if isinstance(info, dict):
            event_dict.setdefault("workflow_id", info.get("workflow_id"))
            event_dict.setdefault("case_id", info.get("workflow_id", "").split("/")[0])
            if "activity_type" in info:
                event_dict.setdefault("activity", info["activity_type"])
    return event_dict


def configure_logging(log_format: str = "auto", level: str = "INFO") -> None:
    """Configure structlog and route the standard library's logging through it."""
    as_json = log_format == "json" or (log_format == "auto" and not sys.stderr.isatty())
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if as_json
        else structlog.dev.ConsoleRenderer()
    )
    structlog.configure(
        processors=[
            *_SHARED_PROCESSORS,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*_SHARED_PROCESSORS, structlog.stdlib.ExtraAdder(), _temporal_extra],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            renderer,
        ],
    )
    handler = logging.StreamHandler()
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    for noisy in ("uvicorn.access", "httpx"):
        logging.getLogger(noisy).setLevel("WARNING")
