"""The project's one scorer, for tests: `fixtures/gold_score.py` is a verbatim copy of
`../shared/tools/score.py` (kept as published, outside ruff), loaded here as a module so that
every held-out test matches rows exactly as the published figures do."""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path
from types import ModuleType

SCORER = Path(__file__).resolve().parent / "fixtures" / "gold_score.py"


@functools.cache
def scorer() -> ModuleType:
    """Given nothing, return the vendored scorer module (loaded once)."""
    spec = importlib.util.spec_from_file_location("gold_score", SCORER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
