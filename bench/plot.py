"""Draw how the figures grow, from the committed results tables (bench/results/*.md).

    .venv/bin/pip install -e '.[bench]' && .venv/bin/python -m bench.plot

Reads the tables rather than re-running anything, so the picture always matches the
committed numbers. Writes bench/results/growth.png.
"""

import itertools
from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display on servers
import matplotlib.pyplot as plt

from bench.machine import RESULTS


def table(name: str) -> list[dict[str, str]]:
    """The first markdown table in ``bench/results/<name>.md``, one dict per row."""
    lines = (RESULTS / f"{name}.md").read_text(encoding="utf-8").splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("|"))
    rows = list(itertools.takewhile(lambda line: line.startswith("|"), lines[start:]))
    header = [cell.strip() for cell in rows[0].strip("|").split("|")]
    return [
        dict(zip(header, (cell.strip() for cell in row.strip("|").split("|")), strict=True))
        for row in rows[2:]
    ]


def plot_open_cases(memory: plt.Axes, latency: plt.Axes) -> None:
    rows = table("open_cases")
    cases = [int(r["open cases"]) for r in rows]
    memory.plot(cases, [float(r["RSS MiB"]) for r in rows], "o-")
    memory.set(title="Worker memory", xlabel="open cases", ylabel="RSS (MiB)", xscale="log")
    for column in ("accept p50 ms", "accept p99 ms"):
        latency.plot(cases, [float(r[column]) for r in rows], "o-", label=column.split()[1])
    latency.set(
        title="Acceptance latency", xlabel="open cases", ylabel="ms", xscale="log", yscale="log"
    )
    latency.legend()


def plot_replay(axes: plt.Axes) -> None:
    series: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for row in table("replay_long_history"):
        series[row["workflow"]].append((int(row["events"]), float(row["replay ms"])))
    for workflow, points in series.items():
        axes.plot(*zip(*sorted(points), strict=True), "o-", label=workflow)
    axes.set(title="Replay time", xlabel="history events", ylabel="ms")
    axes.legend()


def plot_action_latency(axes: plt.Axes) -> None:
    series: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for row in table("action_latency"):
        path = "API" if row["path"].startswith("API") else "client"
        for quantile in ("p50", "p99"):
            series[f"{path} {quantile}"].append((int(row["actors"]), float(row[f"{quantile} ms"])))
    for label, points in sorted(series.items()):
        axes.plot(
            *zip(*sorted(points), strict=True), "o-" if "API" in label else "s--", label=label
        )
    axes.set(title="Action latency", xlabel="concurrent actors", ylabel="ms", xscale="log")
    axes.legend()


def plot_matters(throughput: plt.Axes, events: plt.Axes) -> None:
    rows = table("matters_per_case")
    matters = [int(r["matters"]) for r in rows]
    throughput.plot(matters, [float(r["cases/s"]) for r in rows], "o-", label="cases/s")
    throughput.plot(matters, [float(r["matters/s"]) for r in rows], "s--", label="matters/s")
    throughput.set(title="Throughput against matters per case", xlabel="matters per case")
    throughput.legend()
    for column, label in (
        ("case history events", "case workflow"),
        ("events, all its workflows", "case + matters"),
    ):
        events.plot(matters, [int(r[column]) for r in rows], "o-", label=label)
    events.set(title="History events per case", xlabel="matters per case", ylabel="events")
    events.legend()


def main() -> Path:
    figure, axes = plt.subplots(3, 2, figsize=(11, 12))
    (memory, latency), (replay, actions), (throughput, events) = axes
    plot_open_cases(memory, latency)
    plot_replay(replay)
    plot_action_latency(actions)
    plot_matters(throughput, events)
    figure.suptitle("daiban: how the figures grow (bench/results/*.md)")
    figure.tight_layout()
    out = RESULTS / "growth.png"
    figure.savefig(out, dpi=100)
    print(f"wrote {out}")
    return out


if __name__ == "__main__":
    main()
