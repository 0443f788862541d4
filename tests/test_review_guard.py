"""The review app answers only under its own Host and takes changes only from its own pages."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from test_store import PAGE, make_out_dir

from scan2text.review import create_app
from scan2text.review.security import allowed_hosts
from scan2text.store.run_folder import RunFolder

pytestmark = pytest.mark.unit

BASE = "http://127.0.0.1:8765"


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    return make_out_dir(tmp_path)


@pytest.fixture
def client(out_dir: Path):
    with TestClient(create_app(out_dir), base_url=BASE) as client:
        yield client


def _token(client: TestClient) -> str:
    html = client.get(f"/page/{PAGE}").text
    found = re.search(r'<meta name="csrf-token" content="([0-9a-f]{64})">', html)
    assert found, html[:500]
    return found.group(1)


def _approved(out_dir: Path) -> bool:
    with RunFolder(out_dir).open_store() as store:
        return store.page_state(PAGE).approved


APPROVE = {"page_id": PAGE, "author": "ann"}


def test_a_foreign_host_name_gets_nothing(client: TestClient, out_dir: Path) -> None:
    # what a DNS-rebinding page sends: its own name, resolved to 127.0.0.1
    for path in ("/", f"/page/{PAGE}", f"/img/clean/{PAGE}"):
        response = client.get(path, headers={"Host": "attacker.example:8799"})
        assert response.status_code == 400, path
        assert "ПИСЬМО" not in response.text
    token = _token(client)
    refused = client.post("/api/approve", json=APPROVE, headers={
        "Host": "attacker.example:8799", "Origin": "http://attacker.example:8799", "X-CSRF-Token": token})
    assert refused.status_code == 400 and not _approved(out_dir)
    for host in ("127.0.0.1:8765", "localhost:8765", "[::1]:8765"):
        assert client.get("/", headers={"Host": host}).status_code == 200, host


def test_changes_need_a_same_origin_and_the_sessions_token(client: TestClient, out_dir: Path) -> None:
    token = _token(client)
    cases = {
        "no Origin": {"X-CSRF-Token": token},
        "another site": {"Origin": "http://evil.example", "X-CSRF-Token": token},
        "another port": {"Origin": "http://127.0.0.1:9999", "X-CSRF-Token": token},
        "no token": {"Origin": BASE},
        "a wrong token": {"Origin": BASE, "X-CSRF-Token": "0" * 64},
    }
    for case, headers in cases.items():
        response = client.post("/api/approve", json=APPROVE, headers=headers)
        assert response.status_code == 403, case
        assert "refused" in response.json()["error"], case
    line = {"page_id": PAGE, "line_id": "l0000", "text": "changed", "version": 0, "author": "ann"}
    assert client.post("/api/line", json=line, headers=cases["another site"]).status_code == 403
    assert not _approved(out_dir)
    with RunFolder(out_dir).open_store() as store:
        assert store.page_state(PAGE).lines[0].text != "changed"

    ok = client.post("/api/approve", json=APPROVE, headers={"Origin": BASE, "X-CSRF-Token": token})
    assert ok.status_code == 200 and _approved(out_dir)


def test_a_token_belongs_to_its_session(out_dir: Path) -> None:
    app = create_app(out_dir)
    with TestClient(app, base_url=BASE) as ann, TestClient(app, base_url=BASE) as eve:
        ann_token = _token(ann)
        _token(eve)  # eve has a session of her own
        stolen = eve.post("/api/approve", json=APPROVE, headers={"Origin": BASE, "X-CSRF-Token": ann_token})
        assert stolen.status_code == 403
        # a restarted server's key is new: old pages must be reloaded
        with TestClient(create_app(out_dir), base_url=BASE, cookies=dict(ann.cookies)) as later:
            late = later.post("/api/approve", json=APPROVE, headers={"Origin": BASE, "X-CSRF-Token": ann_token})
            assert late.status_code == 403 and "reload" in late.json()["error"]
    assert not _approved(out_dir)


def test_session_cookie_is_httponly_and_same_site(client: TestClient) -> None:
    cookie = client.get("/").headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "script-src 'self'" in client.get("/").headers["content-security-policy"]


def test_hosts_each_bind_answers_to() -> None:
    assert "attacker.example" not in allowed_hosts("127.0.0.1")
    assert set(allowed_hosts("127.0.0.1")) == {"127.0.0.1", "localhost", "[::1]"}
    assert allowed_hosts("192.0.2.7") == ["192.0.2.7"]
    everywhere = allowed_hosts("0.0.0.0", ["review.archive.example"])
    assert {socket.gethostname().lower(), "127.0.0.1", "review.archive.example"} <= set(everywhere)
    assert "attacker.example" not in everywhere


def test_a_wildcard_bind_still_refuses_foreign_names(out_dir: Path) -> None:
    with TestClient(create_app(out_dir, bind="0.0.0.0"), base_url=BASE) as client:
        assert client.get("/", headers={"Host": "attacker.example"}).status_code == 400
        assert client.get("/", headers={"Host": f"{socket.gethostname()}:8765"}).status_code == 200
