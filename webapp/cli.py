"""Flask commands: content check, db upgrade, users create, demo data."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from course import accounts
from course.content import check_content
from course.content.stats import curriculum_stats
from course.models import Role, User
from course.platform import backup, migrate
from webapp.extensions import db

content_cli = AppGroup("content", help="Check the course content.")
db_cli = AppGroup("db", help="Create, upgrade and inspect the database.")
users_cli = AppGroup("users", help="Manage accounts.")
demo_cli = AppGroup("demo", help="Demo data for trying the app on a laptop.")

DEMO_ACCOUNTS = (
    ("admin@demo.academy", "Demo Administrator", Role.ADMIN, "demo-admin-Kestrel-42"),
    ("instructor@demo.academy", "Amina Diallo", Role.INSTRUCTOR, "demo-instructor-Heron-42"),
    ("learner@demo.academy", "Nguyễn Thị Minh Khai", Role.LEARNER, "demo-learner-Osprey-42"),
)


@content_cli.command("check")
def content_check() -> None:
    """Print every problem in the content tree with its file and line."""
    problems = check_content(current_app.config["CONTENT_DIR"])
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} problem(s) found.", err=True)
        sys.exit(1)
    catalogue = current_app.extensions["catalogue"]
    lessons = sum(len(m.lessons) for m in catalogue.modules)
    questions = sum(len(m.questions) for m in catalogue.modules)
    cases = sum(1 for m in catalogue.modules if m.case is not None)
    click.echo(
        f"Content OK: {len(catalogue.modules)} modules, {lessons} lessons, {questions} questions, "
        f"{cases} case exercises, {len(catalogue.paths)} learning paths, "
        f"{len(catalogue.glossary)} glossary terms."
    )


@content_cli.command("stats")
def content_stats() -> None:
    """Questions per article, the scenario share, and whether the curriculum keeps its floor."""
    stats = curriculum_stats(current_app.extensions["catalogue"])
    click.echo(f"{'module':<34} {'questions':>9} {'scenarios':>9}")
    for module_id, questions, scenarios in stats.questions_by_module:
        click.echo(f"{module_id:<34} {questions:>9} {scenarios:>9}")
    click.echo(
        f"{'all':<34} {stats.questions:>9} {stats.scenarios:>9}  ({stats.scenario_share:.0%} scenarios); "
        f"{stats.case_exercises} case exercises"
    )
    click.echo("")
    click.echo(f"{'article':<8} {'ch.':<5} {'asked':>5} {'needs':>5} {'cited':>5} {'lessons':>7}  title")
    for a in stats.articles:
        mark = "  <" if a.asked < a.required else ""
        click.echo(
            f"Art. {a.number:<3} {a.chapter:<5} {a.asked:>5} {a.required or '':>5} {a.cited_by_questions:>5} "
            f"{a.lessons:>7}  {a.title}{mark}"
        )
    shortfalls = stats.shortfalls()
    for line in shortfalls:
        click.echo(f"below the floor: {line}", err=True)
    if shortfalls:
        sys.exit(1)
    click.echo("The curriculum keeps its floor (asked = questions whose first article it is).")


@db_cli.command("upgrade")
def db_upgrade() -> None:
    """Create the database or bring it to the newest schema, keeping all data."""
    before = migrate.current(db.engine)
    migrate.upgrade(db.engine)
    after = migrate.current(db.engine)
    click.echo(
        f"Database at revision {after}" + (" (unchanged)." if before == after else f" (was {before}).")
    )


@db_cli.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def db_backup(file: Path) -> None:
    """Copy the database to FILE while the app keeps running (SQLite; PostgreSQL: pg_dump)."""
    try:
        size = backup.backup(db.engine, file)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Backup written to {file} ({size} bytes).")


@db_cli.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def db_restore(file: Path, yes: bool) -> None:
    """Replace the database with a backup made by 'db backup' (then run 'db upgrade')."""
    if not yes:
        click.confirm(f"Replace ALL current data with the backup {file}?", abort=True)
    try:
        backup.restore(db.engine, file)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    migrate.upgrade(db.engine)
    click.echo(f"Restored from {file}; schema at revision {migrate.current(db.engine)}.")


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
def db_revision(message: str) -> None:
    """Write a migration for model changes (developers)."""
    migrate.revision(db.engine, message)


@users_cli.command("create")
@click.option("--email", prompt=True)
@click.option("--name", "full_name", prompt="Full name")
@click.option("--organisation", default="", prompt=True)
@click.option("--country", default="", prompt=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.LEARNER.value)
@click.option("--password", envvar="ACADEMY_NEW_PASSWORD", default=None, help="Or set ACADEMY_NEW_PASSWORD.")
def users_create(
    email: str, full_name: str, organisation: str, country: str, role: str, password: str | None
) -> None:
    """Create an account, for example the first admin: users create --role admin."""
    if password is None:
        password = getpass.getpass("Password: ")
    problem = accounts.password_problem(password, [email, full_name])
    if problem is not None:
        raise click.ClickException(f"password refused: {problem.value.replace('_', ' ')}")
    session = db.session
    try:
        user = accounts.register(
            session,
            email=email,
            full_name=full_name,
            organisation=organisation,
            country=country,
            password=password,
            role=Role(role),
        )
    except accounts.EmailTaken:
        raise click.ClickException(f"an account with {email} exists already") from None
    session.commit()
    click.echo(f"Created {user.role} {user.email} (id {user.id}).")


@demo_cli.command("load")
def demo_load() -> None:
    """Create the demo accounts if they are missing (passwords printed: demo only)."""
    session = db.session
    created = 0
    for email, name, role, password in DEMO_ACCOUNTS:
        if session.scalar(select(User.id).where(User.email == email)) is None:
            accounts.register(
                session,
                email=email,
                full_name=name,
                organisation="Demo organisation",
                country="Demo country",
                password=password,
                role=role,
            )
            created += 1
    session.commit()
    click.echo("")
    click.echo("Demo accounts (FOR A DEMO ONLY: never use these on a real server):")
    for email, _name, role, password in DEMO_ACCOUNTS:
        click.echo(f"  {role.value:<11} {email:<26} password: {password}")
    click.echo(f"({created} created now)" if created else "(they existed already; nothing changed)")


@click.command("setup")
@click.pass_context
def setup(ctx: click.Context) -> None:
    """What 'make run' needs, in one process: check the content, report translations,
    upgrade the database, load the demo accounts. Stops at the first content problem."""
    from webapp.i18n.commands import content_translations

    ctx.invoke(content_check)
    ctx.invoke(content_translations, strict=False, versions=False)
    ctx.invoke(db_upgrade)
    ctx.invoke(demo_load)


def init_app(app: Flask) -> None:
    for group in (content_cli, db_cli, users_cli, demo_cli):
        app.cli.add_command(group)
    app.cli.add_command(setup)
