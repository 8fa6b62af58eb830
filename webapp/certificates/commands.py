"""`flask certificates …`: export a cohort's certificates, list them, and rotate or retire signing keys."""

from __future__ import annotations

import click
from flask import (
    current_app,
)
from sqlalchemy import select

from course.credentials import certificates
from course.credentials import keys as credential_keys
from course.models import Certificate, Cohort, utcnow
from webapp.certificates import documents
from webapp.certificates.views import bp, cohort_zip_stream
from webapp.extensions import db

# --- command line ----------------------------------------------------------------------------------


@bp.cli.command("export")
@click.option("--cohort", "cohort_id", type=int, required=True, help="The cohort's id.")
@click.option(
    "--out", "out", type=click.Path(dir_okay=False, writable=True), required=True, help="The ZIP to write."
)
@click.option("--base-url", default=None, help="The app's public address (default: ACADEMY_PUBLIC_URL).")
def export_command(cohort_id: int, out: str, base_url: str | None) -> None:
    """Write a ZIP of a cohort's certificates (PDFs, signed credentials, manifest.csv)."""
    group = db.session.get(Cohort, cohort_id)
    if group is None:
        raise click.ClickException(f"there is no cohort {cohort_id}")
    try:
        base = documents.base_url(base_url)
    except documents.NoBaseURL as exc:
        raise click.ClickException(str(exc)) from None
    # Babel and url_for need a request: the certificates are drawn as for a visit to the public address.
    # The ZIP goes to the file piece by piece, as it is drawn: a large cohort never sits in memory.
    with current_app.test_request_context("/", base_url=base), open(out, "wb") as handle:
        for chunk in cohort_zip_stream(group, base):
            handle.write(chunk)
    count = len(certificates.of_cohort(db.session, group.id))
    click.echo(f"Wrote {out}: {count} certificate(s) of cohort {group.id} ({group.title}).")


@bp.cli.command("list")
@click.option("--cohort", "cohort_id", type=int, default=None)
def list_command(cohort_id: int | None) -> None:
    """List certificates (code, status, name, path), all or one cohort's."""
    stmt = select(Certificate).order_by(Certificate.id)
    if cohort_id is not None:
        stmt = stmt.where(Certificate.cohort_id == cohort_id)
    for c in db.session.scalars(stmt):
        click.echo(f"{c.code}  {c.status:<10}  {c.learner_name}  ·  {c.path_title}")


@bp.cli.command("keys")
def keys_command() -> None:
    """List the signing keys: the current one, earlier ones still trusted, retired ones."""
    folder = documents.key_folder()
    if not (folder / credential_keys.KEY_FILE).exists():
        click.echo(f"No signing key yet in {folder}: the first credential signed creates one.")
        return
    try:
        ring = credential_keys.load(folder)
    except credential_keys.KeyRingError as exc:
        raise click.ClickException(str(exc)) from None
    for key in ring.trusted:
        if key.replaced_at is None:
            click.echo(f"{key.id}  current  (signs new credentials)")
        else:
            click.echo(f"{key.id}  trusted  (replaced {key.replaced_at:%Y-%m-%d %H:%M} UTC)")
    for gone in ring.retired:
        click.echo(f"{gone.id}  retired  ({gone.retired_at:%Y-%m-%d %H:%M} UTC: its credentials are refused)")


@bp.cli.command("rotate-key")
def rotate_key_command() -> None:
    """Make a new signing key; the old one's public part stays trusted, so its credentials still verify."""
    try:
        old_id, ring = credential_keys.rotate(documents.key_folder(), utcnow())
    except credential_keys.KeyRingError as exc:
        raise click.ClickException(str(exc)) from None
    if old_id is None:
        click.echo(f"There was no signing key yet: created {ring.current_id}.")
        return
    click.echo(f"New signing key: {ring.current_id}")
    click.echo(
        f"The old key {old_id} still verifies the credentials it signed (its private part is deleted)."
    )
    click.echo(f"If it may have leaked: flask --app webapp certificates retire-key {old_id}")


@bp.cli.command("retire-key")
@click.argument("key_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def retire_key_command(key_id: str, yes: bool) -> None:
    """Stop trusting an earlier signing key (e.g. leaked): credentials it signed are refused from now on."""
    folder = documents.key_folder()
    wanted = credential_keys.normalise_key_id(key_id)
    if not yes:
        click.confirm(
            f"Credentials signed with {wanted} will no longer verify; holders must download them again. "
            "Retire it?",
            abort=True,
        )
    try:
        gone, is_new = credential_keys.retire(folder, wanted, utcnow())
    except credential_keys.CannotRetireCurrent:
        raise click.ClickException(
            f"{wanted} is the current signing key: run 'certificates rotate-key' first, then retire it"
        ) from None
    except credential_keys.UnknownKey:
        raise click.ClickException(f"no trusted key {wanted} (see 'certificates keys')") from None
    except credential_keys.KeyRingError as exc:
        raise click.ClickException(str(exc)) from None
    when = f"{gone.retired_at:%Y-%m-%d %H:%M} UTC"
    click.echo(f"Retired {gone.id} ({when})." if is_new else f"{gone.id} was retired already ({when}).")
