"""Prints an access token of a Keycloak client (client_credentials grant).

usage: kc_token.py CLIENT_ID CLIENT_SECRET   (token endpoint from HAZY_TEST_TOKEN_URL)
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
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    print(fetch_token(sys.argv[1], sys.argv[2]))
