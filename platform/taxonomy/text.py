import unicodedata


def fold(text: str) -> str:
    """Lower-case and strip accents, so searches in Spanish and Portuguese work with or without them."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower().strip()
