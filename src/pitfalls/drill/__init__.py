"""`pitfalls drill`: interview practice on the user's own code. Only the drill command imports
this package: `check`, flake8 and the language server never load it (nor sqlite3 or fsrs)."""

from __future__ import annotations

from pitfalls.drill.fingerprints import (
    EXAMPLE,
    QUESTION,
    card_id,
    fingerprint,
    follow_up,
)
from pitfalls.drill.store import DrillStore, DrillStoreError, default_path

__all__ = ["EXAMPLE", "QUESTION", "DrillStore", "DrillStoreError", "card_id", "default_path", "fingerprint", "follow_up"]
