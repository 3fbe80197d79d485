"""Command line: ``labordash run | pull | sources``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from dashboard import config

app = typer.Typer(
    help="labordash: regional labor economics and guns-versus-butter from official statistics.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(stderr=True)

MirrorOpt = Annotated[
    Path | None,
    typer.Option(
        "--mirror",
        help="Read raw files from this directory (laid out <source>/<files>), "
        "as LABORDASH_MIRROR does.",
        exists=True, file_okay=False, resolve_path=True,
    ),
]  # fmt: skip


def _use_mirror(mirror: Path | None) -> None:
    if mirror is not None:
        os.environ["LABORDASH_MIRROR"] = str(mirror)


def pull_with_progress(names: list[str] | None, refresh: bool = False) -> list:
    """Run store.pull with a rich progress bar; return the results."""
    from dashboard import geo, store
    from dashboard.sources import resolve

    targets = resolve(names)
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
               TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn())  # fmt: skip
    with Progress(*columns, console=console, transient=False) as progress:
        have_shapes = all(geo.stored_path(k).exists() for k in geo.LAYERS)
        steps = len(targets) + (0 if names and have_shapes else 1)  # + geometries
        task = progress.add_task("pulling", total=steps)

        def start(ds: str) -> None:
            progress.update(task, description=f"pulling {ds}")

        def done(res) -> None:
            mark = "[green]ok[/]" if res.ok else "[red]FAILED[/]"
            detail = f"{res.rows:,} rows, {res.seconds:.1f}s" if res.ok else res.error
            progress.console.print(f"{mark} {res.dataset}: {detail}")
            progress.advance(task)

        downloads: dict[str, int] = {}

        def bytes_in(name: str, done_bytes: int, total: int | None) -> None:
            if name not in downloads:
                downloads[name] = progress.add_task(f"  downloading {name}", total=total)
            progress.update(downloads[name], completed=done_bytes, total=total)

        return store.pull(
            targets, on_start=start, on_done=done, refresh=refresh, on_progress=bytes_in
        )


@app.command()
def pull(
    sources: Annotated[
        list[str] | None,
        typer.Argument(help="Datasets or sources to pull (default: all), e.g. sipri wdi."),
    ] = None,
    mirror: MirrorOpt = None,
    refresh: Annotated[bool, typer.Option(help="Download again even if cached.")] = False,
) -> None:
    """Fetch raw files (cache, mirror, network), parse them and rebuild the store."""
    _use_mirror(mirror)
    try:
        results = pull_with_progress(sources, refresh)
    except KeyError as exc:
        console.print(f"[red]error:[/] {exc.args[0]}")
        raise typer.Exit(2) from None
    failed = [r for r in results if not r.ok]
    console.print(f"store: {config.store_dir()}")
    if failed:
        console.print(
            f"[red]{len(failed)} of {len(results)} dataset(s) failed; "
            "their previous versions were kept.[/]"
        )
        raise typer.Exit(1)


@app.command()
def sources() -> None:
    """List every dataset with vintage, rows, licence, citation and when it was pulled."""
    from dashboard import store
    from dashboard.catalog import catalog

    man = store.manifest()
    out = Console()
    out.print(f"[bold]labordash datasets[/] (store: {config.store_dir()})")
    for ds, o in catalog().items():
        entry = man.get(ds, {})
        rows = f"{entry['rows']:,}" if "rows" in entry else "not pulled"
        out.print(f"\n[bold cyan]{ds}[/]  {o.title}")
        out.print(f"  producer: {o.producer}")
        out.print(f"  vintage:  {entry.get('vintage', '-')}")
        out.print(f"  rows:     {rows}    pulled: {entry.get('built', '-')}")
        out.print(f"  licence:  {o.licence} <{o.licence_url}>")
        out.print(f"  citation: {o.citation}")


@app.command()
def run(
    mirror: MirrorOpt = None,
    port: Annotated[int, typer.Option(help="Port for the Streamlit server.")] = 8501,
    headless: Annotated[bool, typer.Option(help="Do not open a browser.")] = False,
) -> None:
    """Start the dashboard (pulls first if the store is empty)."""
    from dashboard import store

    _use_mirror(mirror)
    if not store.available():
        console.print("The store is empty: pulling every dataset first.")
        pull_with_progress(None)
    app_py = Path(__file__).with_name("app.py")
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app_py),
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
        "--server.headless",
        str(headless).lower(),
    ]
    raise typer.Exit(subprocess.call(cmd))


if __name__ == "__main__":
    app()
