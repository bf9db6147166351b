"""The matching engine core: plain Python, NumPy, SciPy and scikit-learn, no Django (import-linter enforces it).

The Django side (matching/) turns database rows into the records of ``documents``, keeps a ``SupplierTextIndex``,
a ``CandidateMatrix`` and a ``TrackRecord`` between runs, and calls ``ranker.rank`` per requirement.

documents    records the Django side fills          text         TF-IDF index, incremental, persisted
candidates   columnar store of all suppliers        categories   CPV closeness
history      track record from past linkages        features     the eight features in [0, 1]
constraints  hard filters and exclusion counts      scoring      default and learned scorers
gaps         what would raise a match               ranker       one match run
evaluation   hit@k, MRR, NDCG@k, baseline           learning     training and promotion
synthetic    deterministic es/en/pt test data
"""
