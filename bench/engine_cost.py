"""What a Tesseract call costs beyond the work of reading the page, and what keeping models loaded buys.

    .venv/bin/python bench/engine_cost.py [--samples samples] [--repeat 3] [--auto] [--json out.json]

1. Fixed cost of one call on a tiny image (process start + model load + image hand-over), per language: the
   `tesseract` command, pytesseract.image_to_data, and tesserocr (model load once, then a warm call).
2. Work per page: each sample page (cleaned by scan2text's preprocess, read with its own language, psm 4) with
   pytesseract and with warm tesserocr; work = page call - fixed cost.
3. Pages per minute with each engine at 1 and 2 threads over the same pages (and, with --auto, whole ocr_page
   calls in auto mode: script band eng+rus+hye, main pass, second pass), engines taking turns pass by pass so
   they share the background load; plus CER between the two engines' texts.

Times are medians of --repeat runs. Wall time depends on what else the machine runs (the load average is printed
with each section); CPU seconds (this process and its children) depend much less on it, so each figure has both.
OMP_THREAD_LIMIT=1, as in the pipeline.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

os.environ["OMP_THREAD_LIMIT"] = "1"

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from scan2text.diff.metrics import cer
from scan2text.ingest import PageSource, load_image
from scan2text.ocr import engines, ocr_page, tesseract
from scan2text.ocr.orientation import decide_up_down
from scan2text.preprocess.pipeline import preprocess
from scan2text.settings import OcrSettings, PreprocessSettings

LANGS = ("eng", "rus", "hye", "eng+rus+hye")
FONT = "/usr/share/fonts/truetype/freefont/FreeMono.ttf"


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg()) + f" on {os.cpu_count()} cores"


def cpu() -> float:
    """CPU seconds of this process (all threads) and its finished children."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def measure(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median wall and CPU seconds of `fn`."""
    walls, cpus = [], []
    for _ in range(repeat):
        w, c = time.perf_counter(), cpu()
        fn()
        walls.append(time.perf_counter() - w)
        cpus.append(cpu() - c)
    return statistics.median(walls), statistics.median(cpus)


def tiny_image() -> np.ndarray:
    img = Image.new("L", (240, 80), 255)
    ImageDraw.Draw(img).text((20, 15), "Note", font=ImageFont.truetype(FONT, 40), fill=0)
    return np.asarray(img)


def fixed_costs(repeat: int) -> dict[str, dict[str, float]]:
    tiny = tiny_image()
    out: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        png = Path(tmp) / "tiny.png"
        Image.fromarray(tiny).save(png)
        start = measure(lambda: engines.run_command("--version").check_returncode(), repeat)
        out["process start (tesseract --version)"] = {"wall": start[0], "cpu": start[1]}
        py, tr = engines.PytesseractEngine(), engines.TesserocrEngine()
        for lang in LANGS:
            cmd = [str(png), "-", "-l", lang, "--psm", "4", "--oem", "1", "tsv"]
            cli = measure(lambda cmd=cmd: engines.run_command(*cmd).check_returncode(), repeat)
            pyt = measure(lambda lang=lang: py.words(tiny, lang, 4, 1), repeat)

            def init(lang: str = lang) -> None:
                tr.new_api(lang, 1).End()

            loadm = measure(init, repeat)
            tr.words(tiny, lang, 4, 1)  # loads the model into this thread's cache
            warm = measure(lambda lang=lang: tr.words(tiny, lang, 4, 1), repeat)
            out[lang] = {"cli_wall": cli[0], "cli_cpu": cli[1], "pytesseract_wall": pyt[0], "pytesseract_cpu": pyt[1],
                         "tesserocr_load_wall": loadm[0], "tesserocr_load_cpu": loadm[1],
                         "tesserocr_warm_wall": warm[0], "tesserocr_warm_cpu": warm[1]}
    return out


def sample_pages(root: Path, raw: bool) -> list[tuple[str, str, np.ndarray, str]]:
    """(name, language, cleaned image, ground truth) for every page of truth.json."""
    truth = json.loads((root / "truth.json").read_text(encoding="utf-8"))
    pages = []
    for n, p in enumerate(truth["pages"]):
        src = PageSource(id=str(n), path=str(root / p["image"]), image=p["image"], frame=p["frame"])
        image = load_image(src)
        if not raw:
            image, _ = preprocess(image, PreprocessSettings(), lang_hint=p["language"], read_up_down=decide_up_down)
        name = p["image"] + (f"#{p['frame'] + 1}" if p["frame"] else "")
        pages.append((name, p["language"], image, (root / p["gt"]).read_text(encoding="utf-8")))
    return pages


def page_work(pages: list, repeat: int) -> list[dict]:
    py, tr = engines.PytesseractEngine(), engines.TesserocrEngine()
    rows = []
    for name, lang, image, _ in pages:
        tr.words(image[:200], lang, 4, 1)  # model loaded before timing: warm engine
        pyt = measure(lambda image=image, lang=lang: py.words(image, lang, 4, 1), repeat)
        tro = measure(lambda image=image, lang=lang: tr.words(image, lang, 4, 1), repeat)
        rows.append({"page": name, "lang": lang, "pixels": int(image.size),
                     "pytesseract_wall": pyt[0], "pytesseract_cpu": pyt[1],
                     "tesserocr_wall": tro[0], "tesserocr_cpu": tro[1]})
        print(f"  {name:42} {lang}  pytesseract {pyt[0]:6.2f}s wall {pyt[1]:5.2f}s cpu   "
              f"tesserocr {tro[0]:6.2f}s wall {tro[1]:5.2f}s cpu", flush=True)
    return rows


def throughput(pages: list, threads: int, auto: bool, rounds: int) -> list[dict]:
    """Passes over the pages with each engine in turn, `rounds` times, so both see the same background load.

    Each engine keeps its own pool of `threads` workers for all its passes, as page workers do in a batch: the
    first pass (cold) includes tesserocr's model loading, the later ones are steady state.
    """
    settings = OcrSettings(lang="auto")
    engine_objs = {"pytesseract": engines.PytesseractEngine(), "tesserocr": engines.TesserocrEngine()}
    pools = {name: ThreadPoolExecutor(threads) for name in engine_objs}

    def read(page: tuple) -> str:
        _, lang, image, _ = page
        lines = ocr_page(image, settings).lines if auto else tesseract.recognize(image, lang)
        return "\n".join(line.text for line in lines)

    results = {name: {"engine": name, "threads": threads, "mode": "ocr_page auto" if auto else "recognize",
                      "passes": []} for name in engine_objs}
    try:
        for _ in range(rounds + 1):
            for name, engine in engine_objs.items():
                tesseract.use_engine(engine)
                w, c = time.perf_counter(), cpu()
                texts = list(pools[name].map(read, pages))
                wall, used = time.perf_counter() - w, cpu() - c
                results[name]["passes"].append({"wall": wall, "cpu": used, "load1": os.getloadavg()[0]})
                results[name]["texts"] = texts
    finally:
        for pool in pools.values():
            pool.shutdown()
        tesseract.use_engine("pytesseract")
    for r in results.values():
        cold, *warm = r["passes"]
        r["cold_pages_per_min"] = 60 * len(pages) / cold["wall"]
        r["pages_per_min"] = 60 * len(pages) / statistics.median(p["wall"] for p in warm)
        r["cpu_per_page"] = statistics.median(p["cpu"] for p in warm) / len(pages)
        r["load1"] = [round(p["load1"], 1) for p in r["passes"]]
    return list(results.values())


def report_fixed(fixed: dict) -> None:
    start = fixed.pop("process start (tesseract --version)")
    print(f"\nprocess start alone (tesseract --version): {start['wall']:.3f}s wall, {start['cpu']:.3f}s cpu")
    print(f"{'lang':12} {'CLI wall/cpu':>16} {'pytesseract':>16} {'tesserocr init':>16} {'tesserocr warm':>16}")
    for lang, f in fixed.items():
        print(f"{lang:12} {f['cli_wall']:7.3f}/{f['cli_cpu']:.3f}  {f['pytesseract_wall']:7.3f}/"
              f"{f['pytesseract_cpu']:.3f}  {f['tesserocr_load_wall']:7.3f}/{f['tesserocr_load_cpu']:.3f}  "
              f"{f['tesserocr_warm_wall']:7.3f}/{f['tesserocr_warm_cpu']:.3f}")


def report_work(rows: list[dict], fixed: dict) -> None:
    print(f"\n{'lang':5} {'pages':>5} {'page cpu py':>12} {'page cpu tr':>12} {'fixed cpu':>10} {'fixed share':>12}")
    for lang in ("eng", "rus", "hye"):
        mine = [r for r in rows if r["lang"] == lang]
        if not mine:
            continue
        py = statistics.median(r["pytesseract_cpu"] for r in mine)
        tr = statistics.median(r["tesserocr_cpu"] for r in mine)
        fx = fixed[lang]["pytesseract_cpu"] - fixed[lang]["tesserocr_warm_cpu"]
        print(f"{lang:5} {len(mine):5} {py:11.2f}s {tr:11.2f}s {fx:9.2f}s {fx / py:11.0%}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--samples", type=Path, default=Path(__file__).resolve().parent.parent / "samples")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--raw", action="store_true", help="read the scans as they are, without preprocess")
    ap.add_argument("--auto", action="store_true", help="also time whole ocr_page calls in auto mode")
    ap.add_argument("--rounds", type=int, default=3, help="steady-state passes per engine in section 3")
    ap.add_argument("--pages", type=int, default=0, help="only the first N pages (0: all)")
    ap.add_argument("--skip-work", action="store_true", help="skip the per-page work table")
    ap.add_argument("--json", type=Path, help="write all figures here")
    args = ap.parse_args()
    engines.TesserocrEngine()  # fail early, with the install hint, when tesserocr is missing

    print(f"Tesseract {tesseract.version()}, OMP_THREAD_LIMIT={os.environ['OMP_THREAD_LIMIT']}; {load()}")
    print("\n== 1. fixed cost per call on a 240x80 image, median wall/cpu seconds ==", flush=True)
    fixed = fixed_costs(args.repeat)
    figures: dict = {"fixed": dict(fixed)}
    report_fixed(fixed)
    print(f"({load()})")

    pages = sample_pages(args.samples, args.raw)
    if args.pages:
        pages = pages[: args.pages]
    if not args.skip_work:
        print(f"\n== 2. one page, its own language, psm 4 ({len(pages)} pages) ==", flush=True)
        figures["work"] = page_work(pages, args.repeat)
        report_work(figures["work"], fixed)
        print(f"({load()})")

    print("\n== 3. pages per minute (wall) and CPU seconds per page ==", flush=True)
    modes = [False, True] if args.auto else [False]
    runs = []
    for auto in modes:
        for threads in (1, 2):
            for run in throughput(pages, threads, auto, args.rounds):
                runs.append(run)
                print(f"  {run['mode']:14} {run['engine']:12} {threads} thread(s): {run['pages_per_min']:5.1f} p/min "
                      f"(cold pass {run['cold_pages_per_min']:5.1f}), {run['cpu_per_page']:.2f}s cpu/page; "
                      f"1-min load at each pass {run['load1']}", flush=True)
    figures["throughput"] = [{k: v for k, v in r.items() if k != "texts"} for r in runs]

    print("\n== agreement: CER of tesserocr's text against pytesseract's, and of both against ground truth ==")
    agree = []
    for auto in modes:
        by = {r["engine"]: r["texts"] for r in runs if r["threads"] == 1 and (r["mode"] == "ocr_page auto") == auto}
        for (name, _, _, gt), a, b in zip(pages, by["pytesseract"], by["tesserocr"], strict=True):
            row = {"page": name, "auto": auto, "engines": cer(a, b), "gt_pytesseract": cer(gt, a),
                   "gt_tesserocr": cer(gt, b)}
            agree.append(row)
            print(f"  {'auto ' if auto else ''}{name:42} between engines {row['engines']:.4f}   vs truth "
                  f"{row['gt_pytesseract']:.4f} / {row['gt_tesserocr']:.4f}")
    figures["agreement"] = agree
    print(f"\n{load()}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
