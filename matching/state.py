"""The engine's working state in this process: candidate store, text index, track record and scorer.

Built once (or loaded from the last saved copy) and then refreshed incrementally before each run: only suppliers
whose profile changed since the last refresh are read again, so a run never rebuilds the index. A profile's
``updated_at`` moves whenever its capabilities, certificates or diagnostics change (suppliers' services touch it),
which makes it the one watermark to follow. The track record is rebuilt when linkage history changes, the scorer
reloaded when another ranker model becomes active.
"""

import datetime as dt
import logging
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import joblib
import numpy as np
from django.conf import settings
from django.utils import timezone

from . import selectors
from .engine.artifacts import load_scorer
from .engine.candidates import CandidateMatrix
from .engine.history import TrackRecord
from .engine.scoring import DefaultScorer, Scorer
from .engine.text import SupplierTextIndex

logger = logging.getLogger(__name__)

STATE_FORMAT = 3  # 3: capabilities carry the day an award showed them
# A change committed just after a read may carry an ``updated_at`` from just before it: each read looks back this
# far past the previous one (writes to a profile are short transactions; a longer window re-reads more rows).
OVERLAP = dt.timedelta(seconds=30)
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Snapshot:
    candidates: CandidateMatrix
    index: SupplierTextIndex
    history: TrackRecord
    scorer: Scorer


def state_dir() -> Path:
    path = Path(settings.MATCHING_STATE_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def models_dir() -> Path:
    path = state_dir() / "models"
    path.mkdir(parents=True, exist_ok=True)
    return path


class EngineState:
    def __init__(self):
        self._lock = threading.Lock()
        self.candidates: CandidateMatrix | None = None
        self.index: SupplierTextIndex | None = None
        self.seen: dict[int, dt.datetime] = {}  # supplier id → the updated_at its rows were built from
        self.read_at: dt.datetime = EPOCH  # when the suppliers were last read
        self.history: TrackRecord = TrackRecord()
        self.history_key: tuple | None = None
        self.scorer: Scorer = DefaultScorer()
        self.scorer_key: str | None = ""
        self.refreshes = {"full": 0, "incremental": 0, "loaded": 0}

    # -- suppliers --------------------------------------------------------------------------------------------

    def _path(self) -> Path:
        return state_dir() / "engine-state.joblib"

    def _save(self) -> None:
        payload = {
            "format": STATE_FORMAT,
            "database": settings.DATABASES["default"]["NAME"],
            "candidates": self.candidates,
            "index": self.index,
            "seen": self.seen,
            "read_at": self.read_at,
        }
        # Write then rename: a reader in another process sees the old file or the new one, never half of one.
        handle, temporary = tempfile.mkstemp(dir=state_dir(), suffix=".tmp")
        os.close(handle)
        try:
            joblib.dump(payload, temporary)
            os.replace(temporary, self._path())
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)

    def _load(self) -> bool:
        try:
            payload = joblib.load(self._path())
        except FileNotFoundError:
            return False
        except Exception:  # a corrupt or foreign file is rebuilt, never trusted
            logger.warning("matching: the saved engine state could not be read; rebuilding it", exc_info=True)
            return False
        if payload.get("format") != STATE_FORMAT or payload.get("database") != settings.DATABASES["default"]["NAME"]:
            return False
        self.candidates, self.index = payload["candidates"], payload["index"]
        self.seen, self.read_at = payload["seen"], payload["read_at"]
        self.refreshes["loaded"] += 1
        return True

    def rebuild(self) -> None:
        started = timezone.now()
        records = selectors.supplier_records()
        self.candidates = CandidateMatrix(records)
        self.index = SupplierTextIndex().fit(records)
        self.seen = {r.supplier_id: r.updated_at for r in records}
        self.read_at = started
        self.refreshes["full"] += 1
        self._save()

    def _refresh_suppliers(self) -> None:
        if self.candidates is None and not self._load():
            self.rebuild()
            return
        started = timezone.now()
        rows = selectors.changed_profiles_since(self.read_at - OVERLAP)
        changed = [pk for pk, at in rows if self.seen.get(pk) != at]
        if not changed:
            self.read_at = started
            if selectors.rankable_count() != self.candidates.size:  # a profile was deleted outright
                self.rebuild()
            return
        records = selectors.supplier_records(profile_ids=changed)
        rankable = {r.supplier_id for r in records}
        removed = [pk for pk in changed if pk not in rankable]
        self.candidates = self.candidates.replace(records, removed=removed)
        self.index.upsert(records)
        self.index.remove(removed)
        for record in records:
            self.seen[record.supplier_id] = record.updated_at
        updated = dict(rows)
        for pk in removed:
            self.seen[pk] = updated[pk]
        self.read_at = started
        self.refreshes["incremental"] += 1
        if self.index.needs_refit():
            self.rebuild()
        else:
            self._save()

    # -- history and scorer -----------------------------------------------------------------------------------

    def _refresh_history(self) -> None:
        key = selectors.history_fingerprint()
        if key == self.history_key:
            return
        self.history = TrackRecord(selectors.history_events())
        self.history_key = key
        rates = selectors.responsiveness()
        if self.candidates is not None and len(self.candidates.supplier_ids):
            self.candidates.response_rate = np.array(
                [rates.get(int(pk), np.nan) for pk in self.candidates.supplier_ids], dtype=np.float64
            )

    def _refresh_scorer(self) -> None:
        ranker = selectors.active_ranker()
        key = ranker.version if ranker else None
        if key == self.scorer_key:
            return
        scorer: Scorer = DefaultScorer()
        if ranker is not None:
            try:
                scorer = load_scorer(models_dir() / ranker.artifact)
            except (OSError, ValueError):
                logger.exception("matching: ranker %s could not be loaded; using the default scorer", ranker.version)
        self.scorer, self.scorer_key = scorer, key

    def snapshot(self) -> Snapshot:
        with self._lock:
            self._refresh_suppliers()
            self._refresh_history()
            self._refresh_scorer()
            return Snapshot(candidates=self.candidates, index=self.index, history=self.history, scorer=self.scorer)

    def reset(self) -> None:
        """Forget everything (tests, and `manage.py match --rebuild`); the next snapshot rebuilds or reloads."""
        with self._lock:
            self.__init__()


engine_state = EngineState()


def today() -> dt.date:
    return timezone.localdate()
