"""The deployment files hold together: the manifests are valid Kubernetes, the compose file
is valid Compose, every setting they name exists, every command they run exists, and the
image carries every module the project installs.

Checked with the field's own validators (kubernetes-validate's schemas, docker-compose's
`config`); applying them to a cluster or starting the containers needs what this machine
lacks (a container daemon, a cluster).
"""

import re
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from ops.cli import _parser as ops_parser
from settings import Settings

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
COMPOSE = ROOT / "deploy" / "compose"
KUBERNETES = "1.30.0"  # the oldest release still supported by the major clouds


def _manifests() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in sorted(K8S.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        for document in yaml.safe_load_all(path.read_text()):
            if document:
                found.append((path.name, document))
    return found


@pytest.mark.parametrize(
    "document", [d for _, d in _manifests()], ids=[f"{n}:{d['kind']}" for n, d in _manifests()]
)
def test_each_manifest_is_valid_kubernetes(document: dict[str, Any]) -> None:
    kubernetes_validate.validate(document, KUBERNETES, strict=True)


def test_the_kustomization_lists_every_manifest_but_the_secret_example() -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    listed = set(kustomization["resources"])
    present = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == present - {"secret.example.yaml"}


def _containers() -> list[dict[str, Any]]:
    containers = []
    for _, document in _manifests():
        spec = document.get("spec", {}).get("template", {}).get("spec", {})
        containers += spec.get("containers", []) + spec.get("initContainers", [])
    return containers


def _setting_names() -> set[str]:
    return {f"DAIBAN_{name.upper()}" for name in Settings.model_fields}


def _named_settings(text: str) -> set[str]:
    return set(re.findall(r"\b(DAIBAN_[A-Z0-9_]+)\s*:", text))


def test_every_setting_the_files_name_is_one_daiban_reads() -> None:
    # Compose's own variables (the image, the passwords it puts into URLs) are not settings.
    compose_only = {"DAIBAN_IMAGE", "DAIBAN_DB_PASSWORD", "DAIBAN_BUILD_ID"}
    named = _named_settings((K8S / "config.yaml").read_text())
    named |= _named_settings((K8S / "secret.example.yaml").read_text())
    named |= _named_settings((COMPOSE / "compose.yaml").read_text()) - compose_only
    for container in _containers():
        named |= {e["name"] for e in container.get("env", []) if e["name"].startswith("DAIBAN_")}
    assert named, "no settings found"
    assert named - _setting_names() == set()


def test_every_command_the_files_run_exists() -> None:
    commands = [c["command"] for c in _containers() if c["image"] == "daiban"]
    compose = yaml.safe_load((COMPOSE / "compose.yaml").read_text())
    commands += [
        s["command"] for s in compose["services"].values() if s.get("image", "").startswith("${")
    ]
    modules = {"worker", "api.main", "ops"}
    for command in commands:
        assert command[:2] == ["python", "-m"] and command[2] in modules, command
        if command[2] == "ops":
            ops_parser().parse_args(command[3:])  # exits on an unknown verb


def test_the_image_copies_every_module_the_project_installs() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    packages = {p.rstrip("*") for p in project["packages"]["find"]["include"]}
    modules = {f"{m}.py" for m in project["py-modules"]}
    dockerfile = (ROOT / "Dockerfile").read_text()
    copied = set()
    for line in dockerfile.splitlines():
        if line.startswith("COPY "):
            copied |= set(line.split()[1:-1])
    assert packages | modules <= copied


def test_the_compose_file_is_valid_and_refuses_to_run_without_its_secrets(tmp_path: Path) -> None:
    def config(*env_file: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["docker-compose", *env_file, "-f", "compose.yaml", "config"],
            cwd=COMPOSE,
            capture_output=True,
            text=True,
            timeout=60,
            env={"PATH": "/usr/bin:/bin"},
        )

    checked = config("--env-file", str(COMPOSE / "env.example"))
    assert checked.returncode == 0, checked.stderr
    resolved = yaml.safe_load(checked.stdout)
    assert {"postgres", "temporal", "migrate", "worker", "api", "proxy"} <= set(
        resolved["services"]
    )
    assert resolved["services"]["temporal"]["environment"]["DB"] == "postgres12"
    empty = tmp_path / "empty.env"
    empty.write_text("")
    refused = config("--env-file", str(empty))
    assert refused.returncode != 0
    assert "POSTGRES_PASSWORD" in refused.stderr or "DAIBAN_DB_PASSWORD" in refused.stderr
