"""Every write about saved searches: saving one (its filters checked), renaming, deleting, and the daily check that
announces what newly matches in the digest (one SAVED_SEARCH notification per search and day with news).

The supplier search is the suppliers app's (its parameters, checked by its API's ``SupplierFilter``, and
``suppliers.selectors.search_suppliers_by``); the opportunities followed are ``requirements_visible_to``'s. A
search's results when it is saved are recorded, not announced: a saved search tells of what is new since.
"""

import datetime as dt
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from accounts.models import User
from suppliers.api import SupplierFilter
from suppliers.models import SupplierProfile
from suppliers.selectors import SEARCH_PARAMETERS
from taxonomy.models import CertificationStandard
from taxonomy.selectors import categories_by_code, normalise_cpv_code

from . import selectors_alerts as selectors
from .models import Notification, SavedSearch, SavedSearchResult
from .services import notify

MAX_SAVED_SEARCHES = 20  # per person, both kinds together
MAX_FOLLOWED_CATEGORIES = 20
MAX_KEYWORDS = 10
MAX_KEYWORD_LENGTH = 60
MIN_KEYWORD_LENGTH = 3
EXAMPLES = 3  # names or titles a notification quotes
_KEYWORD_SEPARATORS = re.compile(r"[,;\n]+")


def _name(name) -> str:
    name = " ".join(str(name or "").split())
    if not name:
        raise ValidationError({"name": [_("Give the search a name.")]})
    if len(name) > SavedSearch._meta.get_field("name").max_length:
        raise ValidationError({"name": [_("Keep the name under 120 characters.")]})
    return name


# -- the filters ---------------------------------------------------------------------------------------------------


def clean_supplier_filters(raw) -> dict:
    """The supplier search's parameters (as its page and API take them) → the JSON a saved search keeps, or field
    errors: an unknown parameter, category, certification or country, a bad value, or no filter at all."""
    if not isinstance(raw, dict):
        raise ValidationError({"filters": [_("Send the filters as an object of search parameters.")]})
    unknown = sorted(str(name) for name in raw if name not in SEARCH_PARAMETERS)
    if unknown:
        raise ValidationError({"filters": [_("Unknown search parameters: %(names)s.") % {"names": ", ".join(unknown)}]})
    params = {}
    for name, value in raw.items():
        if value in (None, "", False):
            continue
        if isinstance(value, (list, dict)):
            raise ValidationError({name: [_("Give one value.")]})
        value = str(value).strip()
        if name == "verified":
            value = "true" if value.lower() in ("on", "true", "1", "yes") else "false"
        params[name] = value
    form = SupplierFilter(params, queryset=SupplierProfile.objects.none())
    if not form.is_valid():
        raise ValidationError({name: [str(message) for message in messages] for name, messages in form.errors.items()})
    data = form.form.cleaned_data
    cleaned: dict = {}
    errors: dict = {}
    for name in SEARCH_PARAMETERS:
        value = data.get(name)
        if value in (None, "", False):
            continue
        if name == "q":
            cleaned[name] = " ".join(str(value).split())[:200]
        elif name == "category":
            code = normalise_cpv_code(str(value)) or str(value)
            if code not in categories_by_code(codes=[code]):
                errors[name] = [_("“%(code)s” is not a known category.") % {"code": value}]
            cleaned[name] = code
        elif name == "certification":
            if not CertificationStandard.objects.filter(code=value).exists():
                errors[name] = [_("“%(code)s” is not a known certification.") % {"code": value}]
            cleaned[name] = value
        elif name == "country":
            code = str(value).upper()
            if code not in countries:
                errors[name] = [_("“%(code)s” is not a country code.") % {"code": value}]
            cleaned[name] = code
        elif name == "verified":
            cleaned[name] = True
        elif name == "min_readiness":
            cleaned[name] = str(value)
        else:
            cleaned[name] = str(value)
    if errors:
        raise ValidationError(errors)
    if not cleaned:
        raise ValidationError(
            {"filters": [_("Choose at least one filter: a search for everything tells nothing new.")]}
        )
    return cleaned


def _as_list(value, field: str) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [part.strip() for part in _KEYWORD_SEPARATORS.split(value) if part.strip()]
    if isinstance(value, (list, tuple)):
        items = []
        for item in value:
            code = getattr(item, "code", item)
            if not isinstance(code, (str, int)) or isinstance(code, bool):
                raise ValidationError({field: [_("Give a list of words or codes.")]})
            if str(code).strip():
                items.append(str(code).strip())
        return items
    raise ValidationError({field: [_("Give a list of words or codes.")]})


def clean_followed(raw) -> dict:
    """Categories (CPV codes, each with its subtree) and keywords an SME follows → the JSON a saved search keeps."""
    if not isinstance(raw, dict):
        raise ValidationError({"filters": [_("Send the filters as an object with categories and keywords.")]})
    unknown = sorted(str(name) for name in raw if name not in ("categories", "keywords"))
    if unknown:
        raise ValidationError({"filters": [_("Unknown filters: %(names)s.") % {"names": ", ".join(unknown)}]})
    errors: dict = {}
    codes = list(
        dict.fromkeys(normalise_cpv_code(code) or code for code in _as_list(raw.get("categories"), "categories"))
    )
    known = categories_by_code(codes=codes)
    missing = [code for code in codes if code not in known]
    if missing:
        errors["categories"] = [_("Not known categories: %(codes)s.") % {"codes": ", ".join(missing)}]
    elif len(codes) > MAX_FOLLOWED_CATEGORIES:
        errors["categories"] = [_("Follow at most %(limit)s categories.") % {"limit": MAX_FOLLOWED_CATEGORIES}]
    keywords = list(dict.fromkeys(" ".join(word.split()).lower() for word in _as_list(raw.get("keywords"), "keywords")))
    if len(keywords) > MAX_KEYWORDS:
        errors["keywords"] = [_("Follow at most %(limit)s keywords.") % {"limit": MAX_KEYWORDS}]
    elif any(not MIN_KEYWORD_LENGTH <= len(word) <= MAX_KEYWORD_LENGTH for word in keywords):
        errors["keywords"] = [
            _("Each keyword has %(low)s to %(high)s characters.")
            % {"low": MIN_KEYWORD_LENGTH, "high": MAX_KEYWORD_LENGTH}
        ]
    if errors:
        raise ValidationError(errors)
    if not codes and not keywords:
        raise ValidationError({"filters": [_("Follow at least one category or keyword.")]})
    return {"categories": codes, "keywords": keywords}


# -- saving, renaming, deleting ------------------------------------------------------------------------------------


def _record_found(saved_search: SavedSearch, ids, *, announced: bool) -> None:
    SavedSearchResult.objects.bulk_create(
        [SavedSearchResult(saved_search=saved_search, object_id=pk, announced=announced) for pk in ids],
        ignore_conflicts=True,
        batch_size=2000,
    )


@transaction.atomic
def save_search(*, owner, kind: str, name, filters) -> SavedSearch:
    """Save a supplier search (a buyer's team member, agency staff) or the categories and keywords an SME follows.
    What it finds now is recorded, not announced; the daily check tells of what is new."""
    if kind == SavedSearch.Kind.SUPPLIERS:
        organisation = selectors.supplier_search_organisation(user=owner)
        if organisation is None:
            raise PermissionDenied(_("Saving a supplier search is for verified buyers and agency staff."))
        cleaned = clean_supplier_filters(filters)
    elif kind == SavedSearch.Kind.OPPORTUNITIES:
        organisation = selectors.following_organisation(user=owner)
        if organisation is None:
            raise PermissionDenied(_("Following categories and keywords is for suppliers."))
        cleaned = clean_followed(filters)
    else:
        raise ValidationError({"kind": [_("Choose a supplier search or followed categories and keywords.")]})
    name = _name(name)
    # One person's searches are counted under a lock on that person, so two saves at once cannot pass the cap.
    User.objects.select_for_update().filter(pk=owner.pk).first()
    if SavedSearch.objects.filter(owner=owner).count() >= MAX_SAVED_SEARCHES:
        raise ValidationError(
            {
                "name": [
                    _("You have %(limit)s saved searches, the most one may keep: delete one first.")
                    % {"limit": MAX_SAVED_SEARCHES}
                ]
            }
        )
    saved_search = SavedSearch.objects.create(
        owner=owner, organisation=organisation, kind=kind, name=name, filters=cleaned, last_checked_at=timezone.now()
    )
    ids = selectors.found(saved_search=saved_search).order_by().values_list("pk", flat=True)
    _record_found(saved_search, ids, announced=False)
    return saved_search


def _own(actor, saved_search: SavedSearch) -> None:
    if saved_search.owner_id != getattr(actor, "pk", None):
        raise SavedSearch.DoesNotExist  # another person's search does not exist for this one


@transaction.atomic
def rename_saved_search(*, actor, saved_search: SavedSearch, name) -> SavedSearch:
    _own(actor, saved_search)
    saved_search.name = _name(name)
    saved_search.save(update_fields=["name"])
    return saved_search


@transaction.atomic
def delete_saved_search(*, actor, saved_search: SavedSearch) -> None:
    _own(actor, saved_search)
    saved_search.delete()


# -- the daily check -----------------------------------------------------------------------------------------------


def _news(saved_search: SavedSearch, new: list) -> tuple[dict, str]:
    """The notification's facts and link for ``new`` results (instances, oldest id first)."""
    if saved_search.kind == SavedSearch.Kind.SUPPLIERS:
        examples = [profile.organisation.legal_name for profile in new[:EXAMPLES]]
        url = f"/suppliers/search/?{selectors.search_query(saved_search=saved_search)}"
    else:
        examples = [requirement.title for requirement in new[:EXAMPLES]]
        url = f"/requirements/{new[0].pk}/" if len(new) == 1 else "/opportunities/"
    params = {"search": saved_search.name, "kind": saved_search.kind, "count": len(new), "examples": examples}
    return params, url


@transaction.atomic
def check_saved_search(*, saved_search: SavedSearch, now: dt.datetime | None = None) -> int:
    """Announce to its owner what ``saved_search`` finds that it had not found before; returns notifications made
    (0 or 1). What is announced is recorded in the same transaction, so a second check announces nothing again."""
    now = now or timezone.now()
    locked = SavedSearch.objects.select_for_update(skip_locked=True).filter(pk=saved_search.pk).first()
    if locked is None:
        return 0  # another check has it
    seen = SavedSearchResult.objects.filter(saved_search=locked).values("object_id")
    new = list(selectors.found(saved_search=locked).exclude(pk__in=seen).order_by("pk"))
    locked.last_checked_at = now
    locked.save(update_fields=["last_checked_at"])
    if not new:
        return 0
    _record_found(locked, [item.pk for item in new], announced=True)
    params, url = _news(locked, new)
    return notify(
        users=[locked.owner],
        kind=Notification.Kind.SAVED_SEARCH,
        params=params,
        url=url,
        dedupe_key=f"saved-search:{locked.pk}:{new[0].pk}-{new[-1].pk}:{len(new)}",
    )


def check_saved_searches(*, now: dt.datetime | None = None) -> int:
    """The daily check of every saved search (each in its own transaction); returns notifications made."""
    now = now or timezone.now()
    made = 0
    for saved_search in SavedSearch.objects.select_related("owner").order_by("pk").iterator(chunk_size=500):
        made += check_saved_search(saved_search=saved_search, now=now)
    return made
