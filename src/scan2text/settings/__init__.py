"""One settings model for every stage; a run records the settings that produced it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field, ValidationError

from scan2text.errors import ConfigError
from scan2text.settings.extract import ExtractSettings
from scan2text.settings.ocr import OcrSettings
from scan2text.settings.preprocess import PreprocessSettings
from scan2text.settings.section import Section

__all__ = ["ExtractSettings", "OcrSettings", "PreprocessSettings", "Section", "Settings", "coerce_settings"]


class Settings(Section):
    preprocess: PreprocessSettings = PreprocessSettings()
    ocr: OcrSettings = OcrSettings()
    extract: ExtractSettings = ExtractSettings()
    workers: int = Field(0, ge=0, description="Parallel page workers; 0 means one per core")
    grammar: str | None = Field(
        None, description="A grammar TOML (header shapes, document types, places, evidence weights) merged over the "
        "default one, see src/scan2text/grammar/default.toml",
    )


def coerce_settings(value: Settings | Mapping[str, Any] | str | None) -> Settings:
    """Settings from what a caller has: the model, its dict or its JSON (a deployment's parameters arrive as
    these), or None for the defaults. ConfigError names every value out of range or unknown."""
    if isinstance(value, Settings):
        return value
    try:
        if isinstance(value, str | bytes):
            return Settings.model_validate_json(value)
        return Settings.model_validate(dict(value or {}))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"invalid settings: {problems}") from None
