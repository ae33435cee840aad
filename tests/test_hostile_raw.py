"""What a raw folder holds besides brochures cannot block or crash a run: pipes, link loops, no brochure."""

import io
import os
import threading
from pathlib import Path

from conftest import SEEDS

from pipelines.brochures import brochure_to_result, confinement_problem, content_digest, list_brochures
from pipelines.cli import ingest
from pipelines.report import REPORT_NAME
from pipelines.versions import file_doc_id

SEED = sorted(SEEDS.glob("*.txt"))[0]


def finishes(work: object, seconds: float = 10.0) -> bool:
    """Given a function of no arguments, return whether it returns within that many seconds."""
    thread = threading.Thread(target=work, daemon=True)  # type: ignore[arg-type]
    thread.start()
    thread.join(seconds)
    return not thread.is_alive()


def test_hashing_a_named_pipe_does_not_wait_for_a_writer(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)
    found: list[object] = []
    assert finishes(lambda: found.extend([content_digest(pipe), file_doc_id(pipe)]))
    assert found == ["unreadable", None]
    assert "not a regular file" in (confinement_problem(tmp_path, "pipe.txt") or "")


def test_a_loop_of_links_is_refused_and_the_brochure_beside_it_is_read(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "loop-a.txt").symlink_to(tmp_path / "loop-b.txt")
    (tmp_path / "loop-b.txt").symlink_to(tmp_path / "loop-a.txt")
    assert "loop" in (confinement_problem(tmp_path, "loop-a.txt") or "")
    keys = list_brochures(tmp_path)
    # the good brochure compares its bytes with the others (twins): the loop must not crash that
    assert type(brochure_to_result(tmp_path, "good.txt")).__name__ == "Extraction"
    assert all(
        type(brochure_to_result(tmp_path, k)).__name__ == "IngestErrorRecord" for k in keys if "loop" in k
    )


def test_a_run_that_publishes_no_brochure_still_writes_its_report(tmp_path: Path) -> None:
    raw, warehouse = tmp_path / "raw", tmp_path / "warehouse"
    raw.mkdir()
    (raw / "empty.txt").write_bytes(b"")
    code = ingest(raw, str(warehouse), verbose=False, out=io.StringIO(), err=io.StringIO())
    assert code == 0
    assert (warehouse / REPORT_NAME).is_file()
