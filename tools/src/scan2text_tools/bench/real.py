"""Real-page judge: plain Tesseract as a user runs it vs. scan2text as a run reads a page, on transcribed scans.

A folder of page images, each with a `<stem>.gt.txt` transcription next to it (subfolders included), is read
by up to four sides:

- `tesseract`: the `tesseract IMAGE - -l LANG` command on the scan file, Tesseract's own page segmentation
  (psm 3), one OpenMP thread; its CPU is the child process's.
- `auto`: scan2text's page path (`scan2text.pipeline.page.process_page`: preprocess, OCR, up/down settle) with
  `--lang auto`, as `scan2text run DIR` reads the folder: its first page has its script detected, the next
  ones are tried first in the language of the page before (see `scan2text.pipeline.language_hints`).
- `fixed`: the same path with the page's language fixed.
- `ocrmypdf`: `ocrmypdf --rotate-pages --deskew --clean`, its sidecar text, only where the command exists.

Per page and as medians: the share of transcribed words missing from the output (`lost`, the judge), CER and
CPU seconds. A page where scan2text loses more words than plain Tesseract is marked.

`resample`: every side reads the page resampled by this factor (a copy; the scan is left as it is), as a scan
at that share of its resolution would be: how both hold up on 72-110 DPI scans, which the pages at hand may lack.

    from scan2text_tools.bench.real import format_real, run_real_bench
    print(format_real(run_real_bench(Path("../shared/real-dev"))))
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import cv2
from pydantic import BaseModel
from rich.markup import escape

from scan2text.diff.metrics import EditCounts, edit_counts
from scan2text.errors import Scan2TextError
from scan2text.ingest import PageSource, count_frames, load_image
from scan2text.ocr import engines
from scan2text.ocr.script import SCRIPT_LANG, dominant_script
from scan2text.pipeline.language_hints import LanguageHints
from scan2text.pipeline.page import process_page
from scan2text.settings import Settings
from scan2text_tools.bench.quality import IMAGE_SUFFIXES, cpu_seconds, normalize_text, words_lost

PLAIN, AUTO, FIXED, OCRMYPDF = "tesseract", "auto", "fixed", "ocrmypdf"
SCAN2TEXT_SIDES = (AUTO, FIXED)
# Half a percentage point of the page's words: below that a difference is one or two words on a letter, which
# reading order and hyphenation move either way.
WORSE_MARGIN = 0.005
# One thread, as `scan2text run` gives each page, so both sides' CPU seconds count the same kind of work.
_ONE_THREAD = {**os.environ, "OMP_THREAD_LIMIT": "1"}


class RealPage(BaseModel):
    image: str  # relative to the bench folder
    gt: str
    lang: str


class SideResult(BaseModel):
    lost: float
    chars: EditCounts
    cpu: float
    language: str = ""  # what the side read the page as (scan2text's choice under 'auto')
    error: str | None = None

    @property
    def cer(self) -> float:
        return self.chars.rate


class RealResult(BaseModel):
    page: RealPage
    sides: dict[str, SideResult]

    def worse_sides(self, margin: float = WORSE_MARGIN) -> list[str]:
        """The scan2text sides that lose more of the page's words than plain Tesseract, by more than `margin`."""
        plain = self.sides.get(PLAIN)
        if plain is None:
            return []
        return [s for s in SCAN2TEXT_SIDES if s in self.sides and self.sides[s].lost > plain.lost + margin]


def find_pages(root: Path, lang: str | None = None) -> list[RealPage]:
    """Every image under `root` with a `.gt.txt` beside it; its language is `lang`, else its truth's script's."""
    pages = []
    for path in sorted(root.rglob("*")):
        gt = path.with_name(path.stem + ".gt.txt")
        if path.suffix.lower() not in IMAGE_SUFFIXES or path.name.startswith(".") or not gt.is_file():
            continue
        if count_frames(path) != 1:
            # plain Tesseract would read every frame against one page's truth
            raise Scan2TextError("a multi-page file with one .gt.txt: split it into page images", str(path))
        page_lang = lang or SCRIPT_LANG.get(dominant_script(gt.read_text(encoding="utf-8")) or "Latin", "eng")
        pages.append(RealPage(image=path.relative_to(root).as_posix(), gt=gt.relative_to(root).as_posix(),
                              lang=page_lang))
    if not pages:
        raise Scan2TextError("no images with .gt.txt files here", str(root))
    return pages


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def plain_tesseract(path: Path, lang: str, psm: int | None = None) -> tuple[str, float]:
    """The `tesseract` command on the scan file, as a user types it: text and the child's CPU seconds."""
    before = _children_cpu()
    done = engines.run_command(str(path), "-", "-l", lang, *(["--psm", str(psm)] if psm is not None else []))
    cpu = _children_cpu() - before
    if done.returncode != 0:
        raise Scan2TextError(f"plain tesseract failed: {done.stderr.strip()}", str(path))
    return done.stdout, cpu


def scan2text_page(path: Path, image: str, settings: Settings, lang_hint: str | None = None) -> tuple[str, float, str]:
    """The page read through `process_page` into a throwaway folder: text, CPU seconds (this process and the
    Tesseract processes it started), the language it was read in. `lang_hint`: as a run hands it on."""
    source = PageSource(id=Path(image).with_suffix("").name, path=str(path), image=image)
    with tempfile.TemporaryDirectory(prefix="scan2text-bench-") as out:
        before = cpu_seconds()
        page = process_page(source, Path(out), settings, lang_hint)
        cpu = cpu_seconds() - before
    return "\n".join(line.text for line in page.lines), cpu, page.language


def ocrmypdf_page(path: Path, lang: str) -> tuple[str, float]:
    """OCRmyPDF's cleaning options on the scan, its text from the sidecar file; CPU of its process tree."""
    with tempfile.TemporaryDirectory(prefix="scan2text-bench-") as out:
        sidecar = Path(out) / "page.txt"
        cmd = ["ocrmypdf", "--rotate-pages", "--deskew", "--clean", "--jobs", "1", "-l", lang,
               "--sidecar", str(sidecar), str(path), str(Path(out) / "page.pdf")]
        before = _children_cpu()
        done = subprocess.run(cmd, capture_output=True, text=True, check=False, env=_ONE_THREAD)
        cpu = _children_cpu() - before
        if done.returncode != 0:
            last = done.stderr.strip().splitlines()[-1:] or [f"exit code {done.returncode}"]
            raise Scan2TextError(f"ocrmypdf failed: {last[0]}", str(path))
        return sidecar.read_text(encoding="utf-8"), cpu


def _score(gt: str, text: str, cpu: float, language: str = "", error: str | None = None) -> SideResult:
    text = normalize_text(text)
    return SideResult(lost=words_lost(gt, text), chars=edit_counts(gt, text), cpu=cpu, language=language,
                      error=error)


def _side(gt: str, read: Callable[[], tuple[str, float, str]]) -> SideResult:
    # A page one side cannot read (blank to it, a failed tool) counts as all words lost, and the bench goes on.
    try:
        text, cpu, language = read()
    except Scan2TextError as exc:
        return _score(gt, "", 0.0, error=exc.message)
    return _score(gt, text, cpu, language)


def resampled_copy(path: Path, factor: float, folder: Path) -> Path:
    """The scan as one at `factor` times its resolution, saved losslessly in `folder` for every side to read.

    Reduced by area averaging, as a scanner's sensor averages the paper under each of its cells; enlarged
    bicubically. The copy is grey or colour as the scan is, upright as its EXIF says, and carries no DPI tag.
    """
    image = load_image(PageSource(id=path.stem, path=str(path), image=path.name))
    h, w = image.shape[:2]
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    resized = cv2.resize(image, size, interpolation=cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC)
    out = folder / f"{path.stem}.png"
    if not cv2.imwrite(str(out), resized):
        raise Scan2TextError("could not write the resampled copy", str(out))
    return out


def bench_real_page(root: Path, page: RealPage, settings: Settings, psm: int | None = None,
                    ocrmypdf: bool = False, lang_hint: str | None = None, resample: float | None = None) -> RealResult:
    if resample is not None and resample != 1.0:
        with tempfile.TemporaryDirectory(prefix="scan2text-bench-") as folder:
            copy = resampled_copy(root / page.image, resample, Path(folder))
            return _bench_path(copy, root, page, settings, psm, ocrmypdf, lang_hint)
    return _bench_path(root / page.image, root, page, settings, psm, ocrmypdf, lang_hint)


def _bench_path(path: Path, root: Path, page: RealPage, settings: Settings, psm: int | None, ocrmypdf: bool,
                lang_hint: str | None) -> RealResult:
    gt = normalize_text((root / page.gt).read_text(encoding="utf-8"))
    auto = settings.model_copy(update={"ocr": settings.ocr.model_copy(update={"lang": "auto"})})
    fixed = settings.model_copy(update={"ocr": settings.ocr.model_copy(update={"lang": page.lang})})
    sides = {
        PLAIN: _side(gt, lambda: (*plain_tesseract(path, page.lang, psm), page.lang)),
        AUTO: _side(gt, lambda: scan2text_page(path, page.image, auto, lang_hint)),
        FIXED: _side(gt, lambda: scan2text_page(path, page.image, fixed)),
    }
    if ocrmypdf:
        sides[OCRMYPDF] = _side(gt, lambda: (*ocrmypdf_page(path, page.lang), page.lang))
    return RealResult(page=page, sides=sides)


def run_real_bench(
    root: Path,
    settings: Settings | None = None,
    lang: str | None = None,
    psm: int | None = None,
    ocrmypdf: bool | None = None,
    progress: Callable[[int, int, RealResult], None] | None = None,
    resample: float | None = None,
) -> list[RealResult]:
    """Every transcribed page under `root`, in path order. `ocrmypdf` None: that side runs where it is installed.
    `resample`: every side reads each page resampled by this factor (see the module's notes)."""
    if resample is not None and not 0.05 <= resample <= 4:
        raise Scan2TextError(f"resample factor {resample:g} is out of range (0.05 to 4)")
    settings = settings or Settings()
    with_ocrmypdf = shutil.which("ocrmypdf") is not None if ocrmypdf is None else ocrmypdf
    pages = find_pages(root, lang)
    # 'auto' as a run reads a folder: a page is tried first in the language of the folder's last page
    hints = LanguageHints()
    results = []
    for i, page in enumerate(pages, 1):
        hint = hints.hint(page.image, page.image)
        results.append(bench_real_page(root, page, settings, psm, with_ocrmypdf, hint, resample))
        hints.learn_language(page.image, page.image, results[-1].sides[AUTO].language, tried=hint)
        hints.finished(page.image)
        if progress:
            progress(i, len(pages), results[-1])
    return results


SIDE_LABELS = {PLAIN: "tesseract", AUTO: "scan2text auto", FIXED: "scan2text fixed", OCRMYPDF: "ocrmypdf"}


def _pct(x: float) -> str:
    return f"{100 * x:.2f}"


def _median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def _sides(results: list[RealResult]) -> list[str]:
    present = {s for r in results for s in r.sides}
    return [s for s in (PLAIN, AUTO, FIXED, OCRMYPDF) if s in present]


def _side_cells(side: str, result: SideResult | None) -> list[str]:
    if result is None:
        return ["-"] * (4 if side == AUTO else 3)
    cells = [_pct(result.lost), _pct(result.cer), f"{result.cpu:.2f}"]
    if side == AUTO:
        cells.append(result.language or "-")
    return cells


def _align(groups: list[tuple[str, int]], head: list[str], rows: list[list[str]]) -> list[str]:
    """Columns right-aligned except the first; each group's label over its first column, left-aligned."""
    widths = [max(len(row[i]) for row in [head, *rows]) for i in range(len(head))]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths,
                                                                                                 strict=True)))

    top, col = [], 0
    for label, span in groups:
        width = sum(widths[col:col + span]) + 2 * (span - 1)
        top.append(label.ljust(width))
        col += span
    return ["  ".join(top).rstrip(), *(line(r).rstrip() for r in [head, *rows])]


def format_real(results: list[RealResult], margin: float = WORSE_MARGIN) -> str:
    """The per-page table with a median row, the count of marked pages, and the summary per side.

    lost% is the share of transcribed words missing from the output, CER% the character error rate on the
    whole page text, cpu_s CPU seconds (Tesseract's processes included); `read` is the language scan2text chose
    under 'auto'. `!` marks a page where a scan2text side loses more words than plain Tesseract, by more than
    `margin`. CPU xplain is the side's total CPU over plain Tesseract's.
    """
    sides = _sides(results)
    groups, head = [("", 2)], ["page", "lang"]
    for side in sides:
        cols = ["lost%", "CER%", "cpu_s"] + (["read"] if side == AUTO else [])
        groups.append((SIDE_LABELS[side], len(cols)))
        head += cols
    groups.append(("", 1))
    head.append("")
    rows = []
    for r in results:
        row = [r.page.image, r.page.lang]
        for side in sides:
            row += _side_cells(side, r.sides.get(side))
        rows.append([*row, "!" if r.worse_sides(margin) else ""])
    median = [f"median of {len(results)}", ""]
    for side in sides:
        done = [r.sides[side] for r in results if side in r.sides]
        median += [_pct(_median([s.lost for s in done])), _pct(_median([s.cer for s in done])),
                   f"{_median([s.cpu for s in done]):.2f}"] + ([""] if side == AUTO else [])
    rows.append([*median, ""])
    lines = _align(groups, head, rows)

    marked = [r for r in results if r.worse_sides(margin)]
    by_side = ", ".join(f"{s} {sum(s in r.worse_sides(margin) for r in results)}"
                        for s in SCAN2TEXT_SIDES if s in sides)
    lines += ["", f"! {len(marked)} of {len(results)} pages: scan2text loses more words than plain Tesseract "
                  f"(> {100 * margin:.1f} points; {by_side})"]
    errors = [f"  {r.page.image}: {SIDE_LABELS[s]}: {res.error}" for r in results for s, res in r.sides.items()
              if res.error]
    if errors:
        lines += ["", "unread pages (counted as all words lost):", *errors]
    lines += ["", *_summary(results, sides)]
    return "\n".join(lines)


def _summary(results: list[RealResult], sides: list[str]) -> list[str]:
    plain_cpu = sum(r.sides[PLAIN].cpu for r in results if PLAIN in r.sides)
    head = ["side", "median lost%", "median CER%", "CPU s", "CPU xplain", "worst page (lost%, CER%)"]
    rows = []
    for side in sides:
        done = [(r.page.image, r.sides[side]) for r in results if side in r.sides]
        cpu = sum(s.cpu for _, s in done)
        worst_image, worst = max(done, key=lambda d: (d[1].lost, d[1].cer))
        rows.append([SIDE_LABELS[side], _pct(_median([s.lost for _, s in done])),
                     _pct(_median([s.cer for _, s in done])), f"{cpu:.2f}",
                     f"{cpu / plain_cpu:.2f}" if plain_cpu > 0 else "-",
                     f"{worst_image} ({_pct(worst.lost)}, {_pct(worst.cer)})"])
    widths = [max(len(row[i]) for row in [head, *rows]) for i in range(len(head))]
    return ["  ".join(c.ljust(w) if i in (0, 5) else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths,
                                                                                                strict=True))).rstrip()
            for row in [head, *rows]]


def progress_line(done: int, total: int, result: RealResult) -> str:
    """One rich-markup line for a finished page: words lost by each side, the page marked if scan2text lost more."""
    sides = " ".join(f"{SIDE_LABELS[s].removeprefix('scan2text ')} {_pct(r.lost)}%" for s, r in result.sides.items())
    mark = " [bold red]![/]" if result.worse_sides() else ""
    return f"[dim]{done}/{total}[/] {escape(result.page.image)} ({result.page.lang}) words lost: {sides}{mark}"
