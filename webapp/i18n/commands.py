"""`flask content translations`: what each module has in each language, and what is missing or outdated."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from course.content import SOURCE_LOCALE, ContentError, file_version, load_catalogue


@click.command("translations")
@click.option("--strict", is_flag=True, help="Fail (exit 1) on any warning too: for a translators' CI.")
@click.option(
    "--versions", is_flag=True, help="List each English file with the version a translation records."
)
@with_appcontext
def content_translations(strict: bool, versions: bool) -> None:
    """Report every translation: lessons and questions translated, and what is missing or outdated."""
    try:
        catalogue = load_catalogue(current_app.config["CONTENT_DIR"])
    except ContentError as exc:
        for problem in [*exc.problems, *exc.warnings]:
            click.echo(str(problem))
        click.echo(f"{len(exc.problems)} problem(s) found.", err=True)
        sys.exit(1)
    for english in catalogue.modules:
        lines = []
        for locale in catalogue.locales[1:]:
            module = catalogue.module(english.id, locale)
            if module is None or module is english:
                continue
            lessons = sum(1 for lesson in module.lessons if lesson.locale == locale)
            questions = sum(1 for a, b in zip(module.questions, english.questions, strict=True) if a is not b)
            overview = "overview ✓" if module.locale == locale else "overview —"
            lines.append(
                f"  {locale:<5} {overview}   lessons {lessons}/{len(module.lessons)}"
                f"   questions {questions}/{len(module.questions)}"
            )
        if lines:
            click.echo(f"{english.id} (in {SOURCE_LOCALE}: {english.version})")
            click.echo("\n".join(lines))
    if versions:
        root = Path(current_app.config["CONTENT_DIR"]).parent
        for module in catalogue.modules:
            folder = (root / module.source).parent
            click.echo(f"{module.id}:")
            for path in sorted(
                p for p in folder.iterdir() if p.suffix in (".md", ".yaml") and p.stem.count(".") == 0
            ):
                click.echo(f'  {path.name:<48} source_version: "{file_version(path)}"')
    for warning in catalogue.warnings:
        click.echo(str(warning))
    click.echo(f"{len(catalogue.warnings)} warning(s).")
    if strict and catalogue.warnings:
        sys.exit(1)


def init_app(app: Flask) -> None:
    from webapp.cli import content_cli

    content_cli.add_command(content_translations)
