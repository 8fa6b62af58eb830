"""An app on a fresh SQLite file with one learner, for benchmarks that use Flask's test client."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

EMAIL = "bench@example.org"
PASSWORD = "bench-password-long-enough-42"


@contextmanager
def app_with_learner() -> Iterator[Any]:
    """Yield an app (CSRF off: the benchmarks post forms directly) whose database holds one learner."""
    from course.accounts import configure_hasher, register
    from course.platform import migrate
    from course.platform.db import make_engine
    from webapp import create_app
    from webapp.extensions import db

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        engine = make_engine(url)
        migrate.upgrade(engine)
        engine.dispose()
        app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": url, "WTF_CSRF_ENABLED": False})
        with app.app_context():
            configure_hasher(1, 8192)
            register(
                db.session, email=EMAIL, full_name="Bench", organisation="", country="", password=PASSWORD
            )
            db.session.commit()
        yield app
        app.extensions["db"][0].dispose()


def log_in(client: Any) -> None:
    client.post("/login", data={"email": EMAIL, "password": PASSWORD})
