"""The core knows no stage: nothing in portal/ imports the apps that define them (surveys, review)."""

import ast
from pathlib import Path

import portal

STAGE_APPS = ("surveys", "review")


def _imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def test_portal_imports_neither_surveys_nor_review():
    root = Path(portal.__file__).parent
    offenders = [
        f"{path.relative_to(root.parent)}: {name}"
        for path in sorted(root.rglob("*.py"))
        if "migrations" not in path.parts
        for name in _imports(path)
        if name.split(".")[0] in STAGE_APPS
    ]
    assert not offenders, "\n".join(offenders)


def test_the_open_data_registers_are_added_by_their_app():
    from portal.opendata import open_registers

    assert [register.slug for register in open_registers()][:2] == ["technologies", "complexes"]
