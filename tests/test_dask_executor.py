"""The ingest job on Dagster's Dask executor, over a local `distributed` cluster, publishes the
rows an in-process run does.

The cluster's two workers are processes of their own on loopback; as on a real cluster they
are non-daemonic (`distributed.worker.daemon: false`, see pipelines/distributed.py) so that
the extraction can read each brochure in a process of its own. The runs share a persistent
Dagster instance (a temporary DAGSTER_HOME), which the workers open from its reference.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import dask
import pytest
from distributed import Client, LocalCluster
from published import assert_same_rows, published, seeded_raw

from pipelines import distributed
from pipelines.assets import PARTITIONS, partition_range_tags
from pipelines.brochures import list_brochures
from pipelines.definitions import build_defs
from pipelines.storage import Warehouse
from schemas.models import TABLES


def _free_port() -> int:
    """Given nothing, return a TCP port on loopback that no one listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    """Given nothing, return a local Dask cluster of two single-threaded worker processes on loopback.

    DASK_SCHEDULER_ADDRESS names its scheduler, as a deployment sets it for the Dagster
    processes and the workers (each resolves the run's config, the executor's included).
    """
    port = _free_port()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DASK_SCHEDULER_ADDRESS", f"tcp://127.0.0.1:{port}")
        with (
            dask.config.set({"distributed.worker.daemon": False}),
            LocalCluster(
                n_workers=2,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                scheduler_port=port,
                dashboard_address=None,
            ) as local,
        ):
            assert local.scheduler_address == os.environ["DASK_SCHEDULER_ADDRESS"]
            yield local


def _resources(raw: Path, warehouse: Path) -> dict[str, object]:
    """Given a raw folder and a warehouse folder, return the resources' run config for them."""
    return {
        "settings": {"config": {"raw_dir": str(raw)}},
        "warehouse_io_manager": {"config": {"base_path": str(warehouse)}},
    }


def test_the_dask_executor_publishes_the_rows_of_an_in_process_run(
    tmp_path: Path, cluster: LocalCluster
) -> None:
    raw = seeded_raw(tmp_path / "raw", brochures=2)  # a PDF and an HTML brochure, two bad files
    keys = list(list_brochures(raw))
    tags = partition_range_tags(keys)
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions(PARTITIONS, keys)
        in_process = (
            build_defs()
            .resolve_job_def("ingest")
            .execute_in_process(
                instance=instance, run_config={"resources": _resources(raw, tmp_path / "local")}, tags=tags
            )
        )
        assert in_process.success
        run_config = {"resources": _resources(raw, tmp_path / "dask")}
        on_dask = dg.execute_job(dg.reconstructable(distributed.ingest_job), instance, run_config, tags=tags)
        assert on_dask.success
        # every step ran in a worker of the cluster, none in this process
        with Client(cluster) as client:
            workers = set(client.run(os.getpid).values())
        steps = {e.pid for e in on_dask.all_events if e.is_step_start}
        assert len(steps) >= 1 and steps <= workers and os.getpid() not in steps
    expected = published(Warehouse.at(tmp_path / "local"), TABLES)
    assert any(f.height for f in expected["ingest_errors"].values())
    assert_same_rows(published(Warehouse.at(tmp_path / "dask"), TABLES), expected)
