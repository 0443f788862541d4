"""Faults outside the pages: each ends `scan2text run` with one line naming the path and the cause, and the exit
code that tells it apart from failed pages (2 usage or configuration, 3 the output folder or its store); no
traceback, no run left `running`."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from scan2text.store import Store

pytestmark = pytest.mark.integration

MONO = "/usr/share/fonts/truetype/freefont/FreeMono.ttf"


def _pages(folder: Path, count: int = 1) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(1, count + 1):
        img = Image.new("L", (1400, 500), 255)
        draw = ImageDraw.Draw(img)
        for row, text in enumerate(["Telegram from Yerevan", f"page {n} of the delivery", "May 3, 1920"]):
            draw.text((100, 80 + 90 * row), text, font=ImageFont.truetype(MONO, 44), fill=0)
        img.save(folder / f"{n:04d}.png")
    return folder


def scan2text(
    *args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), **(env or {})}
    return subprocess.run([sys.executable, "-m", "scan2text", *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=300, check=False)


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    """The error the user sees: one line starting `error:`, no traceback."""
    assert "Traceback" not in result.stderr, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    return errors[0]


@contextmanager
def tmpfs(path: Path, options: str) -> Iterator[Path]:
    """A small tmpfs at `path` (a full disk, a read-only one); the test is skipped where mounting is not allowed."""
    path.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True,
                             check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def test_a_file_where_out_should_be_is_an_output_fault(tmp_path):
    (tmp_path / "out").write_text("not a folder")
    result = scan2text("run", _pages(tmp_path / "in"), "--out", tmp_path / "out", "-q")
    assert result.returncode == 3
    assert str(tmp_path / "out") in one_line_error(result)


def test_a_read_only_out_is_an_output_fault(tmp_path):
    with tmpfs(tmp_path / "ro", "ro,size=1m") as ro:
        result = scan2text("run", _pages(tmp_path / "in"), "--out", ro / "run", "-q")
    assert result.returncode == 3
    message = one_line_error(result)
    assert str(ro / "run") in message and "Read-only file system" in message


def test_a_full_disk_stops_the_run_with_an_output_fault_and_it_resumes_elsewhere(tmp_path):
    pages = _pages(tmp_path / "in", 6)
    with tmpfs(tmp_path / "small", "size=400k") as small:
        result = scan2text("run", pages, "--out", small / "run", "-q", "--workers", "1")
        shutil.copytree(small / "run", tmp_path / "moved")  # to a disk with room
    assert result.returncode == 3
    assert "No space left on device" in one_line_error(result) or "full" in one_line_error(result)
    again = scan2text("run", pages, "--out", tmp_path / "moved", "-q")
    assert again.returncode == 0, again.stderr
    with Store.open(tmp_path / "moved" / "scan2text.sqlite", read_only=True) as store:
        # the full disk left the first run `running` or could mark it; the second run, holding the lock, knows
        assert [run.status for run in store.runs()] == ["interrupted", "ok"]
        assert len(store.current_pages(with_words=False)) == 6


def _start(*args: str | Path, **env_vars: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), **env_vars}
    return subprocess.Popen([sys.executable, "-m", "scan2text", *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, start_new_session=True)


def _wait_for(condition: Callable[[], bool], what: str, seconds: float = 120, poll: float = 0.2) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(poll)


def _lock_names_a_run(out: Path) -> bool:
    try:
        return "run_id" in json.loads((out / ".scan2text.lock").read_text() or "{}")
    except (OSError, ValueError):
        return False


def test_a_second_run_into_the_same_out_is_refused_naming_the_first(tmp_path):
    # sixteen pages keep the first run's lock long enough for a second process to start, even on a loaded machine
    # (with four, the first run finished while the second was still importing)
    pages, out = _pages(tmp_path / "in", 16), tmp_path / "out"
    first = _start("run", pages, "--out", out, "-q", "--workers", "1")
    try:
        _wait_for(lambda: _lock_names_a_run(out), "the first run to take the lock")
        second = scan2text("run", pages, "--out", out, "-q")
        waiting = _start("run", pages, "--out", out, "-q", "--wait")
    finally:
        first.wait(timeout=300)
    assert second.returncode == 3
    message = one_line_error(second)
    assert "another scan2text run" in message and f"process {first.pid}" in message and "run 1" in message
    assert first.returncode == 0, first.stderr
    assert waiting.wait(timeout=300) == 0, waiting.stderr.read()
    with Store.open(out / "scan2text.sqlite", read_only=True) as store:
        assert [run.status for run in store.runs()] == ["ok", "ok"]


def _reading_files(tmp: Path) -> list[Path]:
    return list(tmp.glob("scan2text-tesseract-*/tess_*"))


def test_a_run_killed_mid_reading_leaves_no_lock_no_files_and_is_marked_interrupted(tmp_path):
    # pages read in a fraction of a second each: enough of them, and a quick look, to catch a reading under way
    pages, out, tmp = _pages(tmp_path / "in", 16), tmp_path / "out", tmp_path / "tmp"
    tmp.mkdir()
    first = _start("run", pages, "--out", out, "-q", "--workers", "1", TMPDIR=str(tmp))
    _wait_for(lambda: any((out / "pages").glob("*.json")) and _reading_files(tmp), "a reading after the first page",
              poll=0.01)
    os.killpg(first.pid, signal.SIGKILL)  # the run and the tesseract it started
    first.wait(timeout=30)
    assert _reading_files(tmp), "a reading's files are left by the killed run"
    again = scan2text("run", pages, "--out", out, "-q", env={"TMPDIR": str(tmp)})
    assert again.returncode == 0, again.stderr
    assert not list(tmp.iterdir()), "the next run removed the dead run's files (and its own at its end)"
    with Store.open(out / "scan2text.sqlite", read_only=True) as store:
        assert [run.status for run in store.runs()] == ["interrupted", "ok"]


def test_a_terminated_run_is_marked_interrupted_at_once(tmp_path):
    pages, out = _pages(tmp_path / "in", 4), tmp_path / "out"
    first = _start("run", pages, "--out", out, "-q", "--workers", "1")
    _wait_for(lambda: any((out / "pages").glob("*.json")), "the first page to be read")
    first.terminate()
    assert first.wait(timeout=60) == 130
    assert "Traceback" not in first.stderr.read()
    with Store.open(out / "scan2text.sqlite", read_only=True) as store:
        assert [run.status for run in store.runs()] == ["interrupted"]


def test_a_damaged_store_is_refused_before_any_page_and_no_run_is_added(tmp_path):
    pages = _pages(tmp_path / "in")
    assert scan2text("run", pages, "--out", tmp_path / "out", "-q").returncode == 0
    store = tmp_path / "out" / "scan2text.sqlite"
    data = bytearray(store.read_bytes())
    data[3 * 4096 : 4 * 4096] = b"A" * 4096  # a page in the middle of the file, past the header
    store.write_bytes(bytes(data))
    result = scan2text("run", pages, "--out", tmp_path / "out", "-q", "--force")
    assert result.returncode == 3
    message = one_line_error(result)
    assert str(store) in message and "damaged" in message
    assert not (tmp_path / "out" / "errors.jsonl").exists()


@pytest.mark.parametrize(
    ("args", "config", "named"),
    [
        (["--workers", "-1"], None, "workers"),
        (["--lang", "xyz"], None, "xyz"),
        ([], '{"ocr": {"psm": 42}}', "ocr.psm"),
        ([], '{"preprocess": {"max_skew": -5}}', "preprocess.max_skew"),
    ],
)
def test_bad_configuration_is_a_usage_error_before_any_page(tmp_path, args, config, named):
    extra = list(args)
    if config:
        (tmp_path / "settings.json").write_text(config)
        extra += ["--config", str(tmp_path / "settings.json")]
    result = scan2text("run", _pages(tmp_path / "in"), "--out", tmp_path / "out", "-q", *extra)
    assert result.returncode == 2
    assert named in one_line_error(result)
    assert not (tmp_path / "out" / "pages").exists()  # no page was read


def test_a_manifest_with_bad_rows_names_every_one_before_any_page(tmp_path):
    pages = _pages(tmp_path / "in", 2)
    (pages / "manifest.csv").write_text(
        "image,fund,inventory,file,sheet\n"
        "0001.png,200,1,271\n"  # short
        "0009.png,200,1,271,9\n"  # no such image
        "0002.png,200,1,271,xii\n"  # not a number
        "0001.png,200,1,271,1\n"
        "0001.png,200,1,271,2\n"  # the same image again
    )
    result = scan2text("run", pages, "--out", tmp_path / "out", "-q")
    assert result.returncode == 2
    message = one_line_error(result)
    assert str(pages / "manifest.csv") in message
    for line in ("line 2", "line 3", "line 4", "line 6 repeats line 5"):
        assert line in message
    assert not (tmp_path / "out" / "pages").exists()


def test_the_exit_codes_are_in_the_help():
    result = scan2text("--help")
    assert "Exit codes" in result.stdout and "3 the output folder" in " ".join(result.stdout.split())
