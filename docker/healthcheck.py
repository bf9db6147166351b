"""Container health check: GET /healthz on the local gunicorn and expect 200 {"status": "ok"}.

Production settings redirect plain HTTP to HTTPS and reject unknown Host headers, so the request says it came
through the TLS proxy (X-Forwarded-Proto: https) and names a host from ALLOWED_HOSTS. Redirects are not followed:
a 301 means the check is misconfigured, not that the site is healthy. Exit status 0 = healthy, 1 = not.
"""

import http.client
import json
import os
import sys


def host_to_ask_for(allowed_hosts: str) -> str:
    for entry in (part.strip() for part in allowed_hosts.split(",")):
        if not entry or entry == "*":
            continue
        # ".example.org" allows example.org and its subdomains.
        return entry.removeprefix(".")
    return "localhost"


def check(port: int, host: str, timeout: float = 4.0) -> str | None:
    """None when healthy, otherwise what went wrong."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", "/healthz", headers={"Host": host, "X-Forwarded-Proto": "https"})
        response = connection.getresponse()
        body = response.read()
    except OSError as error:
        return f"no answer on port {port}: {error}"
    finally:
        connection.close()
    if response.status != 200:
        return f"/healthz answered {response.status}"
    try:
        payload = json.loads(body)
    except ValueError:
        return "/healthz did not answer JSON"
    if payload != {"status": "ok"}:
        return f"/healthz answered {payload!r}"
    return None


def main() -> int:
    port = int(os.environ.get("HEALTHCHECK_PORT", "8000"))
    problem = check(port, host_to_ask_for(os.environ.get("ALLOWED_HOSTS", "")))
    if problem:
        print(f"unhealthy: {problem}", file=sys.stderr)
        return 1
    print("healthy")
    return 0


if __name__ == "__main__":
    sys.exit(main())
