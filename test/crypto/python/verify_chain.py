"""Independent path validation of a chain IoTopia built, with cryptography's X.509 verifier.

stdin: {"chain": [PEM, ...] (end entity first), "anchors": [PEM, ...], "time": ISO 8601}
stdout: {"links": [bool, ...]  (chain[i] directly issued by chain[i+1], or the last by an anchor),
         "policy": null or the verifier's error message}
The verifier runs the Web PKI profile for CA certificates and accepts any end-entity extensions,
since IoTopia's device certificates carry no subjectAltName.
"""
import datetime
import json
import sys

from cryptography import x509
from cryptography.x509.verification import ExtensionPolicy, PolicyBuilder, Store


def load(pem):
    return x509.load_pem_x509_certificate(pem.encode())


def issued_by(cert, issuer):
    try:
        cert.verify_directly_issued_by(issuer)
        return True
    except Exception:  # noqa: BLE001 - any failure means "not issued by"
        return False


request = json.load(sys.stdin)
chain = [load(p) for p in request["chain"]]
anchors = [load(p) for p in request["anchors"]]
links = [issued_by(chain[i], chain[i + 1]) for i in range(len(chain) - 1)]
links.append(any(issued_by(chain[-1], a) or chain[-1] == a for a in anchors))
time = datetime.datetime.fromisoformat(request["time"].replace("Z", "+00:00"))
try:
    verifier = (
        PolicyBuilder()
        .store(Store(anchors))
        .time(time)
        .extension_policies(ca_policy=ExtensionPolicy.webpki_defaults_ca(), ee_policy=ExtensionPolicy.permit_all())
        .build_client_verifier()
    )
    verifier.verify(chain[0], chain[1:])
    policy = None
except Exception as error:  # noqa: BLE001 - reported to the test
    policy = str(error)
json.dump({"links": links, "policy": policy}, sys.stdout)
