"""Independent reader and writer of FDO 1.1 TO2 encrypted message bodies (cbor2 + cryptography).

AEAD suites: COSE_Encrypt0 (tag 16), protected {1: alg}, unprotected {5: IV}, AAD = Enc_structure.
Encrypt-then-MAC suites: COSE_Mac0 (tag 17), protected {1: 5 or 6}, payload = bstr of an untagged
COSE_Encrypt0 {1: suite id}, {5: IV}, AES-CBC (PKCS#7) or AES-CTR ciphertext; tag = HMAC over
MAC_structure ["MAC0", protected, h'', payload].

stdin:  {"open": [{suite, sek, svk, message}], "seal": [{suite, sek, svk, iv, plaintext}]}  (hex)
stdout: {"open": [plaintext hex or "error: ..."], "seal": [message hex]}
"""
import hashlib
import hmac
import json
import sys

import cbor2
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESCCM, AESGCM

AEAD = {1: "gcm", 3: "gcm", 32: "ccm", 33: "ccm"}
ETM = {
    -17760703: ("cbc", 5),
    -17760704: ("ctr", 5),
    -17760705: ("cbc", 6),
    -17760706: ("ctr", 6),
}
MAC_HASH = {5: hashlib.sha256, 6: hashlib.sha384}


def aead(suite, sek):
    return AESGCM(sek) if AEAD[suite] == "gcm" else AESCCM(sek, tag_length=16)


def aes(mode, sek, iv):
    return Cipher(algorithms.AES(sek), modes.CBC(iv) if mode == "cbc" else modes.CTR(iv))


def open_message(case):
    suite, sek, svk = case["suite"], bytes.fromhex(case["sek"]), bytes.fromhex(case["svk"])
    msg = cbor2.loads(bytes.fromhex(case["message"]))
    if suite in AEAD:
        assert isinstance(msg, cbor2.CBORTag) and msg.tag == 16, "not a tagged COSE_Encrypt0"
        prot, unprot, ct = msg.value
        assert cbor2.loads(prot) == {1: suite}, "protected header"
        aad = cbor2.dumps(["Encrypt0", prot, b""])
        return aead(suite, sek).decrypt(unprot[5], ct, aad)
    mode, mac_alg = ETM[suite]
    assert isinstance(msg, cbor2.CBORTag) and msg.tag == 17, "not a tagged COSE_Mac0"
    prot, unprot, payload, tag = msg.value
    assert cbor2.loads(prot) == {1: mac_alg} and unprot == {}, "outer headers"
    expected = hmac.new(svk, cbor2.dumps(["MAC0", prot, b"", payload]), MAC_HASH[mac_alg]).digest()
    assert hmac.compare_digest(expected, tag), "MAC"
    iprot, iunprot, ct = cbor2.loads(payload)
    assert cbor2.loads(iprot) == {1: suite}, "inner protected header"
    d = aes(mode, sek, iunprot[5]).decryptor()
    pt = d.update(ct) + d.finalize()
    if mode == "cbc":
        u = padding.PKCS7(128).unpadder()
        pt = u.update(pt) + u.finalize()
    return pt


def seal_message(case):
    suite, sek, svk = case["suite"], bytes.fromhex(case["sek"]), bytes.fromhex(case["svk"])
    iv, pt = bytes.fromhex(case["iv"]), bytes.fromhex(case["plaintext"])
    if suite in AEAD:
        prot = cbor2.dumps({1: suite})
        ct = aead(suite, sek).encrypt(iv, pt, cbor2.dumps(["Encrypt0", prot, b""]))
        return cbor2.dumps(cbor2.CBORTag(16, [prot, {5: iv}, ct]))
    mode, mac_alg = ETM[suite]
    if mode == "cbc":
        p = padding.PKCS7(128).padder()
        pt = p.update(pt) + p.finalize()
    e = aes(mode, sek, iv).encryptor()
    inner = cbor2.dumps([cbor2.dumps({1: suite}), {5: iv}, e.update(pt) + e.finalize()])
    prot = cbor2.dumps({1: mac_alg})
    tag = hmac.new(svk, cbor2.dumps(["MAC0", prot, b"", inner]), MAC_HASH[mac_alg]).digest()
    return cbor2.dumps(cbor2.CBORTag(17, [prot, {}, inner, tag]))


def safe_open(case):
    try:
        return open_message(case).hex()
    except Exception as e:  # reported to the test, which names the case
        return f"error: {type(e).__name__}: {e}"


request = json.load(sys.stdin)
json.dump(
    {"open": [safe_open(c) for c in request.get("open", [])], "seal": [seal_message(c).hex() for c in request.get("seal", [])]},
    sys.stdout,
)
