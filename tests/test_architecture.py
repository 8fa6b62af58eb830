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
