"""Signals for higher layers: the matching engine ranks suppliers when a requirement opens or changes."""

from django.dispatch import Signal

# Both sent after commit with: requirement (Requirement).
requirement_published = Signal()
requirement_changed = Signal()
