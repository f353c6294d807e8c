"""The shape the code keeps, so that a newcomer can change it safely: no function over sixty lines and no template
line over 200 characters. Complexity is checked by ruff (C901, at most 12) in ``make lint``; the core's imports by
``test_layering``."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("portal", "surveys", "review")
MAX_FUNCTION_LINES = 60
MAX_TEMPLATE_LINE = 200


def _sources(*packages):
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _long_functions() -> dict[str, int]:
    long = {}
    for path in _sources(*PACKAGES):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long[f"{path.relative_to(ROOT)}:{node.name}"] = length
    return long


def test_no_function_is_longer_than_sixty_lines():
    """As the formatter lays them out; a longer function is split into named steps."""
    assert _long_functions() == {}


def test_no_template_line_is_longer_than_two_hundred_characters():
    long = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if len(line) > MAX_TEMPLATE_LINE
    ]
    assert long == []
