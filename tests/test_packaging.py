"""The container recipe, the Prefect deployment and the CLI surface other tools rely on."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.unit
def test_dockerfile_passes_hadolint():
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    proc = subprocess.run([hadolint, str(ROOT / "Dockerfile")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.unit
def test_dockerfile_uses_the_shared_install_script_and_a_non_root_user():
    text = (ROOT / "Dockerfile").read_text()
    assert "scripts/install-system.sh" in text
    assert 'ENTRYPOINT ["scan2text"]' in text
    users = [line.split()[1] for line in text.splitlines() if line.startswith("USER ")]
    assert users and users[-1].split(":")[0] not in {"0", "root"}


@pytest.mark.unit
def test_prefect_deployment_points_at_the_flow():
    from prefect.flows import load_flow_from_entrypoint

    spec = yaml.safe_load((ROOT / "prefect.yaml").read_text())
    (deployment,) = spec["deployments"]
    flow = load_flow_from_entrypoint(str(ROOT / deployment["entrypoint"]))
    assert flow.name == "scan2text-run"
    assert set(deployment["parameters"]) <= set(flow.parameters.properties)


@pytest.mark.unit
@pytest.mark.parametrize("args", [["--help"], ["--version"], ["run", "--help"], ["schema"]])
def test_cli_answers(args):
    proc = subprocess.run([sys.executable, "-m", "scan2text", *args], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip()


@pytest.mark.unit
def test_missing_input_is_a_clear_error(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "scan2text", "run", str(tmp_path / "nowhere"), "--out", str(tmp_path / "o")],
        capture_output=True, text=True,
    )
    assert proc.returncode == 2
    assert "nowhere" in proc.stderr and "does not exist" in proc.stderr


@pytest.mark.integration
def test_the_wheel_ships_the_product_and_flows_inside_it(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    (wheel,) = tmp_path.glob("scan2text-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        shipped_init = zf.read("scan2text/flows/__init__.py")
    assert {name.split("/")[0] for name in names if ".dist-info/" not in name} == {"scan2text"}
    # the workshop stays in tools/
    workshop = ("scan2text/samplegen/", "scan2text/bench/", "scan2text/evaluate")
    assert not any(name.startswith(workshop) for name in names)
    assert {"scan2text/flows/pipeline.py", "scan2text/flows/api_server.py"} <= names
    # flows/ itself, not the checkout's stand-in for it
    assert shipped_init == (ROOT / "flows" / "__init__.py").read_bytes()
