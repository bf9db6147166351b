"""Password and token guessing: lockout per account and per address (django-axes) and API throttles."""

import secrets
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
LIMIT = settings.AXES_FAILURE_LIMIT
LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
TOKEN = "/api/v1/auth/token/"


@pytest.fixture
def address():
    """An address of the test's own: the DRF throttles count in the shared cache, which outlives a test."""
    ip = f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"
    yield ip
    for scope in ("auth-token", "token-failures", "anon"):
        for used in (ip, other_address(ip)):
            cache.delete(f"throttle_{scope}_{used}")


def other_address(ip: str) -> str:
    head, last = ip.rsplit(".", 1)
    return f"{head}.{int(last) + 1 if int(last) < 254 else 1}"


def sign_in(client, email, password, ip, path=LOGIN):
    return client.post(path, {"username": email, "password": password}, REMOTE_ADDR=ip)


def fail(client, email, ip, times, path=LOGIN):
    """`times` wrong passwords; the one that reaches the limit is itself answered with the lockout."""
    for attempt in range(1, times + 1):
        response = sign_in(client, email, "not-the-password", ip, path)
        expected = 429 if attempt >= LIMIT else 200
        assert response.status_code == expected, f"wrong password {attempt} of limit {LIMIT}"


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


class TestSignInPage:
    def test_locks_after_the_limit_even_with_the_right_password(self, client, address):
        user = factories.UserFactory(email="victim@example.com")
        fail(client, user.email, address, LIMIT)
        response = sign_in(client, user.email, PASSWORD, address)
        assert response.status_code == 429
        assert "Too many failed sign-in attempts" in response.content.decode()
        assert "15 minutes" in response.content.decode()
        assert response["Retry-After"] == str(15 * 60)
        assert not signed_in(client)

    def test_below_the_limit_the_right_password_signs_in_and_clears_the_count(self, client, address):
        user = factories.UserFactory(email="typo@example.com")
        fail(client, user.email, address, LIMIT - 1)
        response = sign_in(client, user.email, PASSWORD, address)
        assert response.status_code == 302
        assert signed_in(client)
        client.logout()
        # The success reset the count: another LIMIT - 1 failures still leave the account open.
        fail(client, user.email, address, LIMIT - 1)
        assert sign_in(client, user.email, PASSWORD, address).status_code == 302

    def test_the_account_is_locked_from_every_address(self, client, address):
        user = factories.UserFactory(email="target@example.com")
        fail(client, user.email, address, LIMIT)
        # A guesser rotating addresses gets no fresh tries: the account itself is locked.
        assert sign_in(client, user.email.upper(), PASSWORD, other_address(address)).status_code == 429
        assert not signed_in(client)

    def test_the_address_is_locked_for_every_account(self, client, address):
        sprayed = [factories.UserFactory(email=f"sprayed{number}@example.com") for number in range(LIMIT)]
        statuses = [sign_in(client, user.email, "guess", address).status_code for user in sprayed]
        assert statuses == [200] * (LIMIT - 1) + [429]
        bystander = factories.UserFactory(email="bystander@example.com")
        assert sign_in(client, bystander.email, PASSWORD, address).status_code == 429
        # ...while the same account from another address is fine.
        assert sign_in(client, bystander.email, PASSWORD, other_address(address)).status_code == 302

    def test_the_lockout_ends_after_the_cool_off(self, client, address):
        user = factories.UserFactory(email="patient@example.com")
        fail(client, user.email, address, LIMIT)
        assert sign_in(client, user.email, PASSWORD, address).status_code == 429
        AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=5))
        assert sign_in(client, user.email, PASSWORD, address).status_code == 302

    def test_the_lockout_page_is_translated(self, client, address):
        user = factories.UserFactory(email="espanol@example.com")
        fail(client, user.email, address, LIMIT, path="/es" + LOGIN)
        response = sign_in(client, user.email, PASSWORD, address, path="/es" + LOGIN)
        assert response.status_code == 429
        assert '<html lang="es">' in response.content.decode()


class TestAdminSignIn:
    def test_admin_login_locks_out(self, client, address):
        staff = factories.UserFactory(email="admin@example.com", is_staff=True, is_superuser=True)
        statuses = [sign_in(client, staff.email, "guess", address, ADMIN_LOGIN).status_code for _ in range(LIMIT)]
        assert statuses == [200] * (LIMIT - 1) + [429]
        response = sign_in(client, staff.email, PASSWORD, address, ADMIN_LOGIN)
        assert response.status_code == 429
        assert not signed_in(client)


class TestTokenEndpoint:
    def post(self, client, email, password, ip):
        return client.post(TOKEN, {"email": email, "password": password}, REMOTE_ADDR=ip, format="json")

    def test_wrong_passwords_lock_the_account_out_of_the_token_endpoint(self, client, address):
        api = APIClient()
        user = factories.UserFactory(email="api@example.com")
        statuses = [self.post(api, user.email, "guess", address).status_code for _ in range(LIMIT)]
        assert statuses == [400] * (LIMIT - 1) + [429]
        response = self.post(api, user.email, PASSWORD, address)
        assert response.status_code == 429
        assert response.json()["code"] == "locked_out"
        assert "Too many failed sign-in attempts" in response.json()["detail"]
        assert "token" not in response.json()
        # The same lockout covers the sign-in page: one count for the account, whatever door is tried.
        assert sign_in(client, user.email, PASSWORD, other_address(address)).status_code == 429
        assert not signed_in(client)

    def test_failures_on_the_page_count_for_the_token_endpoint(self, client, address):
        user = factories.UserFactory(email="shared@example.com")
        fail(client, user.email, address, LIMIT)
        assert self.post(APIClient(), user.email, PASSWORD, other_address(address)).status_code == 429

    def test_the_endpoint_is_rate_limited_per_address(self, address):
        client = APIClient()
        user = factories.UserFactory(email="busy@example.com")
        statuses = [self.post(client, user.email, PASSWORD, address).status_code for _ in range(11)]
        assert statuses == [200] * 10 + [429], "auth-token rate is 10/minute per address"
        # A bogus token in the header neither authenticates nor dodges the throttle.
        client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
        assert self.post(client, user.email, PASSWORD, address).status_code == 429
        assert self.post(client, user.email, PASSWORD, other_address(address)).status_code == 200


class TestTokenGuessing:
    def test_unknown_tokens_are_throttled_before_authentication(self, address):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION="Token " + "f" * 40)
        statuses = [client.get("/api/v1/me/", REMOTE_ADDR=address).status_code for _ in range(21)]
        assert statuses == [401] * 20 + [429]
        # Refused before the token is looked up: from that address even a real token waits out the window, so
        # guessing cannot pay; elsewhere the real token works.
        user = factories.UserFactory(email="honest@example.com")
        key = APIClient().post(
            TOKEN, {"email": user.email, "password": PASSWORD}, REMOTE_ADDR=other_address(address), format="json"
        )
        assert key.status_code == 200
        honest = APIClient()
        honest.credentials(HTTP_AUTHORIZATION=f"Token {key.json()['token']}")
        assert honest.get("/api/v1/me/", REMOTE_ADDR=address).status_code == 429
        assert honest.get("/api/v1/me/", REMOTE_ADDR=other_address(address)).status_code == 200
