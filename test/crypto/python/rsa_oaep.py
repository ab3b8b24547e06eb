"""Independent RSA-OAEP: cryptography's OAEP with MGF1 using the same hash as OAEP.

stdin: {"op": "encrypt", "publicKeyPem", "plaintext", "hash", "label"?}
    or {"op": "decrypt", "privateKeyPem", "ciphertext", "hash", "label"?}   (bytes in hex)
stdout: {"ciphertext": hex} or {"plaintext": hex}
"""
import json
import sys

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

HASHES = {"sha256": hashes.SHA256, "sha384": hashes.SHA384}

request = json.load(sys.stdin)
algorithm = HASHES[request["hash"]]
label = bytes.fromhex(request["label"]) if request.get("label") else None
oaep = padding.OAEP(mgf=padding.MGF1(algorithm=algorithm()), algorithm=algorithm(), label=label)
if request["op"] == "encrypt":
    key = serialization.load_pem_public_key(request["publicKeyPem"].encode())
    json.dump({"ciphertext": key.encrypt(bytes.fromhex(request["plaintext"]), oaep).hex()}, sys.stdout)
else:
    key = serialization.load_pem_private_key(request["privateKeyPem"].encode(), password=None)
    json.dump({"plaintext": key.decrypt(bytes.fromhex(request["ciphertext"]), oaep).hex()}, sys.stdout)
