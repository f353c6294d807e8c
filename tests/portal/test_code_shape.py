"""The shape the code keeps, so that a newcomer can change it safely: no function over sixty lines. Complexity is
checked by ruff (C901, at most 12) in ``make lint``; the core's imports by ``test_layering``."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("portal", "surveys", "review")
MAX_FUNCTION_LINES = 60

#: Functions still longer than the limit, as the formatter lays them out. The list only shrinks: a function that
#: gets shorter must leave it, and no other function may join it.
STILL_LONG: set[str] = set()


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


def test_no_new_function_is_longer_than_sixty_lines():
    assert sorted(set(_long_functions()) - STILL_LONG) == []


def test_the_list_of_long_functions_only_shrinks():
    assert sorted(STILL_LONG - set(_long_functions())) == [], "shortened: take it off STILL_LONG"
