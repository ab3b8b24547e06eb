"""Independent computation of the FDO 1.1 key exchanges and KDF with Python's cryptography.

The MODP primes are rebuilt from their RFC 3526 definition (p = 2^n - 2^(n-64) - 1 +
2^64 * (floor(2^(n-130) * pi) + c)) with pi computed here, so nothing is taken from OpenSSL.

stdin:  {"ecdh": [{curve, ownerPrivate, ownerRandom, devicePrivate, deviceRandom}],
         "dh": [{group, a, b}],
         "asym": [{privateKeyPem, xB}],
         "kdf": [{prf, shSe, contextRand, length}]}          (bytes in hex)
stdout: {"ecdh": [{xA, xB, shSe}], "dh": [{prime, xA, xB, shSe}], "asym": [{deviceRandom}], "kdf": [hex]}
"""
import json
import sys

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.hazmat.primitives.kdf.kbkdf import KBKDFHMAC, CounterLocation, Mode

CURVES = {"P-256": (ec.SECP256R1, 32), "P-384": (ec.SECP384R1, 48)}
HASHES = {"sha256": hashes.SHA256, "sha384": hashes.SHA384}


def pi_times_two_to(k):
    """floor(pi * 2^k), by Machin's formula in fixed point with guard bits."""
    guard = 64
    one = 1 << (k + guard)

    def arctan_inv(x):
        total, term, n, sign = 0, one // x, 1, 1
        while term:
            total += sign * (term // n)
            term //= x * x
            n += 2
            sign = -sign
        return total

    return (16 * arctan_inv(5) - 4 * arctan_inv(239)) >> guard


def modp_prime(group):
    n, c = {14: (2048, 124476), 15: (3072, 1690314)}[group]
    return 2**n - 2 ** (n - 64) - 1 + 2**64 * (pi_times_two_to(n - 130) + c)


def blen(b):
    return len(b).to_bytes(2, "big") + b


def ecdh_case(case):
    curve, size = CURVES[case["curve"]]
    owner = ec.derive_private_key(int(case["ownerPrivate"], 16), curve())
    device = ec.derive_private_key(int(case["devicePrivate"], 16), curve())

    def param(key, rnd):
        pub = key.public_key().public_numbers()
        return blen(pub.x.to_bytes(size, "big")) + blen(pub.y.to_bytes(size, "big")) + blen(bytes.fromhex(rnd))

    shx = owner.exchange(ec.ECDH(), device.public_key())
    assert shx == device.exchange(ec.ECDH(), owner.public_key())
    shse = shx + bytes.fromhex(case["deviceRandom"]) + bytes.fromhex(case["ownerRandom"])
    return {
        "xA": param(owner, case["ownerRandom"]).hex(),
        "xB": param(device, case["deviceRandom"]).hex(),
        "shSe": shse.hex(),
    }


def dh_case(case):
    p = modp_prime(case["group"])
    size = (p.bit_length() + 7) // 8
    a, b = int(case["a"], 16), int(case["b"], 16)
    xa, xb = pow(2, a, p), pow(2, b, p)
    shared = pow(xb, a, p)
    assert shared == pow(xa, b, p)
    return {
        "prime": p.to_bytes(size, "big").hex(),
        "xA": xa.to_bytes(size, "big").hex(),
        "xB": xb.to_bytes(size, "big").hex(),
        "shSe": shared.to_bytes(size, "big").hex(),
    }


def asym_case(case):
    key = serialization.load_pem_private_key(case["privateKeyPem"].encode(), password=None)
    oaep = padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
    return {"deviceRandom": key.decrypt(bytes.fromhex(case["xB"]), oaep).hex()}


def kdf_case(case):
    kdf = KBKDFHMAC(
        algorithm=HASHES[case["prf"]](),
        mode=Mode.CounterMode,
        length=case["length"],
        rlen=1,
        llen=2,
        location=CounterLocation.BeforeFixed,
        label=b"FIDO-KDF",
        context=b"AutomaticOnboardTunnel" + bytes.fromhex(case["contextRand"]),
        fixed=None,
    )
    return kdf.derive(bytes.fromhex(case["shSe"])).hex()


request = json.load(sys.stdin)
json.dump(
    {
        "ecdh": [ecdh_case(c) for c in request.get("ecdh", [])],
        "dh": [dh_case(c) for c in request.get("dh", [])],
        "asym": [asym_case(c) for c in request.get("asym", [])],
        "kdf": [kdf_case(c) for c in request.get("kdf", [])],
    },
    sys.stdout,
)
