"""Paths the tests read, wherever a test module sits in the tree."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
"""The repository root."""
TEST_DATA = ROOT / "tests" / "data"
"""Dev sets and invalid-file fixtures."""
SAMPLE = ROOT / "data" / "sample"
"""The bundled sample data."""
POOL = SAMPLE / "pool"
"""The bundled synthetic pool (``data/sample/pool``)."""
