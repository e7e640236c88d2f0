"""A what-if run as an XLSX: the figures side by side, cycle times, critical paths that
moved, the load per week, and what was assumed, for the office that has to decide."""

from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.styles import Font

from simulation.compare import Comparison, Spread
from simulation.outcomes import GROUP_NAMES

if TYPE_CHECKING:
    from simulation.run import RunRecord

BOLD = Font(bold=True)


def _spread(value: Spread) -> list[float]:
    return [value.mean, value.low, value.high]


def _sheet(book: Workbook, title: str, header: list[str], rows: list[list]) -> None:
    sheet = book.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = BOLD
    for row in rows:
        sheet.append(row)
    for column in sheet.columns:
        width = max(len(str(c.value or "")) for c in column)
        sheet.column_dimensions[column[0].column_letter].width = min(max(10, width * 1.6), 60)


def write_workbook(path: Path, record: "RunRecord", comparison: Comparison) -> None:
    book = Workbook()
    book.remove(book.active)
    spread = ["均值", "95%下限", "95%上限"]
    _sheet(
        book,
        "总览",
        [
            "指标",
            *(f"基线{s}" for s in spread),
            *(f"变更后{s}" for s in spread),
            *(f"差值{s}" for s in spread),
            "随机种子数",
        ],
        [
            [
                f.name,
                *_spread(f.baseline),
                *_spread(f.change),
                *_spread(f.difference),
                f.baseline.seeds,
            ]
            for f in comparison.figures
        ]
        + [
            [
                "关键路径改变的案件",
                "",
                "",
                "",
                *_spread(comparison.critical_paths_moved),
                "",
                "",
                "",
                comparison.critical_paths_moved.seeds,
            ]
        ],
    )
    _sheet(
        book,
        "办理周期",
        [
            "维度",
            "对象",
            "基线中位数（天）",
            "变更后中位数（天）",
            "基线P90（天）",
            "变更后P90（天）",
        ],
        [
            [
                GROUP_NAMES.get(c.group, "案件"),
                c.key,
                c.baseline_median.mean,
                c.change_median.mean,
                c.baseline_p90.mean,
                c.change_p90.mean,
            ]
            for c in comparison.cycles
        ],
    )
    _sheet(
        book,
        "关键路径变化",
        ["基线最后办结事项", "变更后最后办结事项", "案件数（每个种子平均）"],
        [[m.before, m.after, m.cases] for m in comparison.path_moves],
    )
    _sheet(
        book,
        "每周工作量",
        ["对象", "基线周均操作", "变更后周均操作", "基线周峰值", "变更后周峰值"],
        [
            [r.who, r.baseline_mean, r.change_mean, r.baseline_peak, r.change_peak]
            for r in comparison.load
        ],
    )
    baseline = record.baseline
    from simulation.run import provisional_years

    provisional = provisional_years(record)
    _sheet(
        book,
        "假设",
        ["项目", "内容"],
        [
            ["运行编号", record.run_id],
            ["变更", record.change.name],
            ["基线来源", baseline.source],
            ["模拟期间", f"自{baseline.start}起{baseline.weeks}周"],
            ["随机种子", "、".join(map(str, record.seeds))],
            ["负荷倍数", record.change.load],
            ["人员调整", "；".join(f"{d}×{f}" for d, f in record.change.staffing.items()) or "无"],
            ["政策包变更", "；".join(record.change.packs) or "无"],
            ["日历变更", "、".join(map(str, record.change.calendar)) or "无"],
            ["未公布节假日的年份（按工作日推算）", "、".join(map(str, provisional)) or "无"],
            *[
                [f"到件 {a.jurisdiction}/{a.park}", f"每周{a.per_week}件"]
                for a in baseline.arrivals
            ],
        ],
    )
    book.save(path)
