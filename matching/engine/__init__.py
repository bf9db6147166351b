"""The matching engine core: plain Python, NumPy, SciPy and scikit-learn, no Django (import-linter enforces it).

The Django side (matching/) turns database rows into the plain records and arrays these modules take.
"""
