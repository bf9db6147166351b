from .permissions import is_agency_staff, organisations_of


def current_organisation(request):
    """The signed-in user's organisation(s) and agency flag, for the navigation of every page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"current_organisation": None, "user_is_agency_staff": False}
    organisations = organisations_of(user)
    return {
        "current_organisation": organisations[0] if organisations else None,
        "user_organisations": organisations,
        "user_is_agency_staff": is_agency_staff(user),
    }
