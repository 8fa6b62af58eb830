"""The interface in French, Spanish and Arabic: choosing the language, right to left, translated content."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from babel.dates import format_datetime
from flask_babel import force_locale, gettext
from sqlalchemy import select

from course.models import QuizAttempt, User
from tests.conftest import PASSWORD, csrf_token, login
from tests.webapp.test_journey import answers_for, parse_quiz, start_attempt

MODULE_ONE = "convention-at-a-glance"
FIRST_LESSON = f"/modules/{MODULE_ONE}/lessons/why-a-convention"
UNTRANSLATED_LESSON = "/modules/human-rights-safeguards/lessons/"


def page(client: Any, path: str, **headers: str) -> str:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def html_tag(html: str) -> str:
    match = re.search(r"<html[^>]*>", html)
    assert match
    return match.group(0)


def set_locale(session: Any, email: str, locale: str | None) -> None:
    session.rollback()  # start from what the app has committed
    user = session.scalar(select(User).where(User.email == email))
    user.locale = locale
    session.commit()


def test_switching_language_changes_the_interface(client: Any) -> None:
    assert "Log in" in page(client, "/")
    response = client.get("/language?locale=fr&next=/glossary")
    assert response.status_code == 302
    assert response.headers["Location"] == "/glossary"
    assert "no-store" in response.headers["Cache-Control"]
    cookie = client.get_cookie("locale")
    assert cookie.value == "fr" and cookie.http_only and cookie.same_site == "Lax"
    html = page(client, "/glossary")
    assert '<html lang="fr" dir="ltr">' in html
    assert "Se connecter" in html and "Glossaire" in html and "Log in" not in html
    client.get("/language?locale=es&next=/")
    assert "Iniciar sesión" in page(client, "/")


def test_every_page_offers_the_languages_by_their_own_names_without_javascript(client: Any) -> None:
    html = page(client, "/convention")
    switcher = re.search(r'<nav class="languages".*?</nav>', html, re.S)
    assert switcher, "no language switcher"
    form = switcher.group(0)
    assert 'method="get" action="/language"' in form
    assert '<input type="hidden" name="next" value="/convention">' in form
    for code, name in (("fr", "Français"), ("es", "Español"), ("ar", "العربية")):
        assert f'<button class="link" name="locale" value="{code}" lang="{code}">{name}</button>' in form
    assert '<strong lang="en">English</strong>' in form  # the current one is not a button


def test_anonymous_pages_stay_cacheable_per_language(client: Any) -> None:
    response = client.get("/", headers={"Accept-Language": "fr"})
    assert "Set-Cookie" not in response.headers  # no session, no token: one copy per language
    assert {"Accept-Language", "Cookie"} <= set(response.vary)
    assert response.headers["Content-Language"] == "fr"
    assert "csrf_token" not in response.get_data(as_text=True)


def test_the_browser_language_is_used_until_the_learner_chooses(client: Any) -> None:
    assert "Cursos" in page(client, "/", **{"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"})
    assert "Courses" in page(client, "/", **{"Accept-Language": "de-DE,de;q=0.9"})  # not offered: English
    client.get("/language?locale=fr&next=/")
    assert "Cours" in page(client, "/", **{"Accept-Language": "es"})  # the choice wins over the browser


def test_the_profile_language_wins_and_the_switcher_saves_it(
    client: Any, session: Any, make_user: Any
) -> None:
    user = make_user()
    set_locale(session, user.email, "es")
    login(client, user.email)
    assert "Mi progreso" in page(client, "/dashboard", **{"Accept-Language": "fr"})
    token = csrf_token(client, "/dashboard")
    html = page(client, "/dashboard")
    assert 'method="post" action="/language"' in html  # logged in: a POST with a CSRF token
    response = client.post("/language", data={"locale": "ar", "next": "/dashboard", "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"
    session.rollback()  # end the test's read snapshot: see what the app committed
    assert session.scalar(select(User.locale).where(User.id == user.id)) == "ar"
    assert 'lang="ar" dir="rtl"' in page(client, "/dashboard")


def test_the_switcher_refuses_bad_input_and_changes_nothing(
    client: Any, session: Any, logged_in: Any
) -> None:
    user = logged_in()
    response = client.post("/language", data={"locale": "fr", "next": "/"})  # no CSRF token
    assert response.status_code == 400
    token = csrf_token(client, "/")
    assert client.post("/language", data={"locale": "xx", "csrf_token": token}).status_code == 400
    assert client.get("/language?locale=zz").status_code == 400
    session.rollback()  # end the test's read snapshot: see what the app committed
    assert session.scalar(select(User.locale).where(User.id == user.id)) is None
    assert client.get_cookie("locale") is None


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example"])
def test_the_switcher_only_returns_to_a_local_page(client: Any, target: str) -> None:
    response = client.get("/language", query_string={"locale": "fr", "next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_an_arabic_page_is_right_to_left(client: Any) -> None:
    client.get("/language?locale=ar&next=/")
    html = page(client, "/")
    assert html_tag(html) == '<html lang="ar" dir="rtl">'
    assert "أكاديمية الاتفاقية" in html
    client.get("/language?locale=fr&next=/")
    assert html_tag(page(client, "/")) == '<html lang="fr" dir="ltr">'


def test_the_arabic_module_overview_is_arabic_and_english_lessons_are_marked(client: Any, app: Any) -> None:
    client.get("/language?locale=ar&next=/")
    html = page(client, f"/modules/{MODULE_ONE}")
    assert "الاتفاقية في لمحة عامة" in html
    assert "بعض دروس هذه الوحدة غير متاحة بالعربية بعد" in html
    lessons = len(app.extensions["catalogue"].module(MODULE_ONE).lessons)  # none of them in Arabic yet
    assert html.count("(بالإنكليزية)") == lessons
    lesson = page(client, FIRST_LESSON)
    assert "هذا الدرس غير متاح بالعربية بعد" in lesson
    assert '<article class="lesson" lang="en" dir="ltr">' in lesson  # English text inside the Arabic page


def test_a_french_learner_sees_the_french_lesson_and_english_with_a_notice_elsewhere(
    client: Any, app: Any, session: Any, make_user: Any
) -> None:
    user = make_user()
    set_locale(session, user.email, "fr")
    login(client, user.email)
    lesson = page(client, FIRST_LESSON)
    assert "<h1>Pourquoi une convention des Nations Unies sur la cybercriminalité\xa0?</h1>" in lesson
    assert '<a href="/convention/articles/1" class="cite">art. 1</a>' in lesson
    assert "pas encore disponible en français" not in lesson
    assert '<article class="lesson">' in lesson
    untranslated = app.extensions["catalogue"].module("human-rights-safeguards").lessons[0]
    english = page(client, UNTRANSLATED_LESSON + untranslated.id)
    assert "Cette leçon n'est pas encore disponible en français. Elle s'affiche en anglais." in english
    assert f"<h1>{untranslated.title}</h1>" in english
    assert '<article class="lesson" lang="en" dir="ltr">' in english
    assert "Marquer comme terminée" in english  # the interface stays French


def test_lesson_boxes_are_labelled_in_the_language_of_the_lesson(client: Any) -> None:
    client.get("/language?locale=es&next=/")
    html = page(client, f"/modules/{MODULE_ONE}/lessons/general-rules")
    assert '<p class="box-title">Caso práctico: El teléfono, la nube y la frontera</p>' in html
    assert "<summary>Mostrar una respuesta sugerida</summary>" in html
    client.get("/language?locale=fr&next=/")
    html = page(client, f"/modules/{MODULE_ONE}/lessons/general-rules")
    assert '<p class="box-title">Scénario\xa0: Le téléphone, le nuage et la frontière</p>' in html


def test_progress_and_attempts_are_shared_across_languages(
    client: Any, app: Any, session: Any, logged_in: Any
) -> None:
    user = logged_in()
    set_locale(session, user.email, "fr")
    token = csrf_token(client, FIRST_LESSON)
    response = client.post(f"{FIRST_LESSON}/complete", data={"csrf_token": token})
    assert response.status_code == 302
    assert "Leçon terminée\xa0: Pourquoi une convention" in page(client, response.headers["Location"])
    attempt_id, html = start_attempt(client, MODULE_ONE)
    english = app.extensions["catalogue"].module(MODULE_ONE)
    french = app.extensions["catalogue"].module(MODULE_ONE, locale="fr")
    shown = unescape(html)
    assert sum(q.prompt in shown for q in french.questions) == 10
    assert not any(q.prompt in shown for q in english.questions)
    right = answers_for(app, session, attempt_id, right=True)
    form = parse_quiz(html)
    response = client.post(f"/quiz/attempts/{attempt_id}", data={**right, "csrf_token": form.csrf})
    assert response.status_code == 302

    set_locale(session, user.email, "en")  # the same learner, now in English
    assert "You completed this lesson." in page(client, FIRST_LESSON)
    result = page(client, f"/quiz/attempts/{attempt_id}")
    assert "Your result: 100.0%" in result
    session.rollback()  # end the test's read snapshot: see what the app committed
    attempt = session.get(QuizAttempt, attempt_id)
    assert attempt.content_version == english.version and attempt.passed


def test_true_false_options_are_in_the_language_of_the_quiz(
    client: Any, app: Any, session: Any, logged_in: Any
) -> None:
    user = logged_in()
    set_locale(session, user.email, "es")
    french = app.extensions["catalogue"].module(MODULE_ONE, locale="es")
    assert [o.text for o in french.question_pool["signing-does-not-bind"].options] == ["Verdadero", "Falso"]


def test_dates_and_numbers_follow_the_language(client: Any, app: Any, session: Any, logged_in: Any) -> None:
    user = logged_in()
    set_locale(session, user.email, "fr")
    attempt_id, html = start_attempt(client, MODULE_ONE)
    right = answers_for(app, session, attempt_id, right=True)
    token = parse_quiz(html).csrf
    response = client.post(f"/quiz/attempts/{attempt_id}", data={**right, "csrf_token": token})
    assert response.status_code == 302
    session.rollback()  # end the test's read snapshot: see what the app committed
    submitted = session.get(QuizAttempt, attempt_id).submitted_at
    assert submitted is not None
    overview = page(client, f"/modules/{MODULE_ONE}/quiz")
    assert format_datetime(submitted, "medium", locale="fr", tzinfo=None) in overview
    assert "100,0\xa0%" in overview  # the attempts table writes scores the French way too
    dashboard = page(client, "/dashboard")
    assert "100,0\xa0%" in dashboard  # French writes 100,0 %
    module = page(client, f"/modules/{MODULE_ONE}")
    assert "Votre meilleur score\xa0: 100,0\xa0%." in module


def test_form_errors_and_messages_are_translated(client: Any, make_user: Any) -> None:
    client.get("/language?locale=fr&next=/")
    token = csrf_token(client, "/register")
    html = client.post("/register", data={"csrf_token": token, "email": "x"}).get_data(as_text=True)
    assert "Ce champ est requis." in html  # WTForms' own messages, in French
    user = make_user()
    response = client.post(
        "/login", data={"email": user.email, "password": "wrong-" + PASSWORD, "csrf_token": token}
    )
    assert "L'adresse électronique ou le mot de passe est incorrect." in unescape(
        response.get_data(as_text=True)
    )


def test_the_account_form_offers_the_languages(client: Any, session: Any, logged_in: Any) -> None:
    user = logged_in()
    html = page(client, "/account")
    for code, name in (("", "From my browser"), ("en", "English"), ("fr", "Français"), ("ar", "العربية")):
        assert f'<option value="{code}"' in html and name in html
    token = csrf_token(client, "/account")
    data = {"full_name": "Test Official", "organisation": "Ministry", "country": "Chile", "csrf_token": token}
    assert client.post("/account", data={**data, "locale": "es"}).status_code == 302
    assert "Su perfil se ha guardado." in page(client, "/account")
    assert client.post("/account", data={**data, "locale": "xx"}).status_code == 200  # refused, shown again
    session.rollback()  # end the test's read snapshot: see what the app committed
    assert session.scalar(select(User.locale).where(User.id == user.id)) == "es"


def test_force_locale_renders_text_and_content_in_another_language(app: Any) -> None:
    """What the certificate and e-mail code needs: a string or a module in a given language."""
    from webapp import catalogue

    with app.app_context():
        with force_locale("ar"):
            assert gettext("Certificate of completion") == "شهادة إتمام"
            assert catalogue().module(MODULE_ONE).title == "الاتفاقية في لمحة عامة"
        assert gettext("Certificate of completion") == "Certificate of completion"
        assert catalogue().module(MODULE_ONE).title == "The Convention at a glance"


def test_templates_follow_force_locale_inside_a_request(app: Any) -> None:
    """Templates find a request's translations once; a force_locale block still gets its own language."""
    from flask import render_template_string

    words = '{{ _("Certificate of completion") }}'
    with app.test_request_context("/", headers={"Accept-Language": "es"}):
        spanish = render_template_string(words)
        with force_locale("ar"):
            assert render_template_string(words) == "شهادة إتمام"
        assert render_template_string(words) == spanish != "Certificate of completion"


def test_content_translations_command_reports_each_language(runner: Any, app: Any) -> None:
    module = app.extensions["catalogue"].module(MODULE_ONE)
    lessons, questions = len(module.lessons), len(module.questions)
    result = runner.invoke(args=["content", "translations"])
    assert result.exit_code == 0, result.output
    assert "convention-at-a-glance" in result.output
    assert (
        f"fr    overview ✓   lessons {lessons}/{lessons}   questions {questions}/{questions}" in result.output
    )
    assert f"ar    overview ✓   lessons 0/{lessons}   questions 0/{questions}" in result.output
    assert "warning: no translation into 'ar' (01-why-a-convention.ar.md)" in result.output
    strict = runner.invoke(args=["content", "translations", "--strict"])
    assert strict.exit_code == 1
    versions = runner.invoke(args=["content", "translations", "--versions"]).output
    assert re.search(r'quiz.yaml +source_version: "[0-9a-f]{12}"', versions)
