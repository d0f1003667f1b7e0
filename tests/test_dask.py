"""A build through a real dask.distributed cluster on 127.0.0.1 writes what a local build writes."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

from geo import settings
from geo.build import build
from geo.errors import FrontlineError

distributed = pytest.importorskip("distributed", reason="dask.distributed is not installed")

REPO = Path(__file__).resolve().parents[1]


def load(name: str):
    spec = importlib.util.spec_from_file_location(name, REPO / "tests" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address=None, protocol="tcp",
    ) as local:
        yield local


def test_a_build_on_a_cluster_writes_what_a_local_build_writes(cluster, tmp_path, seeds_dir):
    workers = load("test_workers")
    articles = tmp_path / "articles"
    shutil.copytree(seeds_dir, articles)
    workers.generator().generate_articles(articles / "generated", 60, seed=5)
    assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
    local = build([articles], tmp_path / "local", workers=1)
    remote = build([articles], tmp_path / "remote", dask=cluster.scheduler_address)
    assert remote.lines()[1] == local.lines()[1]
    assert not remote.problems and remote.events == local.events > 50
    one, two = workers.snapshot(tmp_path / "local"), workers.snapshot(tmp_path / "remote")
    for name in one:
        assert one[name] == two[name], name
    # both workers took part: each holds the state it set up for this build
    states = distributed.Client(cluster.scheduler_address, set_as_default=False)
    try:
        keys = states.run(lambda: getattr(__import__("geo.workers").workers._STATE, "key", None))
    finally:
        states.close()
    assert len(keys) == 2 and all(keys.values())


def test_an_unreachable_scheduler_is_one_clear_error(tmp_path, seeds_dir, monkeypatch):
    monkeypatch.setattr(settings, "dask_timeout", 2.0)
    with pytest.raises(FrontlineError, match=r"cannot reach the Dask scheduler 'tcp://127.0.0.1:9'"):
        build([seeds_dir], tmp_path / "out", dask="tcp://127.0.0.1:9")
    assert not (tmp_path / "out" / "frontline.html").exists()
