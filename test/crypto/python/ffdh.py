"""Independent finite-field DH: cryptography's DH in the given group with a fresh Python key.

stdin: {"prime": hex, "generator": int, "peer": hex public value}
stdout: {"public": hex public value of the Python key, "secret": hex shared secret}
"""
import json
import sys

from cryptography.hazmat.primitives.asymmetric import dh

request = json.load(sys.stdin)
params = dh.DHParameterNumbers(int(request["prime"], 16), request["generator"]).parameters()
own = params.generate_private_key()
peer = dh.DHPublicNumbers(int(request["peer"], 16), params.parameter_numbers()).public_key()
size = (params.parameter_numbers().p.bit_length() + 7) // 8
json.dump(
    {
        "public": own.public_key().public_numbers().y.to_bytes(size, "big").hex(),
        "secret": own.exchange(peer).hex(),
    },
    sys.stdout,
)
