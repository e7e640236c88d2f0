"""The dashboard's charts as data for inline SVG: no script, readable by a screen reader
through each chart's table twin."""

from collections import defaultdict
from dataclasses import dataclass

from domain.case import STAGE_NAMES, CaseStage

# One colour per stage, distinguishable in grey print too (lightness rises with progress).
STAGE_COLOURS = {
    CaseStage.INITIAL_REVIEW: "#8c2d04",
    CaseStage.PLANNING: "#cc4c02",
    CaseStage.PROCESSING: "#1f5fa8",
    CaseStage.DELIVERY: "#4a90c8",
    CaseStage.EVALUATION: "#6a51a3",
    CaseStage.ARCHIVED: "#6b8e23",
    CaseStage.REFUSED: "#777777",
    CaseStage.TERMINATED: "#aaaaaa",
}
LABEL_WIDTH = 150
BAR_WIDTH = 420
ROW = 28


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    value: float
    colour: str
    label: str


@dataclass(frozen=True)
class BarRow:
    label: str
    y: int
    segments: list[Segment]
    total: float
    caption: str


@dataclass(frozen=True)
class BarChart:
    rows: list[BarRow]
    height: int
    width: int = LABEL_WIDTH + BAR_WIDTH + 90
    label_width: int = LABEL_WIDTH


def stacked(
    groups: dict[str, list[tuple[str, float, str]]], caption: str = "{total:g}"
) -> BarChart:
    """Rows of (segment label, value, colour), each row as long as its total."""
    largest = max((sum(v for _, v, _ in parts) for parts in groups.values()), default=0) or 1
    rows = []
    for index, (label, parts) in enumerate(groups.items()):
        x, segments = float(LABEL_WIDTH), []
        for name, value, colour in parts:
            width = round(value / largest * BAR_WIDTH, 1)
            segments.append(Segment(x, width, value, colour, name))
            x += width
        total = sum(v for _, v, _ in parts)
        rows.append(BarRow(label, 10 + index * ROW, segments, total, caption.format(total=total)))
    return BarChart(rows, 20 + len(rows) * ROW)


def cases_by_county_and_stage(counts: list[dict]) -> BarChart:
    by_county: dict[str, dict[CaseStage, int]] = defaultdict(dict)
    for count in counts:
        by_county[count["county"]][CaseStage(count["stage"])] = count["cases"]
    return stacked(
        {
            county: [
                (STAGE_NAMES[stage], n, STAGE_COLOURS[stage])
                for stage in CaseStage
                if (n := stages.get(stage))
            ]
            for county, stages in sorted(by_county.items())
        },
        caption="{total:g}件",
    )


def simple(values: list[tuple[str, float]], colour: str, caption: str) -> BarChart:
    return stacked({label: [(label, value, colour)] for label, value in values}, caption)


def cycle_times(items: list[dict]) -> BarChart:
    """Median (dark) then the stretch to p90 (light), per matter, in days."""
    return stacked(
        {
            item["name"]: [
                ("中位数", item["median_days"], "#1f5fa8"),
                ("至P90", max(item["p90_days"] - item["median_days"], 0), "#a6c8ea"),
            ]
            for item in items[:12]
        },
        caption="{total:g}天",
    )


def monthly(figures: list[dict], field: str, colour: str, caption: str) -> BarChart:
    """One bar per month (the last 12 with a value): 2026年11月."""
    values = [
        (f"{f['month'][:4]}年{int(f['month'][5:])}月", f[field])
        for f in figures
        if f[field] is not None
    ][-12:]
    return simple(values, colour, caption)
