"""Domain tests run on a real database without any Flask app."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from course import accounts
from course.platform.db import make_engine, make_sessionmaker
from tests.conftest import PASSWORD, empty_tables


@pytest.fixture
def dbsession(database_url: str) -> Iterator[Any]:
    engine = make_engine(database_url)
    empty_tables(engine)
    accounts.configure_hasher(1, 8192)
    with make_sessionmaker(engine)() as session:
        yield session
    engine.dispose()


@pytest.fixture
def learner(dbsession: Any) -> Any:
    user = accounts.register(
        dbsession,
        email="learner@example.org",
        full_name="Learner",
        organisation="",
        country="",
        password=PASSWORD,
    )
    dbsession.commit()
    return user
