"""`scan2text diff`: compare two runs, or a run against its corrections or ground truth.

Which side is the reference: with two runs, A is the reference and B the hypothesis (CER says how far B
moved from A); with `--against`, the ground truth or corrections are the reference and run A the
hypothesis.

Exit codes: 0 ok, 2 bad input, 3 batch CER above `--max-cer`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from scan2text.diff.batch import BatchDiff, compare, summary
from scan2text.diff.classify import ERROR_CLASSES
from scan2text.diff.metrics import TextOptions
from scan2text.diff.report import write_html
from scan2text.diff.resolve import resolve_sources
from scan2text.diff.sources import DiffError
from scan2text.errors import Scan2TextError
from scan2text.store.run_folder import STORE_FILE

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_GATE = 3


def _pct(x: float) -> str:
    return f"{x * 100:.2f}%"


def print_summary(batch: BatchDiff, console: Console, *, max_cer: float | None, worst: int = 10) -> None:
    table = Table(title=escape(f"{batch.hypothesis} vs {batch.reference}"), show_lines=False)
    for col in ("", "CER", "WER", "edits", "ref chars", "changed lines"):
        table.add_column(col, justify="left" if col == "" else "right")
    table.add_row(
        "[b]batch[/b]",
        f"[b]{_pct(batch.cer)}[/b]",
        _pct(batch.wer),
        str(batch.chars.edits),
        str(batch.chars.reference_length),
        str(sum(len(p.changed_lines) for p in batch.pages)),
    )
    table.add_section()
    for page in batch.worst_pages()[:worst]:
        if page.chars.edits == 0:
            break
        label = page.page_id if page.status == "compared" else f"{page.page_id} ({page.status.replace('_', ' ')})"
        table.add_row(
            escape(label),
            _pct(page.cer),
            _pct(page.wer),
            str(page.chars.edits),
            str(page.chars.reference_length),
            f"{len(page.changed_lines)}/{len(page.lines)}",
        )
    console.print(table)
    console.print(f"{len(batch.pages)} pages compared, mean page CER {_pct(batch.mean_page_cer)}")
    if batch.hypothesis_only:
        console.print(
            f"{len(batch.hypothesis_only)} pages of {escape(batch.hypothesis)} have no reference (not scored)",
            highlight=False,
        )
    if batch.reference_only:
        console.print(
            f"[yellow]{len(batch.reference_only)} reference pages have no page in {escape(batch.hypothesis)} "
            "(not scored):[/yellow] "
            + escape(", ".join(batch.reference_only[:10]))
            + (" …" if len(batch.reference_only) > 10 else "")
        )
    if batch.error_classes:
        console.print(
            "error classes: " + ", ".join(f"{ERROR_CLASSES.get(k, k)} {n}" for k, n in batch.error_classes.items())
        )
    lines = batch.worst_lines(5)
    if lines:
        lt = Table(title="most changed lines")
        for col in ("page", "line", "edits", "reference", "hypothesis"):
            lt.add_column(col, overflow="fold")
        for page, line in lines:
            lt.add_row(
                escape(page.page_id),
                str(line.index + 1),
                str(line.chars.edits),
                escape(line.ref_text),
                escape(line.hyp_text),
            )
        console.print(lt)
    if max_cer is not None:
        ok = batch.cer <= max_cer
        console.print(
            f"gate: batch CER {_pct(batch.cer)} {'≤' if ok else '>'} {_pct(max_cer)}: "
            + ("[green]passed[/green]" if ok else "[red]FAILED[/red]")
        )


def diff_command(
    a: Path,
    b: Path | None,
    against: str | None,
    html: Path | None,
    json_out: str | None,
    max_cer: float | None,
    ignore_case: bool,
    ignore_punctuation: bool,
    ignore_whitespace: bool,
    *,
    store: Path | None = None,
    pages_per_file: int = 50,
    console: Console | None = None,
    corrected: bool = False,
) -> int:
    """Run the comparison, write the requested reports and return the exit code."""
    # with --json -, stdout carries the JSON alone; the human summary moves to stderr
    console = console or Console(stderr=json_out == "-")
    err = Console(stderr=True)
    options = TextOptions(
        ignore_case=ignore_case, ignore_punctuation=ignore_punctuation, ignore_whitespace=ignore_whitespace
    )
    try:
        reference, hypothesis = resolve_sources(a, b, against, store, corrected)
        batch = compare(reference, hypothesis, options)
        if html is not None:
            written = write_html(batch, html, pages_per_file=pages_per_file, max_cer=max_cer)
            console.print(f"HTML report: {written[0]}" + (f" (+{len(written) - 1} parts)" if len(written) > 1 else ""))
        if json_out is not None:
            text = json.dumps(summary(batch, max_cer=max_cer), ensure_ascii=False, indent=2)
            if json_out == "-":
                sys.stdout.write(text + "\n")
                sys.stdout.flush()
            else:
                try:
                    Path(json_out).write_text(text + "\n", encoding="utf-8")
                except OSError as exc:
                    raise DiffError(f"cannot write the JSON summary: {exc.strerror}", json_out) from exc
    except Scan2TextError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        return EXIT_BAD_INPUT
    print_summary(batch, console, max_cer=max_cer)
    if not batch.pages:
        err.print("[yellow]warning:[/yellow] no page could be paired between the two sides")
    if max_cer is not None and batch.cer > max_cer:
        return EXIT_GATE
    return EXIT_OK


def diff_cli(
    a: Annotated[
        Path, typer.Argument(help="Run output folder (or run id with --store); the hypothesis with --against")
    ],
    b: Annotated[Path | None, typer.Argument(help="Second run to compare A with (A is then the reference)")] = None,
    against: Annotated[
        str | None,
        typer.Option("--against", help="'corrections', or a folder of <page>.gt.txt ground truth or PAGE-XML"),
    ] = None,
    html: Annotated[Path | None, typer.Option("--html", help="Write an HTML report here (paginated)")] = None,
    json_out: Annotated[
        str | None, typer.Option("--json", help="Write a JSON summary to FILE, or '-' for stdout")
    ] = None,
    max_cer: Annotated[
        float | None,
        typer.Option("--max-cer", help="Exit with code 3 when the batch CER exceeds this (0.02 = 2%)"),
    ] = None,
    ignore_case: Annotated[bool, typer.Option("--ignore-case", help="Compare case-insensitively")] = False,
    ignore_punctuation: Annotated[bool, typer.Option("--ignore-punctuation", help="Leave punctuation out")] = False,
    ignore_whitespace: Annotated[
        bool, typer.Option("--ignore-whitespace", help="Leave spaces and line breaks out")
    ] = False,
    store: Annotated[
        Path | None, typer.Option("--store", help=f"Output folder or {STORE_FILE} holding run ids")
    ] = None,
    pages_per_file: Annotated[int, typer.Option("--pages-per-file", min=1, help="Pages per HTML file")] = 50,
    corrected: Annotated[bool, typer.Option(
        "--corrected", help="With --against DIR: score the text after review (corrections applied), not the raw OCR",
    )] = False,
) -> None:
    """Compare two runs, or a run with its corrections or ground truth: CER/WER per page, document, batch."""
    code = diff_command(
        a,
        b,
        against,
        html,
        json_out,
        max_cer,
        ignore_case,
        ignore_punctuation,
        ignore_whitespace,
        store=store,
        pages_per_file=pages_per_file,
        corrected=corrected,
    )
    raise typer.Exit(code)
