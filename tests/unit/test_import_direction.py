"""Imports run one way: domain ← policies ← store ← {activities, papers, notifications} ←
services ← {api, ops}; workflows import only domain and activity names; the console only
domain (it reaches the system through the API); process entry points are imported by nobody."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# What each top-level package or module may import of ours (besides itself).
MAY_IMPORT: dict[str, set[str]] = {
    "domain": set(),
    "policies": {"domain"},
    "store": {"domain", "policies", "settings", "logs"},
    "activities": {"domain", "policies", "store"},
    "papers": {"domain", "policies", "store"},
    "notifications": {"domain", "store"},
    "workflows": {"domain", "activities.names"},
    "services": {"domain", "policies", "store", "papers", "settings", "workflows"},
    "ops": {"domain", "policies", "store", "notifications", "services", "settings", "logs"}
    | {"workflows", "temporal_client", "temporal_runner"},
    "console": {"domain"},
    "api": {"domain", "policies", "store", "papers", "notifications", "services", "ops"}
    | {"settings", "logs", "workflows", "temporal_client", "console"},
    "temporal_client": {"settings"},
    "temporal_runner": set(),
    "temporal_worker": {"activities", "policies", "workflows", "temporal_runner"},
    "temporal_dev": {"settings", "temporal_client", "workflows"},
    "worker": {"activities", "logs", "notifications", "services", "settings", "store"}
    | {"temporal_client", "temporal_worker"},
}
ENTRY_POINTS = {"worker", "api.main", "ops.__main__"}


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


def _allowed(module: str, rules: set[str]) -> bool:
    return any(module == rule or module.startswith(rule + ".") for rule in rules)


def test_every_import_of_ours_follows_the_direction() -> None:
    ours = set(MAY_IMPORT)
    wrong = []
    for package in ours:
        paths = [ROOT / f"{package}.py"] if (ROOT / f"{package}.py").exists() else []
        paths += sorted((ROOT / package).rglob("*.py")) if (ROOT / package).is_dir() else []
        for path in paths:
            for module in _imports(path):
                top = module.split(".")[0]
                if top in ours and top != package and not _allowed(module, MAY_IMPORT[package]):
                    wrong.append(f"{path.relative_to(ROOT)} imports {module}")
    assert wrong == []


def test_no_module_imports_a_process_entry_point() -> None:
    wrong = []
    for path in sorted(ROOT.rglob("*.py")):
        if ".venv" in path.parts or "var" in path.parts:
            continue
        for module in _imports(path) & ENTRY_POINTS:
            wrong.append(f"{path.relative_to(ROOT)} imports {module}")
    assert wrong == []
