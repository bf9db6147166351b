"""The load generator of the load bench: locust used as a library, run in a process of its own.

Run by tests/bench/load/test_load_bench.py as ``python -m tests.bench.load.locustfile CONFIG.json RESULT.json``. It
lives in its own process because locust monkey-patches the standard library with gevent on import, which the pytest
process (Django, psycopg) must not see.

Every simulated user signs in once (the sign-in page, with its CSRF token; a session serves pages and API reads
alike), then walks its role's main pages and API reads. Request names group URLs per endpoint.
"""

import json
import random
import re
import sys
import time
from http.cookiejar import DefaultCookiePolicy

import gevent
from locust import FastHttpUser, between, task
from locust.env import Environment

CONFIG: dict = {}
PASSWORD = "enlace-demo-2026"  # the documented password of every demo account


class RoleUser(FastHttpUser):
    abstract = True
    wait_time = between(0.5, 2.0)
    accounts_key = ""
    network_timeout = 60.0
    connection_timeout = 60.0

    def on_start(self):
        # Production cookies are Secure; the bench talks plain HTTP on the loopback, as a browser does on localhost.
        self.client.cookiejar.set_policy(DefaultCookiePolicy(secure_protocols=("https", "wss", "http")))
        if self.accounts_key:
            accounts = CONFIG["accounts"][self.accounts_key]
            self.email = accounts[RoleUser._counter(self.accounts_key) % len(accounts)]
            RoleUser.signing_in += 1
            try:
                self.sign_in()
            finally:
                RoleUser.signed_in += 1

    _counters: dict = {}
    signing_in = 0  # users that started signing in, and those done (the measured window starts once all are)
    signed_in = 0

    @classmethod
    def _counter(cls, key):
        cls._counters[key] = cls._counters.get(key, -1) + 1
        return cls._counters[key]

    def sign_in(self):
        page = self.client.get("/accounts/login/", name="sign in (page)")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text or "")
        with self.client.post(
            "/accounts/login/",
            data={"username": self.email, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1) if token else ""},
            headers={"Referer": self.host + "/accounts/login/"},
            name="sign in (post)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in of {self.email} answered {response.status_code}")

    def page(self, url, name):
        with self.client.get(url, name=name, catch_response=True, allow_redirects=False) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {url}")
            return response

    def api(self, url, name):
        with self.client.get(
            url, name=name, headers={"Accept": "application/json"}, catch_response=True, allow_redirects=False
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {url}")
                return None
            return response.json()


class SmeUser(RoleUser):
    weight = 20
    accounts_key = "sme"

    @task(3)
    def home(self):
        self.page("/", "SME  page  home")

    @task(3)
    def opportunities(self):
        self.page("/opportunities/", "SME  page  opportunities")

    @task(2)
    def own_profile(self):
        self.page("/suppliers/onboarding/", "SME  page  own profile")

    @task(2)
    def own_profile_api(self):
        self.api("/api/v1/suppliers/me/", "SME  api   suppliers/me")

    @task(3)
    def opportunities_api(self):
        self.api("/api/v1/suppliers/me/opportunities/", "SME  api   suppliers/me/opportunities")


class BuyerUser(RoleUser):
    weight = 15
    accounts_key = "buyer"

    def on_start(self):
        super().on_start()
        self.requirements = CONFIG["requirements"].get(self.email) or [None]

    @task(3)
    def requirements_list(self):
        self.page("/requirements/", "buyer page  requirements")

    @task(3)
    def shortlist(self):
        pk = random.choice(self.requirements)
        if pk:
            self.page(f"/requirements/{pk}/matches/", "buyer page  ranked shortlist")

    @task(2)
    def search_page(self):
        query = random.choice(CONFIG["queries"])
        self.page(f"/suppliers/search/?q={query}", "buyer page  supplier search")

    @task(3)
    def search_api(self):
        query = random.choice(CONFIG["queries"])
        self.api(f"/api/v1/suppliers/?q={query}", "buyer api   suppliers search")

    @task(3)
    def matches_api(self):
        pk = random.choice(self.requirements)
        if pk:
            self.api(f"/api/v1/requirements/{pk}/matches/", "buyer api   requirement matches")


class AgencyUser(RoleUser):
    weight = 10
    accounts_key = "agency"

    @task(3)
    def verification_queue(self):
        self.page("/suppliers/verification/", "agency page  verification queue")

    @task(2)
    def pipeline_board(self):
        self.page("/linkages/board/", "agency page  pipeline board")

    @task(2)
    def impact_dashboard(self):
        self.page("/dashboard/", "agency page  impact dashboard")

    @task(2)
    def dashboard_api(self):
        self.api("/api/v1/dashboard/", "agency api   dashboard")


class AnonymousUser(RoleUser):
    weight = 5

    @task(3)
    def home(self):
        self.page("/", "anon page  home")

    @task(1)
    def login_page(self):
        self.page("/accounts/login/", "anon page  sign-in")


def _row(entry, elapsed, name=None) -> dict:
    return {
        "name": name or entry.name,
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "p50": entry.get_response_time_percentile(0.5) or 0,
        "p95": entry.get_response_time_percentile(0.95) or 0,
        "rps": entry.num_requests / elapsed if elapsed else 0,
    }


def run(config: dict) -> dict:
    """Ramp up (every user signs in once), then measure for ``seconds`` with the ramp-up left out of the figures."""
    CONFIG.update(config)
    environment = Environment(user_classes=[SmeUser, BuyerUser, AgencyUser, AnonymousUser], host=config["host"])
    runner = environment.create_local_runner()
    users = config["users"]
    ramp_started = time.monotonic()
    runner.start(users, spawn_rate=config.get("spawn_rate") or max(1.0, users / 20))
    deadline = ramp_started + config.get("ramp_timeout", 300)
    while time.monotonic() < deadline and (runner.user_count < users or RoleUser.signed_in < RoleUser.signing_in):
        gevent.sleep(0.5)
    ramp = time.monotonic() - ramp_started
    ramp_rows = [_row(entry, ramp, f"{entry.name} [ramp-up]") for entry in environment.stats.entries.values()]
    ramp_errors = [
        {"name": error.name, "error": str(error.error), "occurrences": error.occurrences}
        for error in environment.stats.errors.values()
    ]
    environment.stats.reset_all()
    started = time.monotonic()
    gevent.spawn_later(config["seconds"], runner.quit)
    runner.greenlet.join()
    elapsed = time.monotonic() - started
    rows = [_row(entry, elapsed) for entry in sorted(environment.stats.entries.values(), key=lambda e: e.name)]
    return {
        "seconds": elapsed,
        "ramp_seconds": ramp,
        "users": users,
        "rows": rows,
        "ramp_rows": sorted(ramp_rows, key=lambda row: row["name"]),
        "total": _row(environment.stats.total, elapsed, "Total"),
        "errors": ramp_errors
        + [
            {"name": error.name, "error": str(error.error), "occurrences": error.occurrences}
            for error in environment.stats.errors.values()
        ],
    }


if __name__ == "__main__":
    config_path, result_path = sys.argv[1:3]
    with open(config_path) as handle:
        result = run(json.load(handle))
    with open(result_path, "w") as handle:
        json.dump(result, handle)
