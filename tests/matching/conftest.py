"""Matching fixtures (the engine reset and ``titanium``) live in tests/conftest.py: e2e tests use them too."""
