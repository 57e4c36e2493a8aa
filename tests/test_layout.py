"""The layout's rules, checked on the source: the stages meet only in contracts.py and
pipeline.py, the core never imports the page, and only config.py reads the environment."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "assistant"
STAGES = ("speech", "copywriting", "poster")
# What a stage may use besides itself: the shared data and helpers, and (copywriting only) the LLM.
SHARED = {"contracts", "config", "datafiles", "errors", "files", "language", "imaging", "models", "metrics"}
ALLOWED = {
    "speech": SHARED,
    "copywriting": SHARED | {"llm"},
    "poster": SHARED,
    "voice": SHARED,
    "video": SHARED,
    "llm": SHARED,
    "language": SHARED,
    "imaging": SHARED,
}


def imports_of(path: Path) -> set[str]:
    """The part under ``assistant`` of every module ``path`` imports (``assistant.poster.render`` → poster)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names if node.module == "assistant"]
        found |= {n.split(".")[1] for n in names if n.startswith("assistant.")}
    return found


def modules(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py"))


def test_the_stages_never_import_each_other():
    wrong = {}
    for unit, allowed in ALLOWED.items():
        for path in modules(PACKAGE / unit):
            extra = imports_of(path) - allowed - {unit}
            if extra:
                wrong[str(path.relative_to(REPO))] = sorted(extra)
    assert wrong == {}


def test_the_core_never_imports_the_page():
    core = [p for p in modules(PACKAGE) if "ui" not in p.relative_to(PACKAGE).parts]
    assert [str(p.relative_to(REPO)) for p in core if "ui" in imports_of(p)] == []


def test_the_check_itself_sees_imports():
    # The rules above would pass on a parser that sees nothing: make sure it does see.
    assert {"contracts", "copywriting", "poster", "speech", "llm"} <= imports_of(PACKAGE / "pipeline.py")
    assert "ui" in imports_of(REPO / "app.py")


def test_only_config_reads_the_environment():
    readers = [str(p.relative_to(REPO)) for p in modules(PACKAGE) if "os.environ" in p.read_text(encoding="utf-8")]
    assert readers == ["assistant/config.py"]
