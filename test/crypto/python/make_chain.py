"""Builds a root -> intermediate -> leaf chain with cryptography, for IoTopia to validate.

stdin: {"keyType": "p256" | "p384" | "rsa2048", "notBefore": ISO 8601, "notAfter": ISO 8601}
stdout: {"root": PEM, "intermediate": PEM, "leaf": PEM}
"""
import datetime
import json
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID


def new_key(kind):
    if kind == "p256":
        return ec.generate_private_key(ec.SECP256R1())
    if kind == "p384":
        return ec.generate_private_key(ec.SECP384R1())
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def name(cn):
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Python cross-check"), x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def issue(subject, key, issuer, issuer_key, ca, path_length, not_before, not_after):
    usage = dict(
        digital_signature=not ca, content_commitment=False, key_encipherment=False, data_encipherment=False,
        key_agreement=False, key_cert_sign=ca, crl_sign=ca, encipher_only=False, decipher_only=False,
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=path_length), critical=True)
        .add_extension(x509.KeyUsage(**usage), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
    )
    return builder.sign(issuer_key, hashes.SHA256())


def pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM).decode()


request = json.load(sys.stdin)
not_before = datetime.datetime.fromisoformat(request["notBefore"].replace("Z", "+00:00"))
not_after = datetime.datetime.fromisoformat(request["notAfter"].replace("Z", "+00:00"))
root_key, mid_key, leaf_key = (new_key(request["keyType"]) for _ in range(3))
root = issue(name("Python Root"), root_key, name("Python Root"), root_key, True, 1, not_before, not_after)
mid = issue(name("Python Intermediate"), mid_key, root.subject, root_key, True, 0, not_before, not_after)
leaf = issue(name("Python Device"), leaf_key, mid.subject, mid_key, False, None, not_before, not_after)
json.dump({"root": pem(root), "intermediate": pem(mid), "leaf": pem(leaf)}, sys.stdout)
