"""Signals for higher layers (the matching engine re-ranks open requirements when a supplier changes)."""

from django.dispatch import Signal

# Sent after commit with: profile (SupplierProfile), reason (str: "capabilities", "certifications", "profile").
supplier_changed = Signal()
