"""``soundstream recommend train`` and ``soundstream recommend evaluate``.

Only typer is imported at module level: `server.cli` registers this app at import time, and
``soundstream ingest`` must not pay for numpy, scipy and implicit. Long steps show a rich
spinner on a terminal and print nothing extra otherwise (CI logs stay clean).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from server.terminal import steps

if TYPE_CHECKING:
    from server.config import Settings

recommend_app = typer.Typer(
    help="The recommender: train the model file, evaluate every model offline.",
    no_args_is_help=True,
)

DatabaseUrlOption = Annotated[
    str | None,
    typer.Option("--database-url", help="SQLAlchemy URL; default: DATABASE_URL or SQLite file."),
]
ModelDirOption = Annotated[
    Path | None,
    typer.Option("--model-dir", help="Where model files live (default data/models)."),
]


def _settings(database_url: str | None) -> Settings:
    from server.config import Settings

    settings = Settings()
    if database_url:
        settings = settings.model_copy(update={"database_url": database_url})
    return settings


@recommend_app.command()
def train(
    database_url: DatabaseUrlOption = None,
    model_dir: ModelDirOption = None,
    tune: Annotated[
        bool, typer.Option(help="Tune the blend weights on a validation split.")
    ] = True,
    force: Annotated[
        bool, typer.Option("--force", help="Train even if the current model exists.")
    ] = False,
) -> None:
    """Fit the hybrid recommender from the database and save it under its data version."""
    from server.recommend.lifecycle import current_model_path, train_to_file

    settings = _settings(database_url)
    if not force:
        existing = current_model_path(settings, model_dir)
        if existing is not None:
            typer.echo(f"model up to date: {existing} (use --force to retrain)")
            return
    with steps() as step:
        result = train_to_file(settings, model_dir=model_dir, tune=tune, progress=step)
    info, report = result.recommender.info, result.report
    size = result.path.stat().st_size
    typer.echo(f"model {info.model_version} (data version {info.data_version}) -> {result.path}")
    typer.echo(
        f"  {size / 1e6:.1f} MB on disk, {result.recommender.nbytes() / 1e6:.1f} MB in memory; "
        f"read {result.seconds['read']:.1f} s, trained {result.seconds['train']:.1f} s"
    )
    weights = ", ".join(f"{k}={v:g}" for k, v in report.weights.as_dict().items())
    phases = ", ".join(f"{k} {v:.1f} s" for k, v in report.seconds.items())
    typer.echo(f"  phases: {phases}")
    if report.tuned:
        typer.echo(
            f"  blend tuned on {report.tuning_users:,} of {report.validation_users:,} "
            f"validation users: {weights}; "
            f"validation NDCG@10 {report.validation_ndcg:.4f}, "
            f"coverage {report.validation_coverage} (floor {report.min_coverage})"
        )
    else:
        typer.echo(f"  default blend (not tuned): {weights}")


@recommend_app.command()
def evaluate(
    database_url: DatabaseUrlOption = None,
    seeds: Annotated[
        str, typer.Option(help="Comma-separated split seeds (at least 3 for mean ± std).")
    ] = "0,1,2",
    models: Annotated[
        str | None,
        typer.Option(help="Comma-separated models (default: all). See the table's rows."),
    ] = None,
    tune: Annotated[
        bool,
        typer.Option(help="Tune each model on a validation split of each seed's training."),
    ] = True,
    output: Annotated[
        Path | None, typer.Option("--json", help="Also write the full report as JSON here.")
    ] = None,
) -> None:
    """Hold out 20 % of each user's artists, rank all unknown artists, compare every model."""
    import json

    from server.db.engine import create_db_engine
    from server.recommend.evaluation import MODELS, evaluate_models
    from server.recommend.lifecycle import read_snapshot

    try:
        seed_list = [int(s) for s in seeds.split(",") if s.strip()]
    except ValueError:
        raise typer.BadParameter("seeds must be integers, e.g. 0,1,2") from None
    names = [m.strip() for m in models.split(",") if m.strip()] if models else list(MODELS)
    unknown = [m for m in names if m not in MODELS]
    if unknown:
        raise typer.BadParameter(f"unknown models {unknown}; known: {', '.join(MODELS)}")
    settings = _settings(database_url)
    engine = create_db_engine(settings.database_url)
    try:
        snapshot = read_snapshot(engine, settings)
    finally:
        engine.dispose()
    with steps() as step:
        try:
            report = evaluate_models(
                snapshot.data, seeds=seed_list, models=names, tune=tune, progress=step
            )
        except ValueError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from None
    users = ", ".join(f"{n:,}" for n in report.users.values())
    typer.echo(
        f"data version {snapshot.data_version}: {snapshot.data.n_users:,} users, "
        f"{snapshot.data.n_artists:,} artists, {snapshot.data.plays.nnz:,} listens; "
        f"seeds {seed_list}; test users per seed {users}; "
        f"{'tuned on validation' if tune else 'default hyper-parameters'}"
    )
    typer.echo(report.markdown())
    for run in report.runs:
        if run.model == "hybrid" and run.params.get("weights"):
            weights = ", ".join(f"{k}={v:g}" for k, v in run.params["weights"].items())
            typer.echo(f"hybrid blend, seed {run.seed}: {weights}")
    if output is not None:
        output.write_text(json.dumps(report.as_dict(), indent=2), encoding="utf-8")
        typer.echo(f"report written to {output}")
