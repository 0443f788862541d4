"""What every settings section shares: unknown keys refused, and a fingerprint of the values."""

from __future__ import annotations

import hashlib
import json

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")

    def fingerprint(self) -> str:
        """Short hash of the values, used to key cached stage results."""
        return digest(self.model_dump(mode="json"))


def digest(values: dict) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()[:16]
