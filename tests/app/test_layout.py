"""Dependencies point one way: dashboard -> marketplace -> passports -> app (and mine ->
passports -> app). app/ imports a
feature package only in the factory (app/__init__.py); elsewhere it reaches them through what
the factory registers (app/hooks.py)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Each package, and the packages it must never import.
FORBIDDEN = {
    "app": ("passports", "marketplace", "dashboard", "mine"),
    "passports": ("marketplace", "dashboard", "mine"),
    "marketplace": ("dashboard",),
    # The urban mine (estimates from a building register) builds on passports and app only.
    "mine": ("marketplace", "dashboard"),
}
FACTORY = ROOT / "app" / "__init__.py"


def _imported(path: Path) -> list[tuple[int, str]]:
    """Every module a source file imports (at any depth: lazy imports count too)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_point_one_way(package):
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in sorted((ROOT / package).rglob("*.py"))
        if path != FACTORY
        for line, module in _imported(path)
        if module.split(".")[0] in FORBIDDEN[package]
    ]
    assert wrong == []


def test_the_factory_is_where_app_meets_the_packages():
    modules = {module.split(".")[0] for _, module in _imported(FACTORY)}
    assert {"passports", "marketplace", "dashboard"} <= modules
