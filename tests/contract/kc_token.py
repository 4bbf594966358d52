"""Prints an access token of a Keycloak client (client_credentials grant).

usage: kc_token.py   (the client `api` and the token endpoint from the HAZY_TEST_* variables that
tests/stack/stack.py exports; the secret never goes on a command line, where ps would show it)
"""
import json
import os
import sys
import urllib.parse
import urllib.request


def fetch_token(client_id: str, client_secret: str, token_url: str | None = None) -> str:
    url = token_url or os.environ["HAZY_TEST_TOKEN_URL"]
    form = urllib.parse.urlencode(
        {"grant_type": "client_credentials", "client_id": client_id, "client_secret": client_secret}
    ).encode()
    with urllib.request.urlopen(urllib.request.Request(url, data=form), timeout=30) as resp:
        return json.load(resp)["access_token"]


if __name__ == "__main__":
    if len(sys.argv) != 1 or "HAZY_TEST_CLIENT_SECRET" not in os.environ:
        sys.exit(__doc__)
    print(fetch_token(os.environ["HAZY_TEST_CLIENT_ID"], os.environ["HAZY_TEST_CLIENT_SECRET"]))
