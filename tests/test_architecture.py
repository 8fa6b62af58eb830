"""Schema and layering rules that keep the codebase honest."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from course.models import Base
from course.platform import migrate

ROOT = Path(__file__).resolve().parent.parent


def test_migrations_build_exactly_the_models_schema(app: Any) -> None:
    """The test database was built by the migrations; autogenerate must find nothing to do."""
    engine = app.extensions["db"][0]
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []
    assert migrate.current(engine) == migrate.head(engine)


def test_course_never_imports_flask_or_webapp() -> None:
    for path in (ROOT / "course").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                assert top not in {
                    "flask",
                    "flask_login",
                    "flask_wtf",
                    "flask_babel",
                    "webapp",
                    "werkzeug",
                }, f"{path.relative_to(ROOT)} imports {name}"


DOMAIN_PACKAGES = ("accounts", "cohorts", "content", "convention", "credentials", "learning", "platform")
MAX_MODULE_LINES = 420  # "about 400": a module past this holds two concerns


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module, names) for each `import` and `from … import` in a file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, [alias.name for alias in node.names]))
    return found


def test_course_is_domain_packages_and_the_schema() -> None:
    """course/ holds the domain packages and models.py; no loose module beside them."""
    top = {p.name for p in (ROOT / "course").iterdir() if not p.name.startswith(("_", "."))}
    assert top == {*DOMAIN_PACKAGES, "models.py"}
    for package in DOMAIN_PACKAGES:
        init = ROOT / "course" / package / "__init__.py"
        assert ast.get_docstring(ast.parse(init.read_text())), f"course/{package} says nothing of itself"


def test_no_module_holds_two_concerns() -> None:
    long = {
        str(path.relative_to(ROOT)): n
        for path in [*(ROOT / "course").rglob("*.py"), *(ROOT / "webapp").rglob("*.py")]
        if "migrations" not in path.parts and (n := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_no_package_reaches_into_another_packages_private_names() -> None:
    """Across packages (and from webapp/) only public names are imported: no `_private` module or name."""
    for path in [*(ROOT / "course").rglob("*.py"), *(ROOT / "webapp").rglob("*.py")]:
        own = path.relative_to(ROOT).parts[:2]  # ('course', 'cohorts') or ('webapp', 'auth.py')
        for module, names in _imports(path):
            parts = module.split(".")
            if parts[0] != "course" or tuple(parts[:2]) == own:
                continue
            private = [p for p in parts if p.startswith("_")] + [n for n in names if n.startswith("_")]
            assert not private, f"{path.relative_to(ROOT)} imports {private} from {module}"
