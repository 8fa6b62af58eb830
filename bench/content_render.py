"""Content benchmark: load + render the whole tree, and serve a lesson page from the cache.

Run: make bench (or .venv/bin/python -m bench.content_render). Prints figures; asserts nothing.
The lesson page is served through Flask's test client in this process, so the
figure is the app's own cost per page without network or server overhead.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from course.content import load_catalogue

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"


def timed(fn, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    loads = timed(lambda: load_catalogue(CONTENT), 10)
    catalogue = load_catalogue(CONTENT)
    lessons = sum(len(m.lessons) for m in catalogue.modules)
    words = sum(lesson.word_count for m in catalogue.modules for lesson in m.lessons)
    print(f"content tree: {len(catalogue.modules)} modules, {lessons} lessons, {words} words")
    print(
        f"load + validate + render whole tree: median {statistics.median(loads) * 1000:.1f} ms, "
        f"best {min(loads) * 1000:.1f} ms (10 runs)"
    )

    from bench.inprocess import app_with_learner, log_in

    with app_with_learner() as app:
        module = catalogue.module("electronic-evidence")
        assert module is not None
        path = f"/modules/{module.id}/lessons/{module.lessons[2].id}"
        client = app.test_client()
        client.get(path)
        n = 2000
        anonymous = timed(lambda: client.get(path), n)
        log_in(client)
        logged = timed(lambda: client.get(path), n)
        size = len(client.get(path).data)
        for label, times in (("anonymous", anonymous), ("logged-in", logged)):
            print(
                f"lesson page from cache, {label}: median {statistics.median(times) * 1000:.2f} ms, "
                f"p99 {sorted(times)[int(n * 0.99)] * 1000:.2f} ms, {n / sum(times):.0f} pages/s "
                f"(one process, test client, {n} requests)"
            )
        print(f"lesson page HTML: {size} bytes")


if __name__ == "__main__":
    main()
