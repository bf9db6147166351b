"""How reference-data names become searchable text.

A row's ``search_text`` is its code and the words of its names in every language, folded (lower case, no accents)
and separated by single spaces, with a space at each end: " 42612000 machining centre centro de mecanizado … ".
A search word then matches as the start of a word (``" mecaniz"``), never inside one ("oro" does not find
"motores"), and a whole-word match (``" titanio "``) is easy to rank first.

The CPV texts are the European ones (Portugal's Portuguese before the 1990 spelling reform, Spain's Spanish, British
English) while Enlace's users are mostly in Latin America. ``VARIANTS`` adds the words they would type instead,
so "usinagem" finds what the CPV calls "maquinagem"; see taxonomy/data/README.md.
"""

import functools
import re
import unicodedata

_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Lower-case and strip accents, so searches in Spanish and Portuguese work with or without them."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower().strip()


@functools.lru_cache(maxsize=1 << 16)
def _fold_word(word: str) -> str:
    # Names share most of their words: folding each distinct word once makes loading 9,454 CPV rows fast.
    return fold(word)


def words(text: str) -> list[str]:
    """The folded words of a text: letters and digits only ("Máquinas-ferramentas" → maquinas, ferramentas)."""
    return [_fold_word(word) for word in _WORD.findall(unicodedata.normalize("NFC", text or "").lower())]


# (language of the CPV name, words as the CPV writes them, words that mean the same to users elsewhere).
# Each left-hand side occurs in the CPV 2008 names of that language; a phrase matches consecutive words. Only
# unambiguous ones are listed: Spanish "móvil" (also "mobile crane") or "fresa" (strawberry and milling cutter) are
# left out.
VARIANTS: tuple[tuple[str, str, str], ...] = (
    # Portuguese: Portugal (CPV) → Brazil
    ("pt", "maquinagem", "usinagem usinado usinados"),
    ("pt", "betao", "concreto"),
    ("pt", "camiao", "caminhao"),
    ("pt", "camioes", "caminhoes"),
    ("pt", "autocarro", "onibus"),
    ("pt", "autocarros", "onibus"),
    ("pt", "comboios", "trens"),
    ("pt", "frigorifico", "geladeira refrigerador"),
    ("pt", "frigorificos", "geladeiras refrigeradores"),
    ("pt", "telemoveis", "celulares"),
    ("pt", "sumo", "suco"),
    ("pt", "sumos", "sucos"),
    ("pt", "ecra", "tela monitor"),
    ("pt", "ecras", "telas monitores"),
    ("pt", "contentores", "conteineres"),
    ("pt", "desporto", "esporte esportes"),
    ("pt", "ficheiro", "arquivo"),
    ("pt", "ficheiros", "arquivos"),
    ("pt", "registo", "registro"),
    ("pt", "canalizacao", "encanamento tubulacao"),
    ("pt", "canalizacoes", "encanamentos tubulacoes"),
    ("pt", "aluguer", "aluguel locacao"),
    ("pt", "carris", "trilhos"),
    ("pt", "portagem", "pedagio"),
    ("pt", "portagens", "pedagios"),
    ("pt", "gelados", "sorvetes"),
    ("pt", "casa de banho", "banheiro"),
    # Spanish: Spain (CPV) → Latin America
    ("es", "ordenador", "computadora computador"),
    ("es", "ordenadores", "computadoras computadores"),
    ("es", "patatas", "papas"),
    ("es", "hormigon", "concreto"),
    ("es", "zumo", "jugo"),
    ("es", "zumos", "jugos"),
    ("es", "coches", "autos carros"),
    ("es", "telefonos moviles", "celulares"),
    ("es", "gafas", "anteojos lentes"),
    ("es", "fontaneria", "plomeria"),
    ("es", "alquiler", "arriendo renta"),
    ("es", "judias", "frijoles porotos"),
    ("es", "melocotones", "duraznos"),
    ("es", "neumaticos", "llantas"),
    ("es", "autobuses", "omnibus buses"),
    # English: British (CPV) → American, the spelling many multinational buyers write
    ("en", "aluminium", "aluminum"),
    ("en", "tyre", "tire"),
    ("en", "tyres", "tires"),
    ("en", "centre", "center"),
    ("en", "centres", "centers"),
    ("en", "petrol", "gasoline"),
    ("en", "colour", "color"),
    ("en", "colours", "colors"),
    ("en", "fibre", "fiber"),
    ("en", "fibres", "fibers"),
    ("en", "catalogue", "catalog"),
    ("en", "catalogues", "catalogs"),
    ("en", "jewellery", "jewelry"),
    ("en", "sulphur", "sulfur"),
    ("en", "mould", "mold"),
    ("en", "moulds", "molds"),
    ("en", "analyser", "analyzer"),
    ("en", "analysers", "analyzers"),
    ("en", "organisation", "organization"),
    ("en", "organisations", "organizations"),
    ("en", "aeroplanes", "airplanes"),
)

# language → first word of a left-hand side → [(all its words, the variants)], so a name is read once.
_VARIANTS_BY_LANGUAGE: dict[str, dict[str, list[tuple[tuple[str, ...], list[str]]]]] = {}
for _language, _source, _target in VARIANTS:
    _source_words = tuple(_source.split())
    _VARIANTS_BY_LANGUAGE.setdefault(_language, {}).setdefault(_source_words[0], []).append(
        (_source_words, _target.split())
    )

# The 1990 spelling agreement (in force in Brazil, and in Portugal since) dropped the silent consonant of
# "eléctrico", "acção", "óptico"; CPV 2008 keeps it. Brazilians write "elétrico", "ação", "ótico".
_PORTUGUESE_SPELLING = (
    (re.compile(r"c(?=t)"), ""),  # electrico → eletrico, protectores → protetores, arquitectura → arquitetura
    (re.compile(r"c(?=c(?:ao|oe))"), ""),  # proteccao → protecao, transaccoes → transacoes
    (re.compile(r"p(?=cao|coe)"), ""),  # concepcao → concecao (pt-PT after 1990), recepcao → rececao
    (re.compile(r"^(o|exce)p(?=t)"), r"\1"),  # optico → otico, excepto → exceto
)


@functools.lru_cache(maxsize=1 << 16)
def _respelt(word: str) -> str:
    for pattern, replacement in _PORTUGUESE_SPELLING:
        word = pattern.sub(replacement, word)
    return word


def name_words(text: str, *, language: str) -> list[str]:
    """The words of a name in ``language`` and the regional variants (``VARIANTS``) users may search with."""
    found = words(text)
    extra: list[str] = []
    variants = _VARIANTS_BY_LANGUAGE.get(language, {})
    for i, word in enumerate(found):
        for source, targets in variants.get(word, ()):
            if tuple(found[i : i + len(source)]) == source:
                extra.extend(targets)
    if language == "pt":
        extra.extend(respelt for word in found if (respelt := _respelt(word)) != word)
    return found + extra


def search_text(code: str, **names: str) -> str:
    """ " code word word … " from names given per language (``en=…, es=…, pt=…``); each word once."""
    unique = dict.fromkeys(
        [*words(code), *(w for lang, name in names.items() for w in name_words(name, language=lang))]
    )
    return " " + " ".join(unique) + " "


def word_prefix(word: str) -> str:
    """What a search word must start a word with: plurals also find the singular ("tornillos" → "tornillo",
    "motores" → "motor"), and "tornillo" finds "tornillos" as any prefix does."""
    if len(word) > 5 and word.endswith("es"):
        return word[:-2]
    if len(word) > 4 and word.endswith("s"):
        return word[:-1]
    return word
