"""The live quiz in the domain: one question at a time, answers once while open, results."""

from __future__ import annotations

import random
from typing import Any

import pytest

from course import accounts, cohorts
from course.cohorts import live
from course.content import Catalogue, load_catalogue
from course.models import Role
from tests.conftest import PASSWORD
from tests.course.content.contenttree import write_tree


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> Catalogue:
    return load_catalogue(write_tree(tmp_path_factory.mktemp("content"), modules=1))


def test_a_question_round(dbsession: Any, catalogue: Catalogue) -> None:
    def account(n: int, role: Role = Role.LEARNER) -> Any:
        return accounts.register(
            dbsession,
            email=f"p{n}@example.org",
            full_name=f"P{n}",
            organisation="",
            country="",
            password=PASSWORD,
            role=role,
        )

    trainer = account(0, Role.INSTRUCTOR)
    cohort = cohorts.create_cohort(
        dbsession, trainer, cohorts.CohortSettings(title="Room", module_ids=("mod-1",))
    )
    module = catalogue.module("mod-1")
    assert live.state(dbsession, cohort.id) == {"key": "none", "answers": 0}

    first = live.open_question(dbsession, trainer, cohort, module, "q-multiple", rng=random.Random(3))
    assert sorted(first.option_ids) == ["a", "b", "c", "d"] and first.status == live.OPEN
    item = live.shown(catalogue, first)
    learners = [account(n).id for n in range(1, 7)]
    choices = [["a", "b"], ["a"], ["a", "c"], ["zzz"], []]
    outcomes = [
        live.answer(dbsession, item, user_id, c) for user_id, c in zip(learners, choices, strict=False)
    ]
    assert outcomes == [live.AnswerOutcome.RECORDED] * 3 + [live.AnswerOutcome.INVALID] * 2
    assert live.answer(dbsession, item, learners[0], ["c"]) is live.AnswerOutcome.ALREADY
    assert live.state(dbsession, cohort.id) == {"key": f"{first.id}-open", "answers": 3}

    assert live.close(dbsession, first) and not live.close(dbsession, first)
    assert live.answer(dbsession, item, learners[5], ["a", "b"]) is live.AnswerOutcome.CLOSED
    assert live.reveal(dbsession, first) and first.status == live.REVEALED and first.closed_at is not None
    results = live.results(dbsession, live.shown(catalogue, first))
    assert (results.answered, results.correct, results.share_correct) == (3, 1, 33.3)
    assert {o.id: n for o, n in results.counts} == {"a": 3, "b": 1, "c": 1, "d": 0}
    assert [o.id for o, _n in results.counts] == first.option_ids  # in the order the room saw them

    second = live.open_question(dbsession, trainer, cohort, module, "q-tf")
    dbsession.refresh(first)
    assert second.option_ids == ["true", "false"]  # true/false is never shuffled
    assert live.current(dbsession, cohort.id) is second
    third = live.open_question(dbsession, trainer, cohort, module, "q-single")
    dbsession.refresh(second)
    assert second.status == live.CLOSED and first.status == live.REVEALED and third.status == live.OPEN
    past = live.history(dbsession, cohort.id)
    assert [(p.live.id, p.answered, p.correct) for p in past] == [
        (third.id, 0, 0),
        (second.id, 0, 0),
        (first.id, 3, 1),
    ]
    with pytest.raises(live.UnknownQuestion):
        live.open_question(dbsession, trainer, cohort, module, "no-such-question")
