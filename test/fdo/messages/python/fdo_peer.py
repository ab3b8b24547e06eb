"""IoTopia's FDO message cross-check peer: cbor2 and pycose as an independent implementation.

Reads one JSON request on standard input and writes one JSON answer on standard output.

  {"check": [{"type": N, "body": HEX, "key": COSE_KEY_HEX|null}],
   "make": {"device_key": COSE_KEY_HEX, "owner_key": COSE_KEY_HEX, "guid": HEX, "nonce": HEX,
            "nonce2": HEX, "xb": HEX, "to0d": HEX}}
  -> {"checked": [{"ok": bool, "error": str|null, "unprotected": [int], "claims": [int]|null,
                   "elements": int|null}],
      "made": {TYPE: HEX}}

"check" decodes each body with cbor2; for a tagged COSE_Sign1 it verifies the signature with
pycose and reports the unprotected header labels and, for a map payload, the claim keys.
"make" writes bodies of FDO messages from the CDDL, without IoTopia's code.
"""
import hashlib
import json
import sys

import cbor2
from pycose.algorithms import Es256
from pycose.headers import Algorithm
from pycose.keys import CoseKey
from pycose.messages import Sign1Message


def check(case):
    try:
        raw = bytes.fromhex(case["body"])
        outer = cbor2.loads(raw)
        if isinstance(outer, cbor2.CBORTag):
            if outer.tag != 18 or len(outer.value) != 4:
                return {"ok": False, "error": "not a tagged COSE_Sign1"}
            msg = Sign1Message.decode(raw)
            msg.key = CoseKey.decode(bytes.fromhex(case["key"]))
            if not msg.verify_signature():
                return {"ok": False, "error": "signature does not verify"}
            payload = cbor2.loads(outer.value[2])
            claims = sorted(payload.keys()) if isinstance(payload, dict) else None
            return {"ok": True, "error": None, "unprotected": sorted(outer.value[1].keys()), "claims": claims,
                    "elements": len(payload) if isinstance(payload, list) else None}
        if not isinstance(outer, list):
            return {"ok": False, "error": "body is not an array"}
        return {"ok": True, "error": None, "unprotected": [], "claims": None, "elements": len(outer)}
    except Exception as e:  # a rejection is an answer, not a crash
        return {"ok": False, "error": f"{type(e).__name__}: {e}"}


def sign(key_hex, payload, uhdr):
    msg = Sign1Message(phdr={Algorithm: Es256}, uhdr=uhdr, payload=payload)
    msg.key = CoseKey.decode(bytes.fromhex(key_hex))
    return msg.encode(tag=True)


def make(m):
    guid, nonce, nonce2 = bytes.fromhex(m["guid"]), bytes.fromhex(m["nonce"]), bytes.fromhex(m["nonce2"])
    xb, to0d = bytes.fromhex(m["xb"]), bytes.fromhex(m["to0d"])
    ueid = b"\x01" + guid
    return {
        "60": cbor2.dumps([1300, guid, nonce, "ECDH256", 1, [-7, b""]]).hex(),
        "32": sign(m["device_key"], cbor2.dumps({10: nonce, 256: ueid}), {}).hex(),
        "64": sign(m["device_key"], cbor2.dumps({-257: [xb], 10: nonce, 256: ueid}), {-259: nonce2}).hex(),
        "33": sign(m["owner_key"], cbor2.dumps([[[None, "owner.example", 8043, 5], [bytes([192, 0, 2, 1]), None, 80, 3]],
                                                [-16, hashlib.sha256(to0d).digest()]]), {}).hex(),
        "68": cbor2.dumps([False, [["devmod:active", cbor2.dumps(True)], ["devmod:os", cbor2.dumps("Linux")]]]).hex(),
        "255": cbor2.dumps([101, 64, "invalid message", 1700000000, None]).hex(),
    }


request = json.load(sys.stdin)
json.dump({"checked": [check(c) for c in request["check"]], "made": make(request["make"])}, sys.stdout)
