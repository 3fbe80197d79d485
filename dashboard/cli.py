"""Command line: ``labordash run | serve | pull | repair | sources | export``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from dashboard import config

app = typer.Typer(
    help="labordash: regional labor economics and guns-versus-butter from official statistics.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(stderr=True, soft_wrap=True)  # messages stay one line in logs and pipes

MirrorOpt = Annotated[
    Path | None,
    typer.Option(
        "--mirror",
        help="Read raw files from this directory (laid out <source>/<files>), "
        "as LABORDASH_MIRROR does.",
        exists=True,
        file_okay=False,
        resolve_path=True,
    ),
]


def _use_mirror(mirror: Path | None) -> None:
    if mirror is not None:
        os.environ["LABORDASH_MIRROR"] = str(mirror)


def pull_with_progress(names: list[str] | None, refresh: bool = False, force: bool = False) -> list:
    """Run store.pull with a rich progress bar; return the results."""
    from dashboard import geo, store
    from dashboard.sources import resolve

    targets = resolve(names)  # a full pull (no names) is passed on as such: it rebuilds the maps
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        steps = len(targets) + (0 if names and geo.intact() else 1)  # + geometries
        task = progress.add_task("pulling", total=steps)

        def start(ds: str) -> None:
            progress.update(task, description=f"pulling {ds}")

        def done(res) -> None:
            mark = "[green]ok[/]" if res.ok else "[red]FAILED[/]"
            detail = f"{res.rows:,} rows, {res.seconds:.1f}s" if res.ok else res.error
            progress.console.print(f"{mark} {escape(res.dataset)}: {escape(str(detail))}")
            progress.advance(task)

        downloads: dict[str, int] = {}

        def bytes_in(name: str, done_bytes: int, total: int | None) -> None:
            if name not in downloads:
                downloads[name] = progress.add_task(f"  downloading {name}", total=total)
            progress.update(downloads[name], completed=done_bytes, total=total)

        def waiting(who: str) -> None:
            progress.console.print(f"[yellow]waiting[/] for {escape(str(who))} to finish")
            progress.update(task, description="waiting for the store")

        return store.pull(
            targets if names else None,
            on_start=start,
            on_done=done,
            force=force,
            refresh=refresh,
            on_progress=bytes_in,
            on_wait=waiting,
        )


@app.command()
def pull(
    sources: Annotated[
        list[str] | None,
        typer.Argument(help="Datasets or sources to pull (default: all), e.g. sipri wdi."),
    ] = None,
    mirror: MirrorOpt = None,
    refresh: Annotated[bool, typer.Option(help="Download again even if cached.")] = False,
    force: Annotated[
        bool,
        typer.Option(help="Store a table even if it has under 90% of the stored one's rows."),
    ] = False,
    allow_missing: Annotated[
        str,
        typer.Option(
            help="Datasets (comma-separated) whose failure does not fail the pull "
            "(exit 0): an image build that may go without them."
        ),
    ] = "",
) -> None:
    """Fetch raw files (cache, mirror, network), parse them and rebuild the store. Exit 1 when
    a dataset failed (its previous version is kept), unless --allow-missing names it."""
    from dashboard.store import StoreBusy, StoreError

    _use_mirror(mirror)
    try:
        results = pull_with_progress(sources, refresh, force)
    except KeyError as exc:
        console.print(f"[red]error:[/] {escape(str(exc.args[0]))}")
        raise typer.Exit(2) from None
    except (StoreError, StoreBusy, OSError) as exc:  # damaged manifest, unwritable home
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        console.print(f"[red]error:[/] {escape(str(reason))}")
        raise typer.Exit(1) from None
    allowed = {d.strip() for d in allow_missing.split(",") if d.strip()}
    went = sorted(r.dataset for r in results if not r.ok and r.dataset in allowed)
    failed = [r for r in results if not r.ok and r.dataset not in allowed]
    console.print(f"store: {escape(str(config.store_dir()))}")
    if went:
        console.print(f"[yellow]allowed to be missing:[/] {escape(', '.join(went))}")
    if failed:
        console.print(
            f"[red]{len(failed)} of {len(results)} dataset(s) failed; "
            "their previous versions were kept.[/]"
        )
        raise typer.Exit(1)


@app.command()
def repair() -> None:
    """Rebuild a damaged or lost store manifest from the stored files (the damaged one is kept
    as manifest.json.damaged); pull again afterwards to restore each dataset's provenance."""
    from dashboard import store

    try:
        found = store.repair()
    except store.StoreBusy as exc:
        console.print(f"[red]error:[/] {escape(str(exc))}; try again when it has finished")
        raise typer.Exit(1) from None
    console.print(
        f"manifest rebuilt with {len(found)} dataset(s): {escape(', '.join(found)) or 'none'}"
    )
    console.print("run `labordash pull` to restore their vintages and source files")


@app.command()
def check() -> None:
    """Check the store for a readiness probe: exit 0 when every dataset and map layer matches
    its recorded checksum, 1 (saying what is wrong) when not, so that a replica serving a
    damaged store is taken out of rotation."""
    from dashboard import store

    problems = store.check()
    for p in problems:
        console.print(f"[red]store:[/] {escape(p)}")
    if problems:
        raise typer.Exit(1)
    console.print(f"store ok: {len(store.manifest())} datasets, map layers intact")


@app.command()
def sources() -> None:
    """List every dataset with vintage, rows, what it covers (years, regions, where its files
    came from), licence, citation and when it was pulled."""
    from dashboard import coverage, store
    from dashboard.catalog import catalog

    try:
        man = store.manifest()
    except store.StoreDamaged as exc:
        console.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(1) from None
    out = Console()
    out.print(f"[bold]labordash datasets[/] (store: {escape(str(config.store_dir()))})")
    for ds, o in catalog().items():
        entry = man.get(ds, {})
        rows = f"{entry['rows']:,}" if "rows" in entry else "not pulled"
        cov = coverage.describe(entry)
        lines = [
            f"  producer: {o.producer}",
            f"  vintage:  {entry.get('vintage', '-')}",
            f"  rows:     {rows}    pulled: {entry.get('built', '-')}",
            f"  covers:   {cov['years']}; {cov['places']}    from: {cov['from']}",
            f"  licence:  {o.licence} <{o.licence_url}>",
            f"  citation: {o.citation}",
        ]
        out.print(f"\n[bold cyan]{ds}[/]  {escape(o.title)}")
        for line in lines:  # text from files and the catalog, never markup
            out.print(escape(line))


@app.command()
def run(
    mirror: MirrorOpt = None,
    port: Annotated[int, typer.Option(help="Port for the Streamlit server.")] = 8501,
    address: Annotated[
        str,
        typer.Option(
            help="Address to listen on: 127.0.0.1 for yourself, 0.0.0.0 for others "
            "(behind a proxy, as in deploy/)."
        ),
    ] = "127.0.0.1",
    open_browser: Annotated[
        bool, typer.Option("--open", help="Open a browser on the app (default: do not).")
    ] = False,
    headless: Annotated[
        bool, typer.Option(hidden=True, help="Kept for old scripts: the default now.")
    ] = True,
) -> None:
    """Start the dashboard as a server (pulls first if the store is empty). It never prompts
    and needs no terminal; Ctrl-C or SIGTERM stops it."""
    from dashboard import launch, store

    _use_mirror(mirror)
    if not store.available():
        console.print("The store is empty: pulling every dataset first.")
        pull_with_progress(None)
    console.print(f"labordash on http://{escape(address)}:{port} (Ctrl-C stops it)")
    raise typer.Exit(launch.serve(launch.command(port, address, open_browser)))


@app.command()
def serve(
    replicas: Annotated[
        int, typer.Option(min=1, max=64, help="App processes (about one core each).")
    ] = 2,
    port: Annotated[int, typer.Option(help="Port HAProxy listens on.")] = 8501,
    address: Annotated[
        str,
        typer.Option(help="Address HAProxy listens on; 0.0.0.0 lets a class's machines in."),
    ] = "127.0.0.1",
    mirror: MirrorOpt = None,
) -> None:
    """Serve a class from one multi-core machine: REPLICAS app processes behind HAProxy with
    cookie affinity and websocket support (the topology of deploy/compose.yaml, without
    containers). A replica (or HAProxy) that dies is started again while the others serve;
    one that keeps dying stops the server with exit status 1. Needs Debian's haproxy; Ctrl-C
    or SIGTERM stops everything. Exit status 3: the port is taken (its holder is named)."""
    from dashboard import launch, store

    _use_mirror(mirror)
    if not store.available():
        console.print("The store is empty: pulling every dataset first.")
        pull_with_progress(None)

    def ready(work, backends, pids) -> None:
        console.print(
            f"labordash: {len(backends)} replicas behind HAProxy on "
            f"http://{escape(address)}:{port} (logs in {escape(str(work))} while it "
            "runs; a replica that dies is started again; Ctrl-C stops them)"
        )

    def event(msg: str) -> None:
        console.print(f"[yellow]labordash serve:[/] {escape(msg)}")

    try:
        code = launch.serve_replicas(replicas, port, address, on_ready=ready, on_event=event)
    except launch.PortInUse as exc:
        console.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(launch.PORT_IN_USE) from None
    except launch.MissingProxy as exc:
        console.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2) from None
    except RuntimeError as exc:
        console.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(1) from None
    raise typer.Exit(code)


def _read_spec(path: Path) -> list[dict]:
    import json
    import tomllib

    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError as exc:
        raise typer.BadParameter(
            f"{path.name}: not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8"
        ) from None
    try:
        raw = tomllib.loads(text).get("chart") if path.suffix == ".toml" else json.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise typer.BadParameter(
            f"{path.name}: not valid {path.suffix[1:].upper()} ({exc})"
        ) from None
    if not isinstance(raw, list) or not all(isinstance(r, dict) for r in raw):
        raise typer.BadParameter(
            f"{path.name}: expected a list of charts ([[chart]] tables in TOML, a JSON array)"
        )
    return raw


def _print_listing(as_json: bool) -> None:
    import json

    from dashboard import registry

    items = registry.listing()
    if as_json:
        typer.echo(json.dumps(items, indent=1, ensure_ascii=False))
        return
    out = Console()
    out.print(
        f"[bold]{len(items)} charts and tables[/] (params: name = default; "
        "None = the region system's default)"
    )
    for it in items:
        out.print(
            f"\n[bold cyan]{it['name']}[/] ({it['kind']}, page {it['page']}): "
            f"{escape(it['description'])}"
        )
        for k, v in it["params"].items():
            allowed = it["choices"].get(k) or []
            shown = ", ".join(map(str, allowed[:12]))
            more = f" and {len(allowed) - 12} more (--json lists them)" if len(allowed) > 12 else ""
            out.print(escape(f"  {k} = {v!r}" + (f"    one of {shown}{more}" if allowed else "")))
        out.print(escape(f"  datasets: {', '.join(it['datasets'])}"))


# one paragraph: Typer's rich help keeps the line breaks of a docstring's later paragraphs
@app.command(
    short_help="Render charts without a browser session, keeping one Chromium for all of them."
)
def export(
    spec: Annotated[
        Path | None,
        typer.Argument(
            help="TOML (an array of tables named chart) or JSON (an array) of charts, each with "
            "chart, params, "
            "format (png|svg|pdf; csv for tables), width, height and an optional file name.",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    chart: Annotated[str | None, typer.Option(help="One chart by name (instead of SPEC).")] = None,
    param: Annotated[
        list[str] | None,
        typer.Option(help="key=value for --chart; repeat. Lists: comma-separated."),
    ] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help="png, svg or pdf (default svg); csv for tables")
    ] = None,
    width: Annotated[
        int, typer.Option(help="Width in px (100-5000; PNGs are rendered at 2x).")
    ] = 1200,
    height: Annotated[
        int | None,
        typer.Option(
            help="Height in px (100-5000; default: the chart's, plus its title and source lines)."
        ),
    ] = None,
    out: Annotated[
        Path,
        typer.Option(
            help="Directory for the files (created if needed; files "
            "already there are replaced, and said so)."
        ),
    ] = Path("exports"),
    list_: Annotated[
        bool,
        typer.Option("--list", help="List every chart and table with its parameters and exit."),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="With --list: print JSON.")] = False,
) -> None:
    """Render charts without a browser session, keeping one Chromium for all of them. Every
    chart on the pages can be rendered, with the pages' parameters (e.g. system=us_county
    industry=defense_related period=2016-Q1); `labordash export --list` names them all, and the
    "Export spec" under each chart on a page gives its entry for a spec file. Model tables are
    written as CSV. Each image must render within 60 s and is checked to be a real PNG, SVG or
    PDF; two charts that would get one file name get distinct ones (said so). The exit status
    is 1 when any chart failed, 2 when the spec is wrong (nothing is rendered then).
    """
    if list_:
        _print_listing(as_json)
        return
    if (spec is None) == (chart is None):
        raise typer.BadParameter("give a SPEC file or --chart, not both or neither")
    bad = [p for p in (param or []) if "=" not in p]
    if bad:
        raise typer.BadParameter(f"--param wants key=value, got {bad}")
    one = {
        "chart": chart,
        "format": fmt,
        "width": width,
        "height": height,
        "params": dict(p.split("=", 1) for p in (param or [])),
    }
    items = _read_spec(spec) if spec else [one]
    for i, it in enumerate(items, 1):  # names and parameters first: fail before rendering
        _check_item(i, it, fmt, width, height)
    _make_out_dir(out)
    if _export_all(items, out):
        raise typer.Exit(1)


def _check_item(i: int, it: dict, fmt: str | None, width: int, height: int | None) -> None:
    """Chart ``i`` of a spec: a known chart with known parameters, a format it has and sizes in
    range; ``format``, ``width`` and ``height`` filled in. Exit status 2 otherwise."""
    from dashboard import export as ex
    from dashboard import registry

    name, params = it.get("chart"), it.get("params", {})

    def wrong(message: str) -> typer.Exit:
        console.print(f"[red]chart {i} ({escape(str(name))}): {escape(message)}[/]")
        return typer.Exit(2)

    try:
        e = registry.entry(str(name))
        if not isinstance(params, dict):
            raise registry.SpecError(f"params must be a table of name = value, got {params!r}")
        unknown = sorted(set(params) - set(e.defaults()))
        if unknown:
            raise registry.SpecError(
                f"unknown parameter(s) {unknown}; allowed: {sorted(e.defaults())}"
            )
    except registry.SpecError as exc:
        raise wrong(str(exc)) from None
    f = it.get("format") or fmt or ("svg" if e.kind == "chart" else "csv")
    if f not in (ex.FORMATS if e.kind == "chart" else ("csv",)):
        allowed = ", ".join(ex.FORMATS) if e.kind == "chart" else "csv (a table)"
        raise wrong(f"format must be one of {allowed}")
    it["format"] = f
    try:
        it["width"] = ex.check_size(it.get("width", width), "width")
        if it.get("height", height) is not None:
            it["height"] = ex.check_size(it.get("height", height), "height")
    except ex.ExportError as exc:
        raise wrong(str(exc)) from None


def _make_out_dir(out: Path) -> None:
    if out.exists() and not out.is_dir():
        console.print(f"[red]error:[/] --out {escape(str(out))} is a file, not a directory")
        raise typer.Exit(2)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        console.print(f"[red]error:[/] cannot create --out {escape(str(out))}: {exc.strerror}")
        raise typer.Exit(2) from None


def _free_stem(it: dict, taken: dict[str, str], say) -> str:
    """The file name (without suffix) of an item: its ``file`` or its chart and parameters,
    made safe, with _2, _3... when this run already wrote that name (said so)."""
    from dashboard import export as ex

    name, f = it["chart"], it["format"]
    wanted = ex.safe_name(
        it.get("file") or "_".join([name, *map(str, it.get("params", {}).values())])
    )
    stem, n = wanted, 1
    while f"{stem}.{f}".lower() in taken:  # never overwrite a file of this run
        n += 1
        stem = f"{wanted}_{n}"
    if stem != wanted:
        say(
            f"[yellow]note[/] {escape(wanted)}.{f} is already the file of "
            f"{escape(taken[f'{wanted}.{f}'.lower()])}; writing {escape(stem)}.{f}"
        )
    taken[f"{stem}.{f}".lower()] = name
    return stem


def _render(it: dict) -> bytes:
    """The item's file: the chart as an image, or the table as CSV."""
    from dashboard import export as ex
    from dashboard import registry

    built = registry.build(it["chart"], it.get("params", {}))
    if built.chart is None:
        return ex.spreadsheet_safe(built.table).to_csv(index=False).encode("utf-8")
    return ex.image(built.chart.figure, it["format"], width=it["width"], height=it.get("height"))


def _export_all(items: list[dict], out: Path) -> int:
    """Render and write every item with one Chromium and a progress bar; the number failed."""
    from dashboard import export as ex
    from dashboard import registry

    taken: dict[str, str] = {}  # lower-cased file name -> the chart that has it (this run)
    failed = 0
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console) as progress, ex.one_browser():
        task = progress.add_task("exporting", total=len(items))
        for it in items:
            stem = _free_stem(it, taken, progress.console.print)
            target = out / f"{stem}.{it['format']}"
            progress.update(task, description=target.name)
            try:
                data = _render(it)
                replaced = " (replaced the file that was there)" if target.exists() else ""
                target.write_bytes(data)
            except (registry.SpecError, ex.ExportError, ValueError, KeyError, LookupError) as exc:
                # LookupError: the store lacks a dataset or map layer, or it is damaged
                progress.console.print(f"[red]FAILED[/] {escape(stem)}: {escape(str(exc))}")
                failed += 1
            except OSError as exc:
                progress.console.print(f"[red]FAILED[/] {escape(stem)}: {exc.strerror or exc}")
                failed += 1
            else:
                progress.console.print(f"[green]ok[/] {escape(str(target))}{replaced}")
            progress.advance(task)
    return failed


if __name__ == "__main__":
    app()
