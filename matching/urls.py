from django.urls import path

from . import api, market_views, views

app_name = "matching"

urlpatterns = [
    path("requirements/<int:pk>/matches/", views.shortlist, name="shortlist"),
    path("requirements/<int:pk>/matches/run/", views.request_run, name="request-run"),
    path("requirements/<int:pk>/matches/<int:supplier_pk>/shortlist/", views.toggle_shortlist, name="toggle-shortlist"),
    path("requirements/<int:pk>/matches/<int:supplier_pk>/contact/", views.contact, name="contact"),
    path("opportunities/", views.opportunities, name="opportunities"),
    path("matching/policy/", views.policy, name="policy"),
    path("market/", market_views.my_market, name="my-market"),
    path("market/gaps/", market_views.market_gaps, name="market-gaps"),
]

api_urlpatterns = [
    path("requirements/<int:pk>/match/", api.RequestMatchRunView.as_view(), name="requirement-match"),
    path("requirements/<int:pk>/matches/", api.RequirementMatchesView.as_view(), name="requirement-matches"),
    path("requirements/<int:pk>/shortlist/", api.ShortlistView.as_view(), name="requirement-shortlist"),
    path("requirements/<int:pk>/contact/", api.ContactSupplierView.as_view(), name="requirement-contact"),
    path("match-runs/<int:pk>/", api.MatchRunDetailView.as_view(), name="match-run-detail"),
    path("suppliers/me/opportunities/", api.OpportunitiesView.as_view(), name="supplier-opportunities"),
    path("matching/policy/", api.MatchingPolicyView.as_view(), name="matching-policy"),
]
