"""Every encoding in which libhazy could leak a secret, for the suites that search output for
canaries (tests/reliability/canaries.py, tests/doctor). Loads nothing, so any suite may import it."""
import base64
import urllib.parse


def forms(canary, client_id):
    """Every encoding of `canary` to search for, as (form name, text, case-insensitive)."""
    qp = urllib.parse.quote_plus(canary)
    pct = urllib.parse.quote(canary, safe="")
    out = [("literal", canary, False), ("form-urlencoded", qp, True), ("percent-encoded", pct, True)]
    for b64name, enc in (("base64", base64.b64encode), ("base64url", base64.urlsafe_b64encode)):
        out.append((b64name, enc(canary.encode()).decode().rstrip("="), False))
        for inner_name, ident, sec in (("raw", client_id, canary),
                                       ("form-encoded", urllib.parse.quote_plus(client_id), qp)):
            pair = f"{ident}:{sec}".encode()
            full = enc(pair).decode().rstrip("=")
            # The prefix of the base64 text that depends only on id, ':' and 6 secret bytes.
            fixed = (len(ident) + 1 + 6) // 3 * 4
            out.append((f"{b64name}(id:secret, {inner_name})", full, False))
            out.append((f"{b64name}(id:secret, {inner_name}) prefix", full[:fixed], False))
    prefixes = [(f"{n} prefix", t[:6], ci) for n, t, ci in out[:3]]
    return out + prefixes
