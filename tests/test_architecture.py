"""The architecture contracts in pyproject.toml: complete, and failing when a rule is broken."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
# Storage modules a Block Kit view may import: plain row types and pure values.
VIEW_SAFE = {"storage.models", "storage.clock", "storage.scoring"}


def contracts() -> dict[str, dict[str, object]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return {c["name"]: c for c in config["tool"]["importlinter"]["contracts"]}


def test_views_contract_names_every_storage_module() -> None:
    """The contract lists repositories one by one: a storage module added later without being
    listed here would be silently allowed in views."""
    (views,) = [c for c in contracts().values() if str(c["name"]).startswith("Block Kit views")]
    listed = set(views["forbidden_modules"])  # type: ignore[arg-type]
    modules = {
        f"storage.{p.stem}"
        for p in (ROOT / "storage").glob("*.py")
        if p.stem != "__init__" and f"storage.{p.stem}" not in VIEW_SAFE
    }
    assert listed == modules


def copy_tree(tmp_path: Path) -> Path:
    for part in ("bot", "handlers", "storage"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def lint_imports(where: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=where,
        env={"PYTHONPATH": str(where), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is not installed here")
def test_contracts_hold_and_fail_on_storage_importing_bot(tmp_path: Path) -> None:
    tree = copy_tree(tmp_path)
    assert lint_imports(tree).returncode == 0
    goals = tree / "storage" / "goals.py"
    goals.write_text(goals.read_text() + "\nfrom bot.kernel.text import safe  # noqa\n")
    broken = lint_imports(tree)
    assert broken.returncode != 0
    assert "Storage imports nothing of bot or handlers BROKEN" in broken.stdout
    assert "storage.goals -> bot.kernel.text" in broken.stdout


@pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is not installed here")
def test_a_type_only_cycle_breaks_the_contracts(tmp_path: Path) -> None:
    tree = copy_tree(tmp_path)
    lines = tree / "bot" / "meetings" / "lines.py"
    lines.write_text(
        lines.read_text()
        + "\nfrom typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
        + "    from bot.meetings.agenda import Section  # noqa\n"
    )
    broken = lint_imports(tree)
    assert broken.returncode != 0
    assert "(type-only and deferred imports \ncount) BROKEN" in broken.stdout
