"""`soundstream`: the one entry point for every job.

Imports are lazy (inside each command): `soundstream ingest` is timed as a whole command in
the benchmarks, so start-up must not pay for FastAPI, Strawberry or Alembic it does not use.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from server.recommend.cli import recommend_app  # typer only; its commands import lazily
from server.terminal import interactive, steps

if TYPE_CHECKING:
    from server.config import Settings
    from server.ingest.prefetch import ParsePrefetch
    from server.ingest.report import IngestReport
    from server.ingest.service import OrphanPolicy

app = typer.Typer(
    help="SoundStream: the Last.fm-2k music graph service.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(help="Database schema (Alembic).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(recommend_app, name="recommend")

DatabaseUrlOption = Annotated[
    str | None,
    typer.Option("--database-url", help="SQLAlchemy URL; default: DATABASE_URL or SQLite file."),
]
DataDirOption = Annotated[
    Path | None,
    typer.Option(
        "--data-dir", help="Directory with the .dat files (else LASTFM_DATA_DIR, data/raw)."
    ),
]


class Orphans(StrEnum):
    quarantine = "quarantine"
    stub = "stub"
    fail = "fail"


def _settings(database_url: str | None = None) -> Settings:
    from server.config import Settings

    settings = Settings()
    if database_url:
        settings = settings.model_copy(update={"database_url": database_url})
    return settings


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def _print_report(report: IngestReport, report_path: Path | None) -> None:
    typer.echo(report.render_text())
    if report_path is not None:
        report.write_json(report_path)
        typer.echo(f"report written to {report_path}")


def _ingest(
    settings: Settings,
    data_dir: Path,
    *,
    orphans: OrphanPolicy,
    replace: bool,
    report_path: Path | None,
    prefetch: ParsePrefetch | None = None,
) -> IngestReport:
    # Fork the parse before the heavy imports below: it runs on the other core meanwhile.
    from server.ingest.prefetch import ParsePrefetch

    if prefetch is None:
        prefetch = ParsePrefetch(data_dir, orphans)
    parse = lambda _dir, _orphans: prefetch.result()  # noqa: E731

    from server.db.engine import create_db_engine
    from server.ingest.service import IngestAbortedError, run_ingest

    engine = create_db_engine(settings.database_url)
    try:
        if interactive():
            from rich.progress import Progress

            with Progress(transient=True) as bar:
                task = bar.add_task("loading", total=7)

                def advance(table: str, rows: int) -> None:
                    bar.update(task, advance=1, description=f"{table}: {rows:,} rows")

                report = run_ingest(
                    engine,
                    data_dir,
                    orphans=orphans,
                    replace=replace,
                    progress=advance,
                    parse=parse,
                )
        else:
            report = run_ingest(engine, data_dir, orphans=orphans, replace=replace, parse=parse)
    except IngestAbortedError as exc:
        _print_report(exc.report, report_path)
        raise _fail(str(exc)) from None
    finally:
        prefetch.cancel()
        engine.dispose()
    _print_report(report, report_path)
    return report


def _data_dir(settings: Settings, explicit: Path | None) -> Path:
    from server.ingest.sources import DataNotFoundError, resolve_data_dir

    try:
        return resolve_data_dir(explicit, settings.lastfm_data_dir, settings.raw_data_dir)
    except DataNotFoundError as exc:
        raise _fail(str(exc)) from None


@app.command()
def ingest(
    data_dir: DataDirOption = None,
    database_url: DatabaseUrlOption = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Rebuild from the files, discarding what is there.")
    ] = False,
    report: Annotated[
        Path | None, typer.Option("--report", help="Also write the report as JSON here.")
    ] = None,
    orphans: Annotated[
        Orphans,
        typer.Option(
            help="Rows naming unknown artists/tags: quarantine them, stub the ids, or fail."
        ),
    ] = Orphans.quarantine,
) -> None:
    """Load the .dat files into the database; every row is loaded or quarantined with a reason."""
    from server.ingest.prefetch import ParsePrefetch
    from server.ingest.sources import has_dataset

    # With the directory given, the parse can start before even the settings are read.
    early = (
        ParsePrefetch(data_dir, orphans.value)
        if data_dir is not None and has_dataset(data_dir)
        else None
    )
    settings = _settings(database_url)
    _ingest(
        settings,
        _data_dir(settings, data_dir),
        orphans=orphans.value,
        replace=replace,
        report_path=report,
        prefetch=early,
    )


@app.command("fetch-data")
def fetch_data(
    dest: Annotated[Path | None, typer.Option(help="Where to unpack (default data/raw).")] = None,
    no_verify: Annotated[
        bool, typer.Option("--no-verify", help="Accept an archive whose SHA-256 differs.")
    ] = False,
    url: Annotated[
        str | None, typer.Option(help="Archive URL (default: LASTFM_ARCHIVE_URL or GroupLens).")
    ] = None,
) -> None:
    """Download the GroupLens archive, verify it and unpack it."""
    from server.ingest import sources

    settings = _settings()
    target = dest or settings.raw_data_dir
    try:
        where = sources.fetch(
            target,
            url=url or settings.lastfm_archive_url,
            expected_sha256=None if no_verify else settings.lastfm_archive_sha256,
        )
    except sources.FetchError as exc:
        raise _fail(str(exc)) from None
    typer.echo(f"dataset ready in {where}")


@db_app.command("upgrade")
def db_upgrade(
    database_url: DatabaseUrlOption = None,
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Create or migrate the schema (Alembic)."""
    from server.db.engine import database_label
    from server.db.migrate import upgrade

    settings = _settings(database_url)
    upgrade(settings.database_url, revision)
    typer.echo(f"schema at {revision} on {database_label(settings.database_url)}")


@db_app.command("current")
def db_current(database_url: DatabaseUrlOption = None) -> None:
    """Print the schema revision of the database."""
    from server.db.engine import create_db_engine
    from server.db.schema import current_revision

    engine = create_db_engine(_settings(database_url).database_url)
    typer.echo(current_revision(engine) or "none")
    engine.dispose()


@app.command("graphql-schema")
def graphql_schema(
    output: Annotated[
        Path | None, typer.Option(help="Write the SDL here instead of standard output.")
    ] = None,
) -> None:
    """Print the GraphQL schema (SDL); `schema.graphql` in the repository is its snapshot."""
    from server.graphql.schema import build_schema

    sdl = str(build_schema(_settings())) + "\n"
    if output is None:
        typer.echo(sdl, nl=False)
    else:
        output.write_text(sdl, encoding="utf-8")
        typer.echo(f"schema written to {output}")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind (default HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default PORT, 8000).")] = None,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="Worker processes (default WEB_CONCURRENCY, 1)."),
    ] = None,
    database_url: DatabaseUrlOption = None,
    proxy_headers: Annotated[
        bool | None,
        typer.Option(
            "--proxy-headers/--no-proxy-headers",
            help="Trust X-Forwarded-For/-Proto from FORWARDED_ALLOW_IPS (default PROXY_HEADERS).",
        ),
    ] = None,
    log_level: Annotated[
        str | None,
        typer.Option(help="Log level (default LOG_LEVEL, info; warning drops the access log)."),
    ] = None,
) -> None:
    """Serve the API (REST at /api/v1, GraphQL at /graphql, metrics at /metrics) with uvicorn.

    Production settings come from the environment: WEB_CONCURRENCY workers (uvicorn's
    supervisor restarts a worker that dies), PROXY_HEADERS and FORWARDED_ALLOW_IPS behind a
    load balancer, TIMEOUT_KEEP_ALIVE, TIMEOUT_GRACEFUL_SHUTDOWN (in-flight requests get that
    long after SIGTERM), LOG_FORMAT=json and LOG_LEVEL.
    """
    import os
    import shutil

    from server.observability.multiprocess import prepare_multiprocess_dir

    settings = _settings(database_url)
    if log_level:
        settings = settings.model_copy(update={"log_level": log_level.lower()})
    if proxy_headers is not None:
        settings = settings.model_copy(update={"proxy_headers": proxy_headers})
    workers = workers or settings.web_concurrency
    # Worker processes rebuild Settings from the environment: pass the overrides down.
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ["LOG_LEVEL"] = settings.log_level
    scratch = None  # a metrics directory made for this run, removed after it
    if workers > 1 or settings.prometheus_multiproc_dir is not None:
        # Before any worker imports prometheus-client, which reads it once at import.
        directory = prepare_multiprocess_dir(settings.prometheus_multiproc_dir)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(directory)
        scratch = directory if settings.prometheus_multiproc_dir is None else None
    try:
        _run_uvicorn(settings, host, port, workers)
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


def _run_uvicorn(settings: Settings, host: str | None, port: int | None, workers: int) -> None:
    import uvicorn

    from server.observability.logs import logging_config

    uvicorn.run(
        "server.main:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        proxy_headers=settings.proxy_headers,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        timeout_keep_alive=settings.timeout_keep_alive,
        timeout_graceful_shutdown=settings.timeout_graceful_shutdown,
        log_config=logging_config(settings),
        log_level=settings.log_level,
        access_log=False,  # ours (soundstream.access) carries the request id and latency
        server_header=False,
    )


def _prepare(settings: Settings, data_dir: Path | None) -> None:
    """Fetch the data if missing, ingest if the database is missing or built from other
    files, train the recommender if this data version has no model: everything `serve`
    needs, each step skipped when already done (so it is safe to run on every start)."""
    from server.db.engine import create_db_engine
    from server.db.schema import ensure_schema
    from server.ingest import sources
    from server.ingest.service import database_state

    try:
        directory = sources.resolve_data_dir(
            data_dir, settings.lastfm_data_dir, settings.raw_data_dir
        )
    except sources.DataNotFoundError:
        typer.echo(f"dataset not found: downloading it into {settings.raw_data_dir}")
        try:
            directory = sources.fetch(
                settings.raw_data_dir,
                url=settings.lastfm_archive_url,
                expected_sha256=settings.lastfm_archive_sha256,
            )
        except sources.FetchError as exc:
            raise _fail(str(exc)) from None
    engine = create_db_engine(settings.database_url)
    ensure_schema(engine)
    state = database_state(engine)
    engine.dispose()
    current = sources.fingerprint(directory, "quarantine")
    if state.empty or state.fingerprint != current:
        reason = "empty" if state.empty else "built from other files: rebuilding"
        typer.echo(f"database {reason}; ingesting {directory}")
        _ingest(settings, directory, orphans="quarantine", replace=True, report_path=None)
    else:
        typer.echo(f"database up to date (data version {state.data_version})")
    from server.recommend.lifecycle import current_model_path, ensure_recommender

    # Trains only when this database has no model for its current data version.
    if current_model_path(settings, None) is None:
        typer.echo("training the recommender for this data version (about a minute at most)")
    with steps() as step:
        model = ensure_recommender(settings, progress=step)
    typer.echo(f"recommender model: {model}")


@app.command()
def prepare(data_dir: DataDirOption = None, database_url: DatabaseUrlOption = None) -> None:
    """What `up` does before serving, then exit: fetch the data if missing, ingest if the
    database is missing or stale, train the recommender if needed (the one-shot job of a
    deployment: docker-compose's `ingest` service, a release or pre-deploy command)."""
    _prepare(_settings(database_url), data_dir)


@app.command()
def up(
    host: Annotated[str | None, typer.Option(help="Interface to bind.")] = None,
    port: Annotated[int | None, typer.Option(help="API port.")] = None,
    data_dir: DataDirOption = None,
    database_url: DatabaseUrlOption = None,
    dashboard: Annotated[
        bool, typer.Option(help="Also serve the analysts' dashboard (Streamlit).")
    ] = True,
    dashboard_port: Annotated[
        int | None, typer.Option(help="Dashboard port (default DASHBOARD_PORT, 8501).")
    ] = None,
) -> None:
    """The main job: fetch the data if missing, ingest if the database is missing or stale,
    then serve the API and, beside it, the dashboard."""
    settings = _settings(database_url)
    _prepare(settings, data_dir)
    from server.dashboard import api_url_for, dashboard_beside

    api_host, api_port = host or settings.host, port or settings.port
    if not dashboard:
        serve(host=api_host, port=api_port, database_url=database_url)
        return
    ui_port = dashboard_port or settings.dashboard_port
    with dashboard_beside(api_url_for(api_host, api_port), api_host, ui_port):
        typer.echo(f"dashboard: {api_url_for(api_host, ui_port)}")
        serve(host=api_host, port=api_port, database_url=database_url)


@app.command()
def dashboard(
    host: Annotated[str | None, typer.Option(help="Interface to bind (default HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default DASHBOARD_PORT, 8501).")] = None,
    api_url: Annotated[
        str | None,
        typer.Option(envvar="SOUNDSTREAM_URL", help="The API the dashboard reads from."),
    ] = None,
) -> None:
    """Serve only the dashboard (Streamlit), reading from the API at SOUNDSTREAM_URL."""
    import os

    from server.dashboard import APP_PATH, api_url_for, dashboard_command

    settings = _settings()
    url = api_url or api_url_for(settings.host, settings.port)
    command = dashboard_command(host or settings.host, port or settings.dashboard_port, APP_PATH)
    # Replace this process: signals from a supervisor (compose, systemd) reach Streamlit.
    os.environ["SOUNDSTREAM_URL"] = url
    os.execv(command[0], command)  # noqa: S606


@app.command()
def synth(
    scale: Annotated[
        float, typer.Option("--scale", min=0.001, help="Times the real data in users (e.g. 10).")
    ],
    out: Annotated[Path, typer.Option("--out", help="Directory to write the .dat files into.")],
    seed: Annotated[
        int, typer.Option(help="Random seed: the same seed writes the same bytes.")
    ] = 0,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir", help="The real dataset whose shape is drawn from (as for ingest)."
        ),
    ] = None,
) -> None:
    """Write a synthetic dataset shaped like the real one, SCALE times larger in users."""
    from server.synth.generate import generate
    from server.synth.shape import fit_shape

    real = _data_dir(_settings(), data_dir)
    if out.resolve() == real.resolve():
        raise _fail("--out must not be the real dataset's directory")
    with steps() as step:
        step(f"measuring the real data in {real}")
        report = generate(fit_shape(real), out, scale=scale, seed=seed, progress=step)
    typer.echo(
        f"synthetic dataset x{scale:g} (seed {seed}) in {out}: {report.users:,} users, "
        f"{report.artists:,} artists, {report.tags:,} tags, {report.listens:,} listens, "
        f"{report.tag_assignments:,} tag assignments, {report.friendships:,} friendships "
        f"({sum(report.seconds.values()):.1f} s)"
    )


def main() -> None:  # pragma: no cover - console script shim
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
