"""Stands in for the repository's flows/ in a checkout, where `scan2text.flows` then finds its modules.

flows/ stays at the top of the repository, where prefect.yaml's entrypoint names it; the wheel installs it as
`scan2text.flows` in place of this file (pyproject's force-include), so no generic top-level `flows` is installed.
"""

from pathlib import Path

__path__ = [str(Path(__file__).resolve().parents[3] / "flows")]
