"""Text relevance of supplier documents to a requirement, across Spanish, Portuguese and English.

Word n-grams (1–2) catch shared vocabulary ("CNC", "ISO 13485", "acero inoxidable"); character n-grams inside word
boundaries (3–5) catch what words miss: accents and their absence, cognates across languages
("inoxidable"/"inoxidável") and typos ("mecanisado"). Each part is TF-IDF weighted and L2-normalised, the two are
concatenated and normalised again, so a dot product is the mean of the word and character cosine similarities.

The index is built once and kept (joblib), not rebuilt per request. Its matrix is stored column-wise (CSC): a query
has a hundred or so n-grams out of tens of thousands, so it reads only their columns, a few per cent of the stored
values, rather than every supplier's whole row. Changed suppliers are re-transformed with the
fitted vocabulary and their rows replaced; once a share of the rows changed since the last fit, ``needs_refit``
says the vocabulary and document frequencies should be learned again (a nightly job calls ``refit``).
"""

import re
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

import joblib
import numpy as np
import sklearn
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from .documents import SupplierRecord

FORMAT_VERSION = 2
DEFAULT_REFIT_SHARE = 0.2
# Document frequencies estimated from 40,000 documents are as good as from all of them, and fitting on a sample
# keeps the build's peak memory bounded when the supplier base grows; every document is still transformed.
DEFAULT_FIT_SAMPLE = 40_000
TRANSFORM_CHUNK = 10_000

# Function words of the three languages: frequent enough to add nothing but memory to the word bigrams.
STOP_WORDS = frozenset(
    {
        "a",
        "al",
        "and",
        "as",
        "at",
        "com",
        "como",
        "con",
        "da",
        "das",
        "de",
        "del",
        "do",
        "dos",
        "e",
        "el",
        "em",
        "en",
        "for",
        "in",
        "la",
        "las",
        "los",
        "na",
        "nas",
        "no",
        "nos",
        "o",
        "of",
        "on",
        "or",
        "os",
        "para",
        "por",
        "the",
        "to",
        "un",
        "una",
        "uma",
        "y",
        "with",
    }
)
_NOT_WORD = re.compile(r"[^\w]+")
# Numbers of any length are tokens ("8" in "2-8 °C", "316" in "316L"); single letters are not.
TOKEN_PATTERN = r"(?u)\b(?:\d+|\w\w+)\b"  # noqa: S105 (a regular expression, not a secret)


def normalise(text: str) -> str:
    """Lower case, accents stripped (NFKD), punctuation turned to spaces; digits and units ("316l", "kg") kept."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    without_accents = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return _NOT_WORD.sub(" ", without_accents.replace("_", " ")).strip()


fold = normalise  # the groundwork's name, kept for callers that fold a single string


def _word_vectorizer(min_df: int) -> TfidfVectorizer:
    return TfidfVectorizer(
        preprocessor=normalise,
        token_pattern=TOKEN_PATTERN,
        stop_words=sorted(STOP_WORDS),
        ngram_range=(1, 2),
        min_df=min_df,
        sublinear_tf=True,
        dtype=np.float32,
    )


def _char_vectorizer(min_df: int) -> TfidfVectorizer:
    return TfidfVectorizer(
        preprocessor=normalise,
        analyzer="char_wb",
        ngram_range=(3, 5),
        min_df=min_df,
        sublinear_tf=True,
        dtype=np.float32,
    )


EMPTY_BASE_STAND_IN = "enlace"


class SupplierTextIndex:
    """A TF-IDF index of supplier documents whose rows are kept in step with the suppliers incrementally."""

    def __init__(self, *, refit_share: float = DEFAULT_REFIT_SHARE, fit_sample: int = DEFAULT_FIT_SAMPLE):
        self.refit_share = refit_share
        self.fit_sample = fit_sample
        self._word: TfidfVectorizer | None = None
        self._char: TfidfVectorizer | None = None
        self.ids: np.ndarray = np.empty(0, dtype=np.int64)
        self.matrix: sparse.csc_matrix = sparse.csc_matrix((0, 0), dtype=np.float32)  # suppliers × n-grams
        self.changed_since_fit = 0
        self._sorted_rows: np.ndarray = np.empty(0, dtype=np.int64)
        self._sorted_ids: np.ndarray = np.empty(0, dtype=np.int64)
        self._last_rows: tuple[np.ndarray, np.ndarray] | None = None

    # -- building -----------------------------------------------------------------------------------------------

    def fit(self, records: Iterable[SupplierRecord]) -> "SupplierTextIndex":
        records = list(records)
        return self.fit_documents(ids=[r.supplier_id for r in records], documents=[r.document() for r in records])

    refit = fit

    def fit_documents(self, *, ids: Sequence[int], documents: Sequence[str]) -> "SupplierTextIndex":
        if len(ids) != len(documents):
            raise ValueError("ids and documents differ in length")
        if len(set(ids)) != len(ids):
            raise ValueError("supplier ids must be unique")
        documents = list(documents)
        sample = documents
        if len(documents) > self.fit_sample:
            chosen = np.random.default_rng(0).choice(len(documents), size=self.fit_sample, replace=False)
            sample = [documents[i] for i in np.sort(chosen)]
        # A term seen once in a large base is mostly a typo or a name: dropping it halves the vocabulary.
        min_df = 2 if len(sample) >= 1_000 else 1
        self._word, self._char = _word_vectorizer(min_df), _char_vectorizer(min_df)
        for vectorizer in (self._word, self._char):
            try:
                vectorizer.fit(sample)
            except ValueError:
                # No supplier yet, or none with a usable word: a one-word stand-in vocabulary scores every text 0.
                vectorizer.fit([EMPTY_BASE_STAND_IN])
        # sklearn keeps every dropped term in stop_words_ "for introspection": pure weight in a saved index.
        for vectorizer in (self._word, self._char):
            vectorizer.stop_words_ = None
        self.ids = np.asarray(ids, dtype=np.int64)
        self.matrix = self._transform(documents).tocsc()
        self.changed_since_fit = 0
        self._reindex()
        return self

    def _transform(self, documents: Sequence[str]) -> sparse.csr_matrix:
        if self._word is None or self._char is None:
            raise RuntimeError("the index is not fitted yet")
        if not len(documents):
            width = len(self._word.vocabulary_) + len(self._char.vocabulary_)
            return sparse.csr_matrix((0, width), dtype=np.float32)
        blocks = []
        for start in range(0, max(len(documents), 1), TRANSFORM_CHUNK):
            chunk = documents[start : start + TRANSFORM_CHUNK]
            words = self._word.transform(chunk)
            chars = self._char.transform(chunk)
            blocks.append(normalize(sparse.hstack([words, chars], format="csr", dtype=np.float32)))
        matrix = sparse.vstack(blocks, format="csr", dtype=np.float32) if len(blocks) > 1 else blocks[0]
        return matrix.astype(np.float32, copy=False)

    def _reindex(self) -> None:
        self._sorted_rows = np.argsort(self.ids, kind="stable")
        self._sorted_ids = self.ids[self._sorted_rows]
        self._last_rows = None

    # -- incremental refresh --------------------------------------------------------------------------------------

    def upsert(self, records: Iterable[SupplierRecord]) -> None:
        records = list(records)
        self.upsert_documents(ids=[r.supplier_id for r in records], documents=[r.document() for r in records])

    def upsert_documents(self, *, ids: Sequence[int], documents: Sequence[str]) -> None:
        """Add or replace suppliers' rows, transformed with the existing vocabulary (no refit)."""
        if not len(ids):
            return
        ids = np.asarray(ids, dtype=np.int64)
        rows = self._transform(list(documents))
        keep = ~np.isin(self.ids, ids)
        self.matrix = sparse.vstack([self.matrix[keep], rows], format="csc", dtype=np.float32)
        self.ids = np.concatenate([self.ids[keep], ids])
        self.changed_since_fit += len(ids)
        self._reindex()

    def remove(self, ids: Iterable[int]) -> None:
        keep = ~np.isin(self.ids, np.fromiter(ids, dtype=np.int64))
        removed = int((~keep).sum())
        if removed:
            self.matrix = self.matrix[keep]
            self.ids = self.ids[keep]
            self.changed_since_fit += removed
            self._reindex()

    def needs_refit(self) -> bool:
        """True once more than ``refit_share`` of the rows were added, replaced or removed since the last fit."""
        return bool(len(self.ids)) and self.changed_since_fit > self.refit_share * len(self.ids)

    # -- querying -------------------------------------------------------------------------------------------------

    def rows_of(self, ids: Sequence[int] | np.ndarray) -> np.ndarray:
        """Row of each supplier id in the matrix, -1 for ids the index does not hold."""
        ids = np.asarray(ids, dtype=np.int64)
        if not len(self.ids):
            return np.full(len(ids), -1, dtype=np.int64)
        sorted_ids = self._sorted_ids
        where = np.clip(np.searchsorted(sorted_ids, ids), 0, len(sorted_ids) - 1)
        return np.where(sorted_ids[where] == ids, self._sorted_rows[where], -1)

    def vectorise(self, text: str) -> sparse.csr_matrix:
        # One short text: scikit-learn's checks cost more than the transform itself, and what they would check
        # here is the vectorizers' own counts (finite, well-formed), so they are skipped; the result is the same.
        with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
            return self._transform([text])

    def relevance(self, text: str, *, ids: Sequence[int] | np.ndarray | None = None) -> np.ndarray:
        """Cosine similarity of ``text`` to every indexed supplier, or to ``ids`` in that order (0 when unknown)."""
        everyone = self._dot(self.matrix, self.vectorise(text))
        if ids is None:
            return everyone
        last = self._last_rows
        if isinstance(ids, np.ndarray) and last is not None and last[0] is ids:
            rows = last[1]  # a run's candidate array again (arrays of the candidate store are never changed)
        else:
            rows = self.rows_of(ids)
            if isinstance(ids, np.ndarray):
                self._last_rows = (ids, rows)
        known = rows >= 0
        scores = np.zeros(len(rows), dtype=np.float64)
        scores[known] = everyone[rows[known]]
        return scores

    @staticmethod
    def _dot(matrix: sparse.csc_matrix, query: sparse.csr_matrix) -> np.ndarray:
        """Each row of ``matrix`` times the one-row ``query``, from the query's own columns alone.

        csc_matvec adds a row's products column after column in ascending order, as csr_matvec does along a row,
        and the columns the query lacks add only zeros there: the float32 sums are the whole row's, bit for bit.
        """
        if not query.nnz:
            return np.zeros(matrix.shape[0], dtype=np.float64)
        query = query.sorted_indices()
        columns = matrix[:, query.indices]
        return np.clip((columns @ query.data.astype(np.float32)).astype(np.float64), 0.0, 1.0)

    # -- persistence ----------------------------------------------------------------------------------------------

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_last_rows"] = None  # a lookup for the last run's candidates, not part of the index
        return state

    def __setstate__(self, state: dict) -> None:
        # The platform pickles the whole index in its saved working state: one saved by an older engine stored
        # the matrix row-wise and lacks the lookups added since.
        self.__dict__.update(state)
        self.matrix = sparse.csc_matrix(self.matrix, dtype=np.float32)
        self._reindex()

    def save(self, path: Path | str) -> None:
        payload = {
            "format": FORMAT_VERSION,
            "refit_share": self.refit_share,
            "fit_sample": self.fit_sample,
            "word": self._word,
            "char": self._char,
            "ids": self.ids,
            "matrix": self.matrix,
            "changed_since_fit": self.changed_since_fit,
        }
        joblib.dump(payload, path)

    @classmethod
    def load(cls, path: Path | str) -> "SupplierTextIndex":
        payload = joblib.load(path)
        if not isinstance(payload, dict) or payload.get("format") != FORMAT_VERSION:
            found = payload.get("format") if isinstance(payload, dict) else None
            raise ValueError(f"index format {found} is not {FORMAT_VERSION}; rebuild the index")
        index = cls(refit_share=payload["refit_share"], fit_sample=payload["fit_sample"])
        index._word, index._char = payload["word"], payload["char"]
        index.ids = payload["ids"]
        # An index saved row-wise (before the matrix was stored column-wise) turns column-wise here.
        index.matrix = sparse.csc_matrix(payload["matrix"], dtype=np.float32)
        index.changed_since_fit = payload["changed_since_fit"]
        index._reindex()
        return index
