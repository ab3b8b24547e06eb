"""IoTopia's COSE cross-check peer: pycose and cbor2 as an independent implementation.

Reads one JSON request on standard input and writes one JSON answer on standard output.

  {"op": "check", "cases": [{"kind": "sign1"|"mac0"|"encrypt0", "cose": HEX, "key": COSE_KEY_HEX,
                             "aad": HEX, "payload": HEX}]}
      -> {"results": [{"ok": bool, "payload": HEX|null, "error": str|null}]}
         (sign1/mac0: verify and return the payload; encrypt0: decrypt and return the plaintext)

  {"op": "make", "cases": [{"kind": ..., "alg": COSE_ALG_ID, "key": COSE_KEY_HEX, "payload": HEX,
                            "aad": HEX, "kid": HEX|null, "iv": HEX|null}]}
      -> {"results": [{"cose": HEX}]}   (tagged messages; the algorithm in the protected header)
"""
import json
import sys

import cbor2
from pycose.algorithms import CoseAlgorithm
from pycose.headers import IV, KID, Algorithm
from pycose.keys import CoseKey
from pycose.messages import CoseMessage, Enc0Message, Mac0Message, Sign1Message

KINDS = {"sign1": Sign1Message, "mac0": Mac0Message, "encrypt0": Enc0Message}


def key_of(hex_key):
    return CoseKey.decode(bytes.fromhex(hex_key))


def check(case):
    try:
        raw = bytes.fromhex(case["cose"])
        # cbor2 first, as a second independent decoder of the outer structure.
        outer = cbor2.loads(raw)
        if not isinstance(outer, cbor2.CBORTag) or len(outer.value) not in (3, 4):
            return {"ok": False, "payload": None, "error": "not a tagged COSE message"}
        msg = CoseMessage.decode(raw)
        if not isinstance(msg, KINDS[case["kind"]]):
            return {"ok": False, "payload": None, "error": f"decoded as {type(msg).__name__}"}
        msg.key = key_of(case["key"])
        msg.external_aad = bytes.fromhex(case.get("aad", ""))
        if case["kind"] == "sign1":
            if not msg.verify_signature():
                return {"ok": False, "payload": None, "error": "signature does not verify"}
            return {"ok": True, "payload": msg.payload.hex(), "error": None}
        if case["kind"] == "mac0":
            if not msg.verify_tag():
                return {"ok": False, "payload": None, "error": "tag does not verify"}
            return {"ok": True, "payload": msg.payload.hex(), "error": None}
        return {"ok": True, "payload": msg.decrypt().hex(), "error": None}
    except Exception as e:  # a peer's rejection is an answer, not a crash
        return {"ok": False, "payload": None, "error": f"{type(e).__name__}: {e}"}


def make(case):
    alg = CoseAlgorithm.from_id(case["alg"])
    uhdr = {}
    if case.get("kid"):
        uhdr[KID] = bytes.fromhex(case["kid"])
    if case.get("iv"):
        uhdr[IV] = bytes.fromhex(case["iv"])
    msg = KINDS[case["kind"]](phdr={Algorithm: alg}, uhdr=uhdr, payload=bytes.fromhex(case["payload"]))
    msg.key = key_of(case["key"])
    msg.external_aad = bytes.fromhex(case.get("aad", ""))
    return {"cose": msg.encode(tag=True).hex()}


def main():
    request = json.load(sys.stdin)
    handler = {"check": check, "make": make}[request["op"]]
    json.dump({"results": [handler(c) for c in request["cases"]]}, sys.stdout)


if __name__ == "__main__":
    main()
