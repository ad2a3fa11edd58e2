"""The code keeps its shape: ruff passes, and the pure stages never import the RDF stack."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kg.settings import PROJECT_ROOT

PURE_STAGES = ("kg/parse", "kg/normalise", "kg/sources.py", "kg/lift.py", "kg/compare.py")
RDF_STACK = ("rdflib", "pyoxigraph", "owlready2", "pyshacl", "kg.vocab", "kg.rdf", "kg.store")


def test_ruff_passes():
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent))
    if ruff is None:
        pytest.skip("ruff is not installed in this environment")
    done = subprocess.run([ruff, "check", "kg", "tests", "bench"], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:]


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("stage", PURE_STAGES)
def test_pure_stages_do_not_import_rdf(stage):
    root = PROJECT_ROOT / stage
    files = [root] if root.is_file() else sorted(root.rglob("*.py"))
    offenders = {f"{f.relative_to(PROJECT_ROOT)}: {name}" for f in files for name in _imports(f)
                 if any(name == bad or name.startswith(bad + ".") for bad in RDF_STACK)}
    assert not offenders
