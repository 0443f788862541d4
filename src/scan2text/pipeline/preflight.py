"""What can be wrong with a run before its first page, checked before any page is read.

Bad configuration (a language Tesseract has no model for, a manifest with bad rows, a missing input) is a
ConfigError, exit 2; an output folder or store that cannot be used is an OutputError, exit 3. Settings ranges are
the settings model's own (pydantic), checked when the settings are loaded.
"""

from __future__ import annotations

from pathlib import Path

from scan2text.errors import ConfigError
from scan2text.ingest import discover_manifest
from scan2text.ingest.manifest import read_manifest
from scan2text.ocr import tesseract
from scan2text.settings import Settings
from scan2text.store.run_folder import RunFolder


def check_run(
    input_path: Path, out_dir: Path, settings: Settings, manifest: Path | None = None, wait: bool = False
) -> None:
    """Raise ConfigError or OutputError naming the path and the cause; return when a run can start. Unless the run
    is to `wait` for it, another run holding OUT is an OutputError too."""
    if not input_path.exists():
        raise ConfigError("input does not exist", str(input_path))
    check_languages(settings.ocr.lang)
    if (found := manifest or discover_manifest(input_path)) is not None:
        read_manifest(found, input_path if input_path.is_dir() else input_path.parent)
    folder = RunFolder(out_dir)
    folder.prepare()
    if not wait:
        folder.lock().probe()
    with folder.open_store() as store:
        store.check()


def check_languages(lang: str) -> None:
    """Every model `lang` names ('rus+eng') must be installed; 'auto' picks among those that are."""
    if lang == "auto":
        return
    installed = tesseract.languages()
    missing = [name for name in lang.split("+") if name not in installed]
    if missing:
        raise ConfigError(
            f"Tesseract has no model for {', '.join(missing)} (installed: {', '.join(sorted(installed))}); "
            "install it (e.g. apt-get install tesseract-ocr-<lang>) or choose another --lang", f"--lang {lang}"
        )
