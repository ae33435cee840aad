"""Shared fixtures: a temporary raw folder of seed brochures and bad files, and a Dagster run over it."""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

SEEDS = Path(__file__).parent / "fixtures" / "seeds"
#: the three bad files of `raw_dir`, each of a kind real operators drop
BAD_FILES = {
    "broken/corrupt.pdf": b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\n%% truncated download",
    "empty.txt": b"",
    "scan.pdf": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64),
    # a type no reader reads: an error row too, not a line on the console only
    "notes.docx": b"PK\x03\x04",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    # tests/test_golden.py: goldens are rewritten only on purpose
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/ from the fixtures")


def pytest_configure(config: pytest.Config) -> None:
    # Dagster announces its beta parameters (backfill_policy) whenever a module defines assets
    config.addinivalue_line("filterwarnings", r"ignore:.*is currently in (beta|preview)")


def load_module(path: Path) -> ModuleType:
    """Given a Python file outside any package (a fixture generator), return it imported."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_raw_dir(root: Path) -> Path:
    """Given a folder, fill it with the five seed texts, the bad files and files to ignore; return it."""
    root.mkdir(parents=True, exist_ok=True)
    for seed in sorted(SEEDS.glob("*.txt")):
        shutil.copy(seed, root / seed.name)
    for name, data in BAD_FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    # never brochures: hidden files and folders
    (root / ".DS_Store").write_bytes(b"\x00\x01")
    (root / ".drafts").mkdir()
    (root / ".drafts" / "draft.txt").write_text("サイバー保険 下書き", encoding="utf-8")
    return root


@pytest.fixture
def raw_dir(tmp_path: Path) -> Path:
    return make_raw_dir(tmp_path / "raw")


@pytest.fixture
def run_ingest() -> Callable[..., object]:
    """Return a function that runs the `ingest` job over every brochure of a raw folder, in process."""
    import dagster as dg

    from pipelines.assets import PARTITIONS, partition_range_tags
    from pipelines.brochures import list_brochures
    from pipelines.definitions import build_defs

    def run(raw: Path, warehouse: Path, instance: dg.DagsterInstance) -> dg.ExecuteInProcessResult:
        keys = list(list_brochures(raw))
        known = set(instance.get_dynamic_partitions(PARTITIONS))
        instance.add_dynamic_partitions(PARTITIONS, [k for k in keys if k not in known])
        return (
            build_defs(str(raw), str(warehouse))
            .resolve_job_def("ingest")
            .execute_in_process(instance=instance, tags=partition_range_tags(keys))
        )

    return run
