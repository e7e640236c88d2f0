"""Describe the machine and versions a benchmark ran on, for its committed results."""

import os
import platform
import subprocess
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

RESULTS = Path(__file__).parent / "results"


def describe() -> dict[str, str]:
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if "model name" in line)
    except (OSError, StopIteration):
        pass
    memory = "unknown"
    try:
        with open("/proc/meminfo", encoding="utf-8") as info:
            kb = int(next(line.split()[1] for line in info if line.startswith("MemTotal")))
            memory = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        pass
    temporal = subprocess.run(
        ["temporal", "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "temporalio": version("temporalio"),
        "temporal CLI": temporal,
    }


def publish(name: str, report_lines: list[str]) -> None:
    """Append the machine to the report, print it, and write bench/results/<name>.md."""
    machine = ["## Machine", "", *(f"- {key}: {value}" for key, value in describe().items())]
    report = "\n".join([*report_lines, *machine, ""])
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.md").write_text(report, encoding="utf-8")
    print(report)
