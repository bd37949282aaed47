"""The headless core never imports Textual; `items --json` stays light."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import gluetui

#: Every package and top-level module of the headless core: everything in gluetui but gluetui.ui.
#: Found by walking the package, so a module added later is checked without anyone listing it.
HEADLESS = sorted(
    m.name
    for m in pkgutil.iter_modules(gluetui.__path__, "gluetui.")
    if m.name not in ("gluetui.ui", "gluetui.__main__")
)

_IMPORT_EACH = """
import importlib, pkgutil, sys
root = importlib.import_module(sys.argv[1])
names = [root.__name__]
if hasattr(root, "__path__"):
    names += [m.name for m in pkgutil.walk_packages(root.__path__, root.__name__ + ".")]
for name in names:
    importlib.import_module(name)
    if "textual" in sys.modules:
        print("textual imported by", name)
        break
else:
    print("clean", len(names))
"""


def test_headless_list_names_the_core_packages() -> None:
    for package in ("gluetui.config", "gluetui.forges", "gluetui.detect", "gluetui.store"):
        assert package in HEADLESS
    assert "gluetui.ui" not in HEADLESS


@pytest.mark.parametrize("module", HEADLESS)
def test_headless_module_does_not_import_textual(module: str) -> None:
    """Each headless package, with every module below it, never imports textual.

    (rich is not checked at run time: httpx imports it for its own CLI when it is installed; the
    import-linter contract checks that no gluetui module outside ``gluetui.ui`` imports it.)
    """
    out = subprocess.run(
        [sys.executable, "-c", _IMPORT_EACH, module], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip().startswith("clean"), out.stdout


def test_items_json_path_imports_neither_textual_nor_pydantic(tmp_path: object) -> None:
    code = (
        "import sys\n"
        "from gluetui import cli\n"
        "try:\n    cli.main(['items', '--json'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('textual', 'pydantic', 'httpx', 'github', 'gitlab') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_every_source_kind_has_an_adapter_and_nothing_else_does() -> None:
    import typing

    from gluetui.config.forges import FORGE_KINDS
    from gluetui.config.schema import SourceConfig
    from gluetui.forges.registry import ADAPTERS

    kinds = set(typing.get_args(SourceConfig.model_fields["kind"].annotation))
    assert kinds == set(ADAPTERS) == set(FORGE_KINDS)


def test_pygithub_is_imported_on_the_github_write_path_only() -> None:
    """``grep -rn "import github\\|from github" gluetui/``: PyGithub appears in the GitHub
    actions and the module that configures it, imported inside the functions the acting thread
    runs or for type checking only (never when a module is loaded)."""
    root = Path(gluetui.__file__).parent
    found = {
        str(path.relative_to(root.parent)): [
            line.strip()
            for line in path.read_text().splitlines()
            if line.lstrip().startswith(("import github", "from github"))
        ]
        for path in root.rglob("*.py")
    }
    found = {path: lines for path, lines in found.items() if lines}
    assert set(found) == {"gluetui/forges/github/pygithub.py", "gluetui/forges/github/actions.py"}
    for path in found:
        text = (root.parent / path).read_text().splitlines()
        assert not [line for line in text if line.startswith(("import github", "from github"))]


def test_an_unknown_source_kind_is_a_config_error() -> None:
    from gluetui.errors import ConfigError
    from gluetui.forges.registry import adapter_for

    with pytest.raises(ConfigError) as info:
        adapter_for("bitbucket")
    assert "bitbucket" in info.value.title
    assert "github" in info.value.hint and "gitlab" in info.value.hint


def test_forge_packages_do_not_import_each_other_or_the_detectors() -> None:
    """The tree the README and docs/architecture.md describe is the tree on disk."""
    root = Path(gluetui.__file__).parent
    for package in ("github", "gitlab", "demo"):
        assert (root / "forges" / package / "__init__.py").is_file()
        others = {"github", "gitlab", "demo"} - {package}
        for module in (root / "forges" / package).glob("*.py"):
            text = module.read_text()
            assert "gluetui.detect" not in text, module
            for other in others:
                assert f"gluetui.forges.{other}" not in text, (module, other)
    for path in ("config", "forges/registry.py", "docrefs.py", "globs.py"):
        assert (root / path).exists(), path
    docs = (root.parent / "docs" / "architecture.md").read_text()
    for name in ("config/", "forges/registry.py", "forges/github/", "docrefs.py", "globs.py"):
        assert name in docs
