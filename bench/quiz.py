"""Quiz benchmark: pure scoring per attempt, and a whole attempt through the test client.

Run: .venv/bin/python -m bench.quiz. Prints figures; asserts nothing. The target
is a whole quiz attempt (start, show the questions, submit, see the result)
in under 40 ms.
"""

from __future__ import annotations

import random
import re
import statistics
import time
from pathlib import Path

from course.content import load_catalogue
from course.learning import quiz

ROOT = Path(__file__).resolve().parent.parent
MODULE_ID = "electronic-evidence"


def main() -> None:
    module = load_catalogue(ROOT / "content").module(MODULE_ID)
    assert module is not None
    pool = module.question_pool
    rng = random.Random(7)
    shown_sets = [quiz.draw(module.questions, 10, rng) for _ in range(2000)]
    answer_sets = [{s.question_id: [rng.choice(s.option_ids)] for s in shown} for shown in shown_sets]
    start = time.perf_counter()
    for shown, answers in zip(shown_sets, answer_sets, strict=True):
        quiz.score(pool, shown, answers, 80)
    per = (time.perf_counter() - start) / len(shown_sets)
    print(f"scoring (course.learning.quiz.score, 10 questions): {per * 1e6:.1f} µs per attempt")

    from bench.inprocess import app_with_learner, log_in

    with app_with_learner() as app:
        client = app.test_client()
        log_in(client)
        whole, submits = [], []
        for _ in range(200):
            t0 = time.perf_counter()
            location = client.post(f"/modules/{MODULE_ID}/quiz").headers["Location"]
            html = client.get(location).get_data(as_text=True)
            data: dict[str, str] = {}
            for name, value in re.findall(r'name="(q\d+)" type="(?:radio|checkbox)" value="([^"]+)"', html):
                data.setdefault(name, value)
            t1 = time.perf_counter()
            response = client.post(location, data=data)
            t2 = time.perf_counter()
            assert response.status_code == 302, response.status_code
            client.get(location)  # the result page
            t3 = time.perf_counter()
            submits.append(t2 - t1)
            whole.append(t3 - t0)
        for label, times in (
            ("submit (POST answers)", submits),
            ("whole attempt (start, show, submit, result)", whole),
        ):
            print(
                f"{label}: median {statistics.median(times) * 1000:.1f} ms, "
                f"p99 {sorted(times)[int(len(times) * 0.99)] * 1000:.1f} ms"
                " (test client, SQLite, 200 attempts)"
            )


if __name__ == "__main__":
    main()
