"""Exports: the best matches of each open requirement as JSON Lines, for batch work and for measuring quality."""

from collections.abc import Iterator

from buyers.models import Requirement
from matching import selectors as matching_selectors
from matching import services as matching_services

from .models import ImportedObject


def _ocid_by_requirement() -> dict[int, str]:
    return {
        object_id: ocid
        for ocid, object_id in ImportedObject.objects.filter(kind="requirement").values_list("ocid", "object_id")
    }


def matches_lines(*, ocids: list[str] | None = None, top: int = 10) -> Iterator[dict]:
    """One dict per open requirement (only those of ``ocids`` when given), best matches first."""
    ocid_of = _ocid_by_requirement()
    requirements = Requirement.objects.filter(status=Requirement.Status.OPEN).order_by("pk")
    if ocids:
        wanted = {pk for pk, ocid in ocid_of.items() if ocid in set(ocids)}
        requirements = requirements.filter(pk__in=wanted)
    for requirement in requirements.iterator():
        run = matching_selectors.latest_finished_run(requirement=requirement)
        if run is None or not matching_selectors.ranked_by_current_engine(run):
            # Every listed requirement gets a finished run, by the engine and ranker in use now.
            run = matching_services.run_now(requirement=requirement)
        matches = list(
            run.matches.select_related("supplier__organisation")
            .prefetch_related("supplier__organisation__external_identifiers")
            .order_by("rank")[:top]
        )
        identifiers = {}
        for match in matches:
            keys = sorted(
                e.key for e in match.supplier.organisation.external_identifiers.all() if not e.key.startswith("name:")
            )
            identifiers[match.supplier_id] = keys[0] if keys else (match.supplier.organisation.tax_id or None)
        yield {
            "ocid": ocid_of.get(requirement.pk),
            "requirement": requirement.pk,
            "matches": [
                {
                    "rank": match.rank,
                    "score": round(match.score, 6),
                    "supplier": {
                        "id": match.supplier_id,
                        "name": match.supplier.organisation.legal_name,
                        "identifier": identifiers[match.supplier_id],
                    },
                }
                for match in matches
            ],
        }
