"""`shopflow catalog generate|import`: fill the store (and have its search index rebuilt).

`shopflow catalog reindex` starts a workflow, so it lives in the composition root
(entrypoints/catalog_reindex.py), which adds it to this group.

Service URLs come from the environment, or else are those of the embedded stack
under ./var (resolved once by `entrypoints/cli.py`).
"""

from __future__ import annotations

from pathlib import Path

import click

from settings import Settings, pass_settings


@click.group("catalog")
def catalog_group() -> None:
    """Generate, load and reindex the product catalogue."""


@catalog_group.command("generate")
@click.option(
    "--items", "item_count", type=click.IntRange(min=1), help="Items (default: DEMO_ITEMS)."
)
@click.option(
    "--warehouses",
    "warehouse_count",
    type=click.IntRange(min=1),
    help="Warehouses (default: DEMO_WAREHOUSES).",
)
@click.option("--seed", type=int, help="Same seed, same catalogue (default: DEMO_SEED).")
@click.option("--if-empty", is_flag=True, help="Do nothing if the catalogue already has items.")
@click.option("--batch-size", type=click.IntRange(min=1), default=5000, show_default=True)
@click.option("--progress/--no-progress", default=True, show_default=True)
@pass_settings
def generate_command(
    settings: Settings,
    item_count: int | None,
    warehouse_count: int | None,
    seed: int | None,
    if_empty: bool,
    batch_size: int,
    progress: bool,
) -> None:
    """Generate a realistic catalogue and load it into PostgreSQL and Typesense.

    Over an existing catalogue, items with the same ids are replaced.
    """
    from catalog.generator import generate_items, generate_warehouses
    from catalog.loader import catalog_is_empty, load_catalog

    if if_empty and not catalog_is_empty(settings):
        click.echo("The catalogue already has items; leaving it as it is.")
        return
    item_count = item_count or settings.demo_items
    seed = settings.demo_seed if seed is None else seed
    warehouses = generate_warehouses(warehouse_count or settings.demo_warehouses, seed)
    items = generate_items(item_count, warehouse_ids=[w.id for w in warehouses], seed=seed)
    click.echo(f"Generating {item_count:,} items across {len(warehouses)} warehouses (seed {seed})")
    report = load_catalog(
        settings, warehouses, items, total=item_count, batch_size=batch_size, progress=progress
    )
    if not progress:
        click.echo(report.summary())


@catalog_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), help="Default: by extension.")
@click.option(
    "--skip-invalid",
    is_flag=True,
    help="Load the good rows and write the bad ones to a report (default: nothing on errors).",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where --skip-invalid writes skipped rows (default: FILE.skipped.csv).",
)
@click.option(
    "--reindex",
    type=click.Choice(["workflow", "here", "none"]),
    default="workflow",
    show_default=True,
    help="Rebuild search with the ReindexCatalog workflow, in this process, or not at all.",
)
@click.option("--batch-size", type=click.IntRange(min=1), default=5000, show_default=True)
@click.option("--progress/--no-progress", default=True, show_default=True)
@pass_settings
def import_command(
    settings: Settings,
    file: Path,
    fmt: str | None,
    skip_invalid: bool,
    report_path: Path | None,
    reindex: str,
    batch_size: int,
    progress: bool,
) -> None:
    """Upsert products by sku from a CSV or JSON Lines FILE (docs/catalog-import.md).

    Every bad row is reported with its line and field; with any, nothing is applied
    unless --skip-invalid. The search index is rebuilt when something changed.
    """
    from catalog.importer import ImportFailed, detect_format, import_catalog

    try:
        fmt = detect_format(file, fmt)
        report = import_catalog(
            settings,
            file,
            fmt=fmt,
            skip_invalid=skip_invalid,
            skipped_report=report_path,
            batch_size=batch_size,
            progress=progress,
        )
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    except ImportFailed as failed:
        errors = failed.report.errors
        for error in errors[:50]:
            click.echo(str(error), err=True)
        if len(errors) > 50:
            click.echo(f"... and {len(errors) - 50} more", err=True)
        raise click.ClickException(
            f"{file.name}: {len(errors)} error(s) in {failed.report.rows:,} rows; nothing was "
            "imported. Fix them, or load the good rows with --skip-invalid."
        ) from None
    click.echo(f"{file.name}: {report.summary()}")
    if report.skipped_report:
        click.echo(f"Skipped rows and why: {report.skipped_report}")
    if not report.changed:
        click.echo("Nothing changed; the search index is left as it is.")
    elif reindex == "workflow":
        # `catalog reindex` is added to this group by the composition root
        # (entrypoints/catalog_reindex.py): starting a workflow needs a Temporal client.
        ctx = click.get_current_context()
        reindex_command = catalog_group.get_command(ctx, "reindex")
        if reindex_command is None:
            raise click.UsageError("no `catalog reindex` here: use --reindex here or none")
        ctx.invoke(reindex_command, batch_size=batch_size, parallelism=2, wait=True)
    elif reindex == "here":
        from catalog.loader import reindex_from_database

        click.echo(
            reindex_from_database(settings, batch_size=batch_size, progress=progress).summary()
        )
    else:
        click.echo("Search index not rebuilt (--reindex none): run `shopflow catalog reindex`.")


@catalog_group.command("draw-pictures")
@click.option(
    "--size",
    "sizes",
    type=click.Choice(["160", "480", "960"]),
    multiple=True,
    help="Only these sizes (repeat the option; default: all three).",
)
@click.option("--progress/--no-progress", default=True, show_default=True)
@pass_settings
def draw_pictures_command(settings: Settings, sizes: tuple[str, ...], progress: bool) -> None:
    """Draw every demo picture into MEDIA_DIR now (docs/media.md).

    The store draws them on first request; a bucket that serves MEDIA_URL directly
    needs them drawn first, then MEDIA_DIR copied into it.
    """
    from catalog.draw_pictures import draw_demo_pictures
    from domain.pictures import SIZES

    chosen = tuple(int(size) for size in sizes) or SIZES
    click.echo(draw_demo_pictures(settings, sizes=chosen, progress=progress).summary())
