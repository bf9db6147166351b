"""Fixtures for the engine core: plain records, no database and no Django."""

import pytest

from tests.matching_engine.builders import TODAY


@pytest.fixture
def today():
    return TODAY
