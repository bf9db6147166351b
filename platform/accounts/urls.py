from django.urls import path

from . import api, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("signup/", views.signup, name="signup"),
    path("organisation/", views.organisation, name="organisation"),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
]

api_urlpatterns = [
    path("auth/token/", api.TokenView.as_view(), name="accounts-token"),
    path("me/", api.MeView.as_view(), name="accounts-me"),
    path("organisations/", api.OrganisationList.as_view(), name="accounts-organisations"),
    path("organisations/<int:pk>/", api.OrganisationDetail.as_view(), name="accounts-organisation"),
    path("organisations/<int:pk>/verify/", api.OrganisationVerify.as_view(), name="accounts-organisation-verify"),
    path("organisations/<int:pk>/members/", api.OrganisationMembers.as_view(), name="accounts-members"),
    path("invitations/", api.InvitationList.as_view(), name="accounts-invitations"),
    path("invitations/accept/", api.AcceptInvitation.as_view(), name="accounts-invitation-accept"),
]
