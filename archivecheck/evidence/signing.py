"""Sign a pack's digest with the organisation's key, and check such a signature.

The form is the "anonymous signature" of *WACZ Signing and Verification* 0.1.0
(https://specs.webrecorder.net/wacz-auth/0.1.0/, webrecorder/specs `wacz-auth/spec.md`):
`datapackage-digest.json` carries `signedData` = {hash, created, software, version, signature,
publicKey}, the signature being ECDSA over `hash` (the string `sha256:<hex>` of datapackage.json).
The spec names ECDSA and base64 and leaves the rest to the signer; we use, and say so here:

- the curve of the key the organisation holds (P-256 recommended, P-384 accepted), hashed with SHA-256;
- `signature`: base64 of the DER signature (what OpenSSL and `cryptography` produce); a raw r||s
  signature (what WebCrypto produces, as ArchiveWeb.page does) is accepted when checking;
- `publicKey`: base64 of the DER SubjectPublicKeyInfo;
- `version`: the signing spec's version, 0.1.0.

The spec's other form (a domain certificate plus an RFC 3161 time-stamp) needs a certificate
authority and a time-stamping authority; archivecheck does not make those (see README, Evidence).
Who the key belongs to is outside the pack: `evidence verify --public-key` checks it against the
key the organisation publishes.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from .. import __version__
from ..errors import ConfigError, InputError

SPEC_VERSION = "0.1.0"
SIGNED_FIELDS = ("hash", "created", "software", "version", "signature", "publicKey")
_CURVES = (ec.SECP256R1, ec.SECP384R1)


def load_signing_key(path: str | Path) -> ec.EllipticCurvePrivateKey:
    """The organisation's private key from a PEM file (unencrypted ECDSA P-256 or P-384).
    Raises ConfigError when it cannot be read or is not such a key."""
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise ConfigError(f"cannot read the signing key {path}: {exc.__class__.__name__}"
                          f"{': ' + str(exc).splitlines()[0] if str(exc) else ''}") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, _CURVES):
        raise ConfigError(f"the signing key {path} is not an ECDSA P-256 or P-384 key")
    return key


def load_public_key(path: str | Path) -> ec.EllipticCurvePublicKey:
    """A public key (PEM) to check a signature against. Raises InputError."""
    try:
        data = Path(path).read_bytes()
        key = serialization.load_pem_public_key(data)
    except (OSError, ValueError, TypeError) as exc:
        raise InputError(f"cannot read the public key {path}: {exc.__class__.__name__}") from None
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise InputError(f"the public key {path} is not an ECDSA key")
    return key


def public_key_b64(key: ec.EllipticCurvePublicKey) -> str:
    der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode("ascii")


def sign_hash(key: ec.EllipticCurvePrivateKey, digest: str, created: str) -> dict:
    """The `signedData` object for `digest` (e.g. "sha256:…"), signed now with `key`."""
    signature = key.sign(digest.encode("utf-8"), ec.ECDSA(hashes.SHA256()))
    return {"hash": digest, "created": created, "software": f"archivecheck {__version__}",
            "version": SPEC_VERSION, "signature": base64.b64encode(signature).decode("ascii"),
            "publicKey": public_key_b64(key.public_key())}


@dataclass(frozen=True)
class SignatureCheck:
    ok: bool
    detail: str


def check_signed_data(signed: object, digest: str, trusted: ec.EllipticCurvePublicKey | None = None) -> list[SignatureCheck]:
    """What holds of a `signedData` object for a datapackage.json whose hash is `digest`."""
    if not isinstance(signed, dict):
        return [SignatureCheck(False, "signedData is not an object")]
    missing = [f for f in SIGNED_FIELDS if not isinstance(signed.get(f), str)]
    if missing:
        return [SignatureCheck(False, "signedData lacks " + ", ".join(missing)
                               + " (only the anonymous-signature form is checked)")]
    checks = []
    extra = sorted(set(signed) - set(SIGNED_FIELDS))
    if extra:  # the spec: no property outside the form
        checks.append(SignatureCheck(False, "signedData has properties the spec does not allow: " + ", ".join(extra)))
    if signed["hash"] != digest:
        checks.append(SignatureCheck(False, f"the signed hash {signed['hash']} is not datapackage.json's {digest}"))
    try:
        key = serialization.load_der_public_key(base64.b64decode(signed["publicKey"], validate=True))
    except (ValueError, TypeError):
        return checks + [SignatureCheck(False, "the publicKey in signedData cannot be read")]
    if not isinstance(key, ec.EllipticCurvePublicKey):
        return checks + [SignatureCheck(False, "the publicKey in signedData is not an ECDSA key")]
    if _verify(key, signed["signature"], signed["hash"]):
        checks.append(SignatureCheck(True, f"signature by the key in the pack ({key.curve.name}) is valid for"
                                           f" {signed['hash']}, signed {signed['created']}"))
    else:
        checks.append(SignatureCheck(False, "the signature does not match the signed hash and key"))
    if trusted is not None:
        if public_key_b64(trusted) == signed["publicKey"]:
            checks.append(SignatureCheck(True, "the signing key is the organisation's key given with --public-key"))
        else:
            checks.append(SignatureCheck(False, "the pack was signed with another key than the one given with --public-key"))
    return checks


def _verify(key: ec.EllipticCurvePublicKey, signature_b64: str, message: str) -> bool:
    try:
        signature = base64.b64decode(signature_b64, validate=True)
    except (ValueError, TypeError):
        return False
    candidates = [signature]
    size = (key.curve.key_size + 7) // 8
    if len(signature) == 2 * size:  # raw r||s, as WebCrypto signs
        candidates.append(encode_dss_signature(int.from_bytes(signature[:size], "big"),
                                               int.from_bytes(signature[size:], "big")))
    for candidate in candidates:
        try:
            key.verify(candidate, message.encode("utf-8"), ec.ECDSA(hashes.SHA256()))
            return True
        except (InvalidSignature, ValueError):
            continue
    return False
