"""Independent SP 800-108 counter-mode KDF: derives with cryptography's KBKDFHMAC.

stdin: {"cases": [{"prf", "key", "length", "rlen", "llen", "location", "label", "context", "fixed"}]}
(byte values in hex; rlen and llen in bytes; location "before_fixed" or "after_fixed").
stdout: {"outputs": [hex, ...]}
"""
import json
import sys

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.kbkdf import KBKDFHMAC, CounterLocation, Mode

HASHES = {"hmac-sha256": hashes.SHA256, "hmac-sha384": hashes.SHA384}
LOCATIONS = {"before_fixed": CounterLocation.BeforeFixed, "after_fixed": CounterLocation.AfterFixed}


def unhex(value):
    return None if value is None else bytes.fromhex(value)


def derive(case):
    kdf = KBKDFHMAC(
        algorithm=HASHES[case["prf"]](),
        mode=Mode.CounterMode,
        length=case["length"],
        rlen=case["rlen"],
        llen=case.get("llen"),
        location=LOCATIONS[case["location"]],
        label=unhex(case.get("label")),
        context=unhex(case.get("context")),
        fixed=unhex(case.get("fixed")),
    )
    return kdf.derive(bytes.fromhex(case["key"])).hex()


request = json.load(sys.stdin)
json.dump({"outputs": [derive(c) for c in request["cases"]]}, sys.stdout)
