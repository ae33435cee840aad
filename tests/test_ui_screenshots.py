"""The Dagster UI over a warehouse with bad files: the webserver reports the failing WARN checks.

An ingest plus a webserver start: 60-110 s on a busy two-core machine, the slowest test here.
"""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import ui_screenshots

from pipelines.brochures import source_file_to_partition_key

#: the checks the bad files of the scene must fail, each at WARN
FAILING = {
    ("ingest_errors", "no_ingest_errors"),
    ("quarantine", "nothing_quarantined"),
    ("documents", "every_document_has_coverages"),
}


@pytest.fixture
def restore_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """Undo the Dagster variables `ui_screenshots.ingest` sets in this process."""
    for name in ("DAGSTER_HOME", "DAGSTER_DISABLE_TELEMETRY"):
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)


def test_the_webserver_reports_the_failing_warn_checks(tmp_path: Path, restore_environ: None) -> None:
    scene = ui_screenshots.make_scene(tmp_path)
    run_id = ui_screenshots.ingest(scene)
    with ui_screenshots.webserver(scene) as base_url:
        checks = ui_screenshots.latest_checks(base_url)
        published = ui_screenshots.check_partitions(base_url, "ingest_errors", "brochure_published")
        runs = ui_screenshots.graphql(base_url, "{ runsOrError { ... on Runs { results { runId } } } }")
    for key in FAILING:
        assert checks[key] == ("FAILED", "WARN"), key
    assert checks[("loss_scenarios", "scenario_items_add_up")] == ("SUCCEEDED", "WARN")
    # each brochure in ingest_errors fails the check of its own partition, the others pass it
    broken = {*ui_screenshots.BAD_FILES, "dated-1980.txt"}
    assert set(published["failed"]) == {source_file_to_partition_key(n) for n in broken}
    assert len(published["succeeded"]) == len(list(scene.raw.iterdir())) - len(broken)
    # the run is on the persistent instance the webserver reads, not an ephemeral one
    assert run_id in {r["runId"] for r in runs["runsOrError"]["results"]}  # type: ignore[index]
    # the webserver is stopped afterwards
    with pytest.raises(OSError):
        ui_screenshots.graphql(base_url, "{ version }")
