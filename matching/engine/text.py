"""Text relevance of supplier documents to a requirement, across Spanish, Portuguese and English.

Word n-grams catch shared vocabulary ("CNC", "ISO 13485"); character n-grams inside word boundaries catch what
words miss: accents and their absence, cognates across languages ("inoxidable"/"inoxidável") and typos
("mecanisado"). Both are TF-IDF weighted, L2-normalised and concatenated, so a dot product is a cosine similarity.
"""

import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

import joblib
import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

FORMAT_VERSION = 1


def fold(text: str) -> str:
    """Lower case without accents: the form both vectorisers see."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


class SupplierTextIndex:
    """A TF-IDF index of supplier documents, updated in place when suppliers change.

    Updates reuse the fitted vocabulary (no refit per change); ``needs_refit`` tells when enough rows changed
    that the vocabulary and document frequencies should be learned again.
    """

    def __init__(self, *, refit_share: float = 0.2):
        self.refit_share = refit_share
        self._word = TfidfVectorizer(preprocessor=fold, ngram_range=(1, 2), min_df=1, sublinear_tf=True)
        self._char = TfidfVectorizer(
            preprocessor=fold, analyzer="char_wb", ngram_range=(3, 5), min_df=1, sublinear_tf=True
        )
        self.ids: np.ndarray = np.empty(0, dtype=np.int64)
        self.matrix: sparse.csr_matrix = sparse.csr_matrix((0, 0))
        self._changed_since_fit = 0

    def fit(self, ids: Sequence[int], documents: Sequence[str]) -> "SupplierTextIndex":
        if len(ids) != len(documents):
            raise ValueError("ids and documents differ in length")
        self._word.fit(documents)
        self._char.fit(documents)
        self.ids = np.asarray(ids, dtype=np.int64)
        self.matrix = self._transform(documents)
        self._changed_since_fit = 0
        return self

    def _transform(self, documents: Iterable[str]) -> sparse.csr_matrix:
        documents = list(documents)
        combined = sparse.hstack([self._word.transform(documents), self._char.transform(documents)], format="csr")
        return normalize(combined).astype(np.float32)

    def upsert(self, ids: Sequence[int], documents: Sequence[str]) -> None:
        """Add or replace suppliers' rows with the existing vocabulary."""
        ids = np.asarray(ids, dtype=np.int64)
        rows = self._transform(documents)
        keep = ~np.isin(self.ids, ids)
        self.matrix = sparse.vstack([self.matrix[keep], rows], format="csr")
        self.ids = np.concatenate([self.ids[keep], ids])
        self._changed_since_fit += len(ids)

    def remove(self, ids: Sequence[int]) -> None:
        keep = ~np.isin(self.ids, np.asarray(ids, dtype=np.int64))
        self._changed_since_fit += int((~keep).sum())
        self.matrix = self.matrix[keep]
        self.ids = self.ids[keep]

    def needs_refit(self) -> bool:
        return bool(len(self.ids)) and self._changed_since_fit > self.refit_share * len(self.ids)

    def relevance(self, text: str, *, ids: Sequence[int] | None = None) -> np.ndarray:
        """Cosine similarity of ``text`` to every indexed supplier (or to ``ids``, in that order; 0 if unknown)."""
        scores = (self.matrix @ self._transform([text]).T).toarray().ravel()
        if ids is None:
            return scores
        position = {supplier: row for row, supplier in enumerate(self.ids.tolist())}
        return np.array([scores[position[i]] if i in position else 0.0 for i in ids], dtype=np.float64)

    def save(self, path: Path | str) -> None:
        joblib.dump({"format": FORMAT_VERSION, "index": self}, path, compress=3)

    @classmethod
    def load(cls, path: Path | str) -> "SupplierTextIndex":
        payload = joblib.load(path)
        if payload.get("format") != FORMAT_VERSION:
            raise ValueError(f"index format {payload.get('format')} is not {FORMAT_VERSION}; rebuild the index")
        return payload["index"]
