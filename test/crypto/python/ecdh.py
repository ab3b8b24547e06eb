"""Independent ECDH: cryptography's ECDH between a fresh Python key and the given peer point.

stdin: {"curve": "P-256" | "P-384", "peer": hex SEC 1 point}
stdout: {"public": hex uncompressed point of the Python key, "secret": hex shared secret}
"""
import json
import sys

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

CURVES = {"P-256": ec.SECP256R1, "P-384": ec.SECP384R1}

request = json.load(sys.stdin)
curve = CURVES[request["curve"]]()
peer = ec.EllipticCurvePublicKey.from_encoded_point(curve, bytes.fromhex(request["peer"]))
own = ec.generate_private_key(curve)
json.dump(
    {
        "public": own.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint).hex(),
        "secret": own.exchange(ec.ECDH(), peer).hex(),
    },
    sys.stdout,
)
