"""Notifications about this area: receivers of its signals."""
