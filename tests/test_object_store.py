"""A warehouse on an S3-compatible object store publishes the rows a local warehouse does.

moto's S3 server runs in this process on a free loopback port; s3fs (the `s3` extra) finds it
through the endpoint variable botocore reads, AWS_ENDPOINT_URL, with dummy keys, as a user
reaches MinIO or any S3-compatible store: `brochures ingest RAW --warehouse s3://bucket/prefix`.
"""

from __future__ import annotations

import contextlib
import io
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import s3fs
from moto.server import ThreadedMotoServer
from published import assert_same_rows, published, seeded_raw

from pipelines import cli
from pipelines.brochures import list_brochures
from pipelines.storage import Warehouse, partition_file_stem
from schemas.models import TABLES, WAREHOUSE_MODELS


@dataclass(frozen=True)
class Ingested:
    """The raw folder ingested twice: into a local folder and into a bucket of the S3 server."""

    raw: Path
    local: Path
    url: str
    output: str


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ingested]:
    """Given nothing, start an S3 server on loopback, ingest raw/ there and locally; return both."""
    tmp = tmp_path_factory.mktemp("object_store")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    settings = {
        "AWS_ENDPOINT_URL": f"http://{host}:{port}",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        # no profile or key of this machine's user may reach the test
        "AWS_CONFIG_FILE": str(tmp / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp / "no-aws-credentials"),
    }
    bucket = f"brochures-{uuid.uuid4().hex[:12]}"  # moto keeps its buckets for the life of the process
    with pytest.MonkeyPatch.context() as env:
        for name, value in settings.items():
            env.setenv(name, value)
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_S3"):
            env.delenv(name, raising=False)
        s3fs.S3FileSystem.clear_instance_cache()  # a file system made earlier keeps its endpoint
        try:
            s3fs.S3FileSystem().mkdir(bucket)
            raw = seeded_raw(tmp / "raw")
            assert cli.main(["ingest", str(raw), "--warehouse", str(tmp / "local")]) == 0
            output = io.StringIO()
            with contextlib.redirect_stdout(output):
                assert cli.main(["ingest", str(raw), "--warehouse", f"s3://{bucket}/warehouse"]) == 0
            yield Ingested(raw, tmp / "local", f"s3://{bucket}/warehouse", output.getvalue())
        finally:
            s3fs.S3FileSystem.clear_instance_cache()
            server.stop()


def test_an_s3_warehouse_publishes_the_rows_of_a_local_one(ingested: Ingested) -> None:
    remote = Warehouse.at(ingested.url)
    assert remote.base.fs.ls(f"{remote.base.path}/{TABLES[0]}")  # the files are in the bucket
    expected = published(Warehouse.at(ingested.local), WAREHOUSE_MODELS)
    assert any(f.height for f in expected["ingest_errors"].values())
    assert_same_rows(published(remote, WAREHOUSE_MODELS), expected)
    # every transaction was committed, moved into place and deleted
    assert remote.base.fs.find(remote.staging().path) == []
    assert f"catalog: not built for {ingested.url}" in ingested.output


def test_pruning_an_s3_warehouse_removes_a_brochure_from_every_table(ingested: Ingested) -> None:
    remote = Warehouse.at(ingested.url)
    keys = list(list_brochures(ingested.raw))
    gone = partition_file_stem(keys[0])
    removed = remote.prune(TABLES, keep=keys[1:])
    assert {p.name for p in removed} == {f"{gone}.parquet"}
    assert all(gone not in remote.stems(t) and len(remote.stems(t)) == len(keys) - 1 for t in TABLES)
    assert remote.base.fs.find(remote.staging().path) == []
