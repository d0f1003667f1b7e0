"""``frontline serve`` as a command: it builds, prints the URL with its token, stops on Ctrl-C."""

from __future__ import annotations

import http.client
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]


def _lines(stream, into: queue.Queue) -> None:
    for line in stream:
        into.put(line)


def test_frontline_serve_builds_prints_its_url_guards_writes_and_stops(tmp_path, seeds_dir):
    articles = tmp_path / "articles"
    shutil.copytree(seeds_dir, articles)
    out = tmp_path / "maps"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "geo", "serve", str(articles), "--out", str(out), "--port", "0",
         "--workers", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path,
    )
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=_lines, args=(proc.stdout, lines), daemon=True).start()
    try:
        seen = []
        while True:
            line = lines.get(timeout=120)
            seen.append(line)
            if line.startswith("review the map at "):
                break
        url = line.split(" at ", 1)[1].strip()
        parts = urlsplit(url)
        assert parts.hostname == "127.0.0.1" and parts.path == "/frontline.html"
        assert parts.fragment.startswith("token=") and len(parts.fragment) > 40
        token = parts.fragment[len("token="):]
        assert (out / "frontline.html").is_file()

        conn = http.client.HTTPConnection("127.0.0.1", parts.port, timeout=10)
        conn.request("GET", "/frontline.html")
        page = conn.getresponse()
        assert page.status == 200 and b"frontlineKit" in page.read()
        conn.request("GET", "/api/events")
        events = json.loads(conn.getresponse().read())["events"]
        assert len(events) >= 10
        first = events[0]["id"]
        conn.request("POST", f"/api/events/{first}/confirm", body=b"{}",
                     headers={"Content-Type": "application/json"})
        refused = conn.getresponse()
        assert refused.status == 403 and b"X-Frontline-Token" in refused.read()
        conn.request("POST", f"/api/events/{first}/confirm", body=b"{}",
                     headers={"Content-Type": "application/json", "X-Frontline-Token": token})
        done = conn.getresponse()
        assert done.status == 200, done.read()
        assert json.loads(done.read())["event"]["review"] == "confirmed"
        conn.close()
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    stderr = proc.stderr.read()
    proc.stderr.close()
    proc.stdout.close()
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert "stopped" in stderr
    # the confirmation was kept as a correction beside the articles
    assert first in (articles / "corrections.jsonl").read_text(encoding="utf-8")
