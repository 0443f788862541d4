"""The scan2text command line: `run` drives the Prefect flow; the other commands read its output."""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from scan2text import __version__
from scan2text.console import err, load_settings, say, stop_on_fault, usage_error
from scan2text.errors import EXIT_CODE_HELP, ExitCode, Scan2TextError
from scan2text.settings import Settings
from scan2text.store.run_folder import RunFolder

# Prefect runs offline and out of sight unless asked: no telemetry, no INFO chatter, and no
# tracebacks from its temporary server shutting down. Set before Prefect is first imported.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_LOGGING_SERVER_LEVEL", "CRITICAL")
# A run's temporary API server goes with the run; logs shipped to it would be lost (or fail at exit).
os.environ.setdefault("PREFECT_LOGGING_TO_API_ENABLED", "false")
# Its temporary server can take a while to boot on a loaded 2-core machine.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
# A fault that stops a run is reported in one line by `stop_on_fault`; Prefect would log its traceback first.
for _logger in ("FLOW_RUNS", "TASK_RUNS"):
    os.environ.setdefault(f"PREFECT_LOGGING_LOGGERS_PREFECT_{_logger}_LEVEL", "CRITICAL")

EXIT_OK, EXIT_PAGES_FAILED = ExitCode.OK, ExitCode.PAGES_FAILED

app = typer.Typer(
    help="OCR archival typescript scans (Russian, Armenian, English) into corrected, citable records.",
    epilog=EXIT_CODE_HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        print(f"scan2text {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """scan2text: page images in, records out."""


def require_tools() -> None:
    """The benchmarks and the evaluation ship apart from the product, in the checkout's tools/ distribution."""
    if importlib.util.find_spec("scan2text_tools") is None:
        usage_error("the benchmark and evaluation tools are not installed: from a checkout, pip install -e tools")


@app.command()
def run(
    input_path: Annotated[Path, typer.Argument(help="Folder of page images (PNG, JPEG, TIFF, PDF) or one file.")],
    out_dir: Annotated[
        Path | None, typer.Option("--out", "-o", help="Output folder [default: outputs/<input folder name>]")
    ] = None,
    lang: Annotated[str | None, typer.Option(help="auto, or a Tesseract language: eng, rus, hye, rus+eng …")] = None,
    workers: Annotated[int | None, typer.Option(help="Pages processed in parallel [default: one per core]")] = None,
    engine: Annotated[
        str | None,
        typer.Option(help="How Tesseract runs: pytesseract (a process per reading) or tesserocr (models kept "
                     "loaded; the extra scan2text[tesserocr]) [default: $SCAN2TEXT_ENGINE, else pytesseract]"),
    ] = None,
    manifest: Annotated[Path | None, typer.Option(help="CSV mapping images to fund/inventory/file/sheet")] = None,
    config: Annotated[Path | None, typer.Option(help="Settings file (TOML or JSON), see `scan2text settings`")] = None,
    grammar: Annotated[
        Path | None, typer.Option(help="Grammar TOML with an archive's own header shapes, merged over the default")
    ] = None,
    force: Annotated[bool, typer.Option(help="Redo pages already finished with the same settings")] = False,
    dask_address: Annotated[
        str | None, typer.Option(help="Run pages on an existing Dask cluster, e.g. tcp://host:8786")
    ] = None,
    wait: Annotated[
        bool, typer.Option(help="If another run is writing --out, wait for it to end [default: stop, exit 3]")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress display")] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Log each stage, Prefect included; a traceback with an error")
    ] = False,
) -> None:
    """OCR every page under INPUT and write pages/, records.jsonl and the SQLite store to --out.

    Exit codes: 0 all pages read; 1 some pages failed (errors.jsonl), re-run to retry them; 2 bad usage or
    configuration, found before any page is read; 3 the output folder or its store cannot be used (not a folder,
    not writable, disk full, store damaged, another run holds it); 4 internal error; 130 interrupted.
    """
    _configure_logging(verbose, quiet)
    from scan2text.ocr.tesseract import ensure_engine  # here, so that `--help` and the light commands skip it

    try:
        settings = load_settings(config, lang, workers, engine, grammar)
        ensure_engine(settings.ocr.engine)  # an engine that cannot run stops the run here, before Prefect starts
    except Scan2TextError as exc:
        usage_error(str(exc))
    target = out_dir or Path("outputs") / input_path.resolve().name
    from scan2text.pipeline.preflight import check_run

    with stop_on_fault(verbose):
        check_run(input_path, target, settings, manifest, wait)  # before Prefect starts: bad configuration in a second
    from scan2text.flows.api_server import early_api_server

    # Prefect's API server boots on the other core while this process imports Prefect.
    with stop_on_fault(verbose), early_api_server() as api:
        from scan2text.flows.pipeline import run as run_flow  # Prefect loads only for the commands that need it
        from scan2text.pipeline.progress import for_terminal, reporting

        with api.connected(), reporting(for_terminal(quiet)):
            summary = run_flow(input_path, target, settings, manifest, force, dask_address, wait)
    for e in summary.errors:
        say(f"{e.file}: {e.stage}: {e.reason}", "failed")
    if not quiet:
        say(
            f"{summary.pages} pages ({summary.processed} processed, {summary.reused} reused, "
            f"{summary.failed} failed), {summary.records} records → {target}"
        )
    raise typer.Exit(EXIT_OK if summary.ok else EXIT_PAGES_FAILED)


@app.command()
def schema() -> None:
    """Print the JSON Schema of a record (one line of records.jsonl)."""
    from scan2text.models import Record

    print(json.dumps(Record.model_json_schema(), indent=2, ensure_ascii=False))


@app.command("settings")
def show_settings() -> None:
    """Print the default settings as JSON, a starting point for --config."""
    print(Settings().model_dump_json(indent=2))


def _configure_logging(verbose: bool, quiet: bool) -> None:
    level = logging.INFO if verbose else logging.ERROR if quiet else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    if verbose:
        os.environ["PREFECT_LOGGING_LEVEL"] = "INFO"
        for logger in ("FLOW_RUNS", "TASK_RUNS"):
            os.environ[f"PREFECT_LOGGING_LOGGERS_PREFECT_{logger}_LEVEL"] = "INFO"


@app.command("eval")
def evaluate_cmd(
    out_dir: Annotated[Path, typer.Argument(help="Output folder of a run (its records.jsonl is scored)")],
    truth: Annotated[Path, typer.Option(help="truth.json of the sample set")] = Path("samples/truth.json"),
    from_truth_text: Annotated[
        bool, typer.Option(help="Score segmentation + extraction on the ground-truth text instead (OCR left out)")
    ] = False,
    config: Annotated[Path | None, typer.Option(
        help="With --from-truth-text: a settings file (TOML or JSON) as for `run --config`; its extract values "
             "build the records")] = None,
    grammar: Annotated[Path | None, typer.Option(
        help="With --from-truth-text: a grammar TOML merged over the default, as for `run --grammar`")] = None,
) -> None:
    """Score document boundaries (P/R/F1) and each record field against a truth file, per language."""
    require_tools()
    from scan2text.extract import build_records
    from scan2text.grammar import load_grammar
    from scan2text.models import Record
    from scan2text_tools.evaluate import evaluate, format_table, ground_truth_pages

    if (config or grammar) and not from_truth_text:
        usage_error("--config and --grammar go with --from-truth-text: a run's records were built with its own")
    try:
        settings = load_settings(config, None, None, grammar=grammar)
    except Scan2TextError as exc:
        usage_error(str(exc))
    try:
        expected = json.loads(truth.read_text(encoding="utf-8"))
        if from_truth_text:
            pages = ground_truth_pages(truth.parent, expected)
            records = build_records(pages, load_grammar(settings.grammar), settings.extract)
        else:
            lines = RunFolder(out_dir).records_path.read_text(encoding="utf-8").splitlines()
            records = [Record.model_validate_json(line) for line in lines if line.strip()]
    except (OSError, ValueError) as exc:
        usage_error(str(exc))
    print(format_table(evaluate(records, expected)))


@app.command()
def review(
    out_dir: Annotated[Path, typer.Argument(help="Output folder of a run")],
    host: Annotated[str, typer.Option(
        help="Address to bind. 127.0.0.1 (the default) serves this machine only; 0.0.0.0 lets anyone who can "
             "reach this machine read and correct the batch: there is no login")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to serve on")] = 8765,
    browser: Annotated[bool, typer.Option("--browser/--no-browser", help="Open a browser tab")] = True,
    allow_host: Annotated[list[str] | None, typer.Option(
        help="Another host name the app may be reached by (a proxy's or DNS name); repeatable")] = None,
) -> None:
    """Start the review app: correct lines and record fields in the browser; corrections survive re-runs."""
    from scan2text.review.app import serve

    _require_run_folder(out_dir)
    with stop_on_fault(verbose=False):
        with RunFolder(out_dir).open_store() as store:
            store.check()  # a damaged store is refused here, not met as errors in the browser
        serve(out_dir, host=host, port=port, open_browser=browser, allow_hosts=allow_host or [])


@app.command("export")
def export_cmd(
    out_dir: Annotated[Path, typer.Argument(help="Output folder of a run")],
    fmt: Annotated[str, typer.Option("--format", "-f", help=(
        "jsonl, csv, page (PAGE-XML 2019), alto (v4), hocr, txt, pdf (searchable, one per source file)"))],
    to: Annotated[Path, typer.Option("--to", help="Folder to write the export into")],
) -> None:
    """Export pages and records with every correction applied; boxes in original-image pixels."""
    from scan2text.export import export, export_pdf

    _require_run_folder(out_dir)
    problems: list[str] = []
    try:
        if fmt == "pdf":
            result = export_pdf(out_dir, to)
            written, problems = result.written, result.problems
        else:
            written = export(out_dir, fmt, to)
    except Scan2TextError as exc:
        usage_error(str(exc))
    for problem in problems:
        say(problem, "warning")
    say(f"{len(written)} files written to {to}")
    if problems:
        raise typer.Exit(EXIT_PAGES_FAILED)


@app.command("import")
def import_cmd(
    out_dir: Annotated[Path, typer.Argument(help="Output folder of a run")],
    files: Annotated[list[Path], typer.Argument(help="PAGE-XML files edited in Transkribus, eScriptorium or by hand")],
    author: Annotated[str, typer.Option(help="Who made the corrections")] = os.environ.get("USER", "import"),
) -> None:
    """Record the line changes in PAGE-XML files as corrections; a bad file is refused whole."""
    from scan2text.importer import import_files

    _require_run_folder(out_dir)
    report = import_files(out_dir, files, author)
    for f in report.files:
        if f.status == "refused":
            say(f"{f.path}: {f.reason}", "refused")
        else:
            say(f"{f.status}: {f.path} ({f.changed} lines changed)")
    raise typer.Exit(EXIT_OK if report.ok else EXIT_PAGES_FAILED)


def _require_run_folder(out_dir: Path) -> None:
    try:
        RunFolder.existing(out_dir)
    except Scan2TextError as exc:
        usage_error(str(exc))


bench_app = typer.Typer(help="Benchmarks that print measured figures.", no_args_is_help=True)
app.add_typer(bench_app, name="bench")


@bench_app.command("memory")
def bench_memory(
    root: Annotated[Path, typer.Argument(help="Sample set with truth.json")] = Path("samples"),
    pages: Annotated[list[int] | None, typer.Option(help="Batch sizes to run, smallest first (repeatable)")] = None,
    workers: Annotated[int | None, typer.Option(help="Parallel workers [default: one per core]")] = None,
) -> None:
    """Peak memory of `scan2text run` for growing batches (default 10 and 1,000 pages)."""
    require_tools()
    from scan2text_tools.bench.memory import format_memory, memory_bench

    print(format_memory(memory_bench(root, sorted(pages or [10, 1000]), workers)))


@bench_app.command("scaling")
def bench_scaling(
    root: Annotated[Path, typer.Argument(help="Sample set with truth.json")] = Path("samples"),
    pages: Annotated[int, typer.Option(help="Pages in the batch")] = 24,
) -> None:
    """Pages/minute with 1 and 2 local workers and on a local Dask cluster of 2 worker processes."""
    require_tools()
    from scan2text_tools.bench.scaling import format_scaling, scaling_bench

    print(format_scaling(*scaling_bench(root, pages)))


@bench_app.command("throughput")
def bench_throughput(
    root: Annotated[Path, typer.Argument(help="Sample set with truth.json")] = Path("samples"),
    pages: Annotated[int, typer.Option(help="Pages in the batch")] = 40,
    workers: Annotated[int | None, typer.Option(help="Parallel workers [default: one per core]")] = None,
    mixed: Annotated[
        bool, typer.Option(help="One flat folder whose language changes every few pages, instead of file folders")
    ] = False,
    rounds: Annotated[int, typer.Option(help="Rounds of run, re-run and bound; medians are reported")] = 1,
    engine: Annotated[str | None, typer.Option(help="The runs' --engine [default: as `run` chooses]")] = None,
) -> None:
    """Pages/minute of `scan2text run` against Tesseract alone, start-up time and peak memory."""
    require_tools()
    from scan2text_tools.bench.throughput import format_report, throughput_bench

    print(format_report(throughput_bench(root, pages, workers, mixed, rounds, engine)))


def _register_diff() -> None:
    from scan2text.diff.command import diff_cli

    app.command("diff", help="Compare two runs, a run and its corrections, or a run and ground truth (CER/WER).")(
        diff_cli
    )


_register_diff()


@bench_app.command("quality")
def bench_quality(
    root: Annotated[Path, typer.Argument(help="Sample set with truth.json, or a folder of images with .gt.txt")] = Path(
        "bench/hard"
    ),
    lang: Annotated[
        str | None,
        typer.Option(help="Language of every page of a folder without truth.json (default: each page's, from the "
                     "script of its .gt.txt)"),
    ] = None,
    psm: Annotated[
        int | None,
        typer.Option(help="Tesseract page segmentation mode: a sample set's both sides (default: 4); real pages' "
                     "plain Tesseract (default: Tesseract's own, 3)"),
    ] = None,
    config: Annotated[
        Path | None, typer.Option(help="Settings file (TOML or JSON) for scan2text's side, as `run` takes it")
    ] = None,
    resample: Annotated[
        float | None,
        typer.Option(help="Real pages: every side reads each page resampled by this factor, e.g. 0.5 for a scan at "
                     "half its resolution (area averaging; the scans are left as they are)"),
    ] = None,
) -> None:
    """Plain Tesseract on the raw scan vs. scan2text. A sample set: CER/WER, skew error and seconds per page, by
    language and level. A folder of real pages with .gt.txt: words lost, CER and CPU per page and as medians, the
    pages scan2text reads worse marked."""
    require_tools()
    try:
        settings = load_settings(config, None, None)
    except Scan2TextError as exc:
        usage_error(str(exc))
    if not root.is_dir():
        usage_error(f"{root}: not a folder")
    if (root / "truth.json").is_file():
        if resample is not None:
            usage_error("--resample is for a folder of real pages with .gt.txt files, not a sample set")
        from scan2text_tools.bench.quality import quality_bench

        print(quality_bench(root, settings.preprocess, psm=psm or 4, progress=lambda r: say(f"  {r.page.image}")))
        return
    from scan2text.ocr.tesseract import ensure_engine
    from scan2text_tools.bench.real import RealResult, format_real, progress_line, run_real_bench

    def show(done: int, total: int, result: RealResult) -> None:
        err.print(progress_line(done, total, result), soft_wrap=True, highlight=False)

    try:
        ensure_engine(settings.ocr.engine)
        results = run_real_bench(root, settings, lang, psm, progress=show, resample=resample)
    except Scan2TextError as exc:
        usage_error(str(exc))
    print(format_real(results))
