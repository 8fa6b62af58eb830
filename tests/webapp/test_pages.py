"""The reading pages, error pages, content check command and start-up refusal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.course.content.contenttree import module_dir, write_tree


def test_catalogue_lists_paths_and_modules(client: Any, app: Any) -> None:
    html = client.get("/").get_data(as_text=True)
    catalogue = app.extensions["catalogue"]
    for path in catalogue.paths:
        assert path.title in html
    for module in catalogue.modules:
        assert module.title in html
    assert "Investigators and first responders" in html


def test_module_page_shows_overview_objectives_lessons_key_articles(client: Any, app: Any) -> None:
    module = app.extensions["catalogue"].module("electronic-evidence")
    html = client.get(f"/modules/{module.id}").get_data(as_text=True)
    assert module.objectives[0].split()[0] in html
    for lesson in module.lessons:
        assert f"/modules/{module.id}/lessons/{lesson.id}" in html
    assert "Key articles" in html and "/convention/articles/25" in html


def test_lesson_page_has_toc_citation_links_and_navigation(client: Any, app: Any) -> None:
    module = app.extensions["catalogue"].module("electronic-evidence")
    first, second = module.lessons[0], module.lessons[1]
    html = client.get(f"/modules/{module.id}/lessons/{second.id}").get_data(as_text=True)
    assert second.title in html
    assert 'class="toc"' in html and f'href="#{second.toc[0].anchor}"' in html
    assert 'class="cite"' in html
    assert f'rel="prev" href="/modules/{module.id}/lessons/{first.id}"' in html
    assert f'rel="next" href="/modules/{module.id}/lessons/{module.lessons[2].id}"' in html
    assert "Log in to record your progress" in html


def test_last_lesson_leads_to_the_quiz(client: Any, app: Any) -> None:
    module = app.extensions["catalogue"].module("electronic-evidence")
    html = client.get(f"/modules/{module.id}/lessons/{module.lessons[-1].id}").get_data(as_text=True)
    assert f'rel="next" href="/modules/{module.id}/quiz"' in html


def test_article_page_shows_the_article_and_what_cites_it(client: Any, app: Any) -> None:
    html = client.get("/convention/articles/24").get_data(as_text=True)
    assert "Article 24. Conditions and safeguards" in html
    citations = app.extensions["catalogue"].citations[24]
    lesson = next(c for c in citations if c.lesson_id)
    question = next(c for c in citations if c.question_id)
    assert f"/modules/{lesson.module_id}/lessons/{lesson.lesson_id}" in html
    from markupsafe import escape

    assert str(escape(question.title)) in html


def test_article_index_lists_all_chapters(client: Any) -> None:
    html = client.get("/convention").get_data(as_text=True)
    assert "Chapter IV. Procedural measures and law enforcement" in html
    assert html.count('href="/convention/articles/') == 68


def test_glossary_links_back_to_the_lesson_of_first_use(client: Any, app: Any) -> None:
    html = client.get("/glossary").get_data(as_text=True)
    catalogue = app.extensions["catalogue"]
    module_id, lesson_id = catalogue.term_first_use["traffic-data"]
    assert 'id="traffic-data"' in html
    assert f"/modules/{module_id}/lessons/{lesson_id}" in html


@pytest.mark.parametrize(
    "path",
    [
        "/modules/nope",
        "/modules/electronic-evidence/lessons/nope",
        "/convention/articles/69",
        "/paths/nope",
        "/no-such-page",
    ],
)
def test_unknown_pages_get_a_friendly_404(client: Any, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_server_error_shows_no_stack_trace(app: Any) -> None:
    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("secret internals")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/boom")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong on our side" in body
    assert "secret internals" not in body and "Traceback" not in body


def test_pages_carry_security_headers(client: Any) -> None:
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    for name in (
        "Content-Security-Policy",
        "X-Content-Type-Options",
        "X-Frame-Options",
        "Permissions-Policy",
    ):
        assert len(response.headers.getlist(name)) == 1, name
    assert response.headers["Content-Language"] == "en" and "Accept-Language" in response.headers["Vary"]
    with client.get("/static/academy.css") as static:
        assert (
            static.headers["X-Content-Type-Options"] == "nosniff" and "Content-Language" not in static.headers
        )


def test_a_page_that_sets_its_own_header_keeps_it_alone(client: Any) -> None:
    response = client.get("/password/reset/not-a-real-token")  # a token page: no referrer, no cache
    assert response.headers.getlist("Referrer-Policy") == ["no-referrer"]
    assert response.headers.getlist("Cache-Control") == ["no-store"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_page_weight_is_small_and_has_no_third_party_reference(client: Any, app: Any) -> None:
    module = app.extensions["catalogue"].module("electronic-evidence")
    html = client.get(f"/modules/{module.id}/lessons/{module.lessons[0].id}").get_data(as_text=True)
    with client.get("/static/academy.css") as response:
        css = response.data
    assert len(html.encode()) + len(css) < 40_000
    assert "http://" not in html.replace("http://localhost", "") and "https://" not in html


def test_form_fields_carry_only_the_autocomplete_hints_they_were_given(client: Any) -> None:
    """Password managers and phones read autocomplete: a field without a hint must not say "None"."""
    login_page = client.get("/login").get_data(as_text=True)
    assert 'autocomplete="username"' in login_page and 'autocomplete="current-password"' in login_page
    for path in ("/login", "/register", "/password/forgot", "/verify/credential"):
        response = client.get(path, follow_redirects=True)
        assert 'autocomplete="None"' not in response.get_data(as_text=True), path


def test_content_check_command_reports_ok(runner: Any) -> None:
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output
    assert "Content OK: 7 modules" in result.output


def test_content_check_command_lists_problems_and_fails(app: Any, tmp_path: Path) -> None:
    root = write_tree(tmp_path / "content")
    app.config["CONTENT_DIR"] = str(root)
    lesson = module_dir(root) / "01-first.md"
    lesson.write_text(lesson.read_text().replace("(Art. 25)", "(Art. 77)"))
    result = app.test_cli_runner().invoke(args=["content", "check"])
    assert result.exit_code == 1
    assert "content/modules/01-mod-1/01-first.md:7: unknown article 77 in 'Art. 77'" in result.output


def test_app_refuses_to_start_on_broken_content(config: dict[str, Any], tmp_path: Path, capsys: Any) -> None:
    from webapp import create_app

    root = write_tree(tmp_path / "content")
    quiz = module_dir(root) / "quiz.yaml"
    quiz.write_text(quiz.read_text().replace("articles: [25]", "articles: [99]"))
    with pytest.raises(SystemExit) as exited:
        create_app({**config, "CONTENT_DIR": str(root)})
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert "the app will not start" in err
    assert "content/modules/01-mod-1/quiz.yaml:21: question 'q-tf': unknown article 99" in err
    assert "Traceback" not in err
