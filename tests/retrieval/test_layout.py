"""The library's shape: pipeline stages as folders, a small top level, no front-end imports."""

import importlib.util
import pkgutil
import subprocess
import sys
from pathlib import Path

import retrieval

PACKAGE = Path(retrieval.__file__).parent
STAGES = ("ingest", "normalize", "chunk", "index")
FRONT_END_MODULES = ("telegram", "rich", "prompt_toolkit", "aiohttp", "httpx", "matplotlib")


def _all_modules() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages([str(PACKAGE)], prefix="retrieval."))


def test_every_retrieval_module_imports_without_front_end_libraries() -> None:
    optional = () if importlib.util.find_spec("xapian") else ("retrieval.index.backends.xapian_",)
    modules = [m for m in _all_modules() if not m.endswith("__main__") and not m.startswith(optional)]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(sorted(m for m in {FRONT_END_MODULES!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    assert len(modules) > 20  # the walk really found the library


def test_stages_are_folders_that_say_what_enters_and_leaves() -> None:
    for stage in STAGES:
        init = PACKAGE / stage / "__init__.py"
        doc = init.read_text(encoding="utf-8")
        assert "Enters:" in doc and "Leaves:" in doc, stage


def test_top_level_stays_small() -> None:
    top = [p for p in PACKAGE.glob("*.py") if p.name != "__init__.py"]
    assert len(top) <= 12, sorted(p.name for p in top)


def test_no_module_is_far_over_200_lines() -> None:
    roots = [PACKAGE.parent / name for name in ("retrieval", "bot", "qabot", "evaluation")]
    long = {
        str(p.relative_to(PACKAGE.parent)): n
        for root in roots
        for p in root.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 220
    }
    assert not long
