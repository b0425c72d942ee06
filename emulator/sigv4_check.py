"""SigV4 verification of incoming requests, independent of the Swift signer; botocore is the oracle.

The access key id selects the credentials: the base ones, or (through a ``resolver``) the
temporary credentials issued by the fake STS, which must not be expired.
Structural checks (credential scope, dates, signed-header list, session token) are done here;
the signature itself is recomputed with botocore's ``SigV4Auth`` stage methods
(``canonical_request`` -> ``string_to_sign`` -> ``signature``) over a rebuilt ``AWSRequest``
that holds exactly the signed headers and the body, at the request's own ``X-Amz-Date``.
"""

import calendar
import hashlib
import hmac
import re
import time
from dataclasses import dataclass

from botocore.auth import SIGNED_HEADERS_BLACKLIST, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

AMZ_DATE_FORMAT = "%Y%m%dT%H%M%SZ"
MAX_SKEW_SECONDS = 15 * 60
# botocore never signs these; a signer that does is wrong (proxies and Lambda may rewrite them).
FORBIDDEN_SIGNED = frozenset(SIGNED_HEADERS_BLACKLIST)


BASE_ACCOUNT = "111111111111"
BASE_PRINCIPAL = "base"
INVALID_TOKEN_MESSAGE = "The security token included in the request is invalid."
EXPIRED_TOKEN_MESSAGE = "The security token included in the request is expired"


@dataclass(frozen=True)
class Identity:
    """One set of credentials the verifier accepts, and who they belong to.

    ``account`` is the 12-digit account the credentials act in; ``principal`` is ``"base"`` for
    the emulator's own credentials or the ARN of the role whose temporary credentials these are;
    ``expired`` is decided by the resolver (the STS clock) when the key id is looked up.
    """

    access_key_id: str
    secret_access_key: str
    session_token: str = None
    account: str = BASE_ACCOUNT
    principal: str = BASE_PRINCIPAL
    expiration: str = None
    expired: bool = False


class SigV4Error(Exception):
    """The request is not correctly signed.

    ``code`` is the AWS error code to answer with, ``status`` the HTTP status, ``reason`` a short
    text for the call record, ``message`` the (possibly longer) message for the client.
    ``identity`` is the Identity of the access key id when it was recognised, else None.
    """

    def __init__(self, reason, code="InvalidSignatureException", status=403, message=None):
        super().__init__(reason)
        self.reason = reason
        self.code = code
        self.status = status
        self.message = message or reason
        self.identity = None


def parse_authorization(value):
    """Parse ``AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...``.

    Returns ``{"credential": str, "signed_headers": str, "signature": str}``; raises SigV4Error.
    """
    match = re.match(r"^\s*AWS4-HMAC-SHA256\s+(.+)$", value or "")
    if not match:
        raise SigV4Error("Authorization does not start with 'AWS4-HMAC-SHA256 '",
                         code="IncompleteSignatureException", status=400)
    parts = {}
    for item in match.group(1).split(","):
        key, sep, val = item.strip().partition("=")
        if not sep:
            raise SigV4Error(f"malformed Authorization component {item.strip()!r}",
                             code="IncompleteSignatureException", status=400)
        parts[key] = val
    missing = [k for k in ("Credential", "SignedHeaders", "Signature") if k not in parts]
    if missing:
        raise SigV4Error(f"Authorization lacks {', '.join(missing)}",
                         code="IncompleteSignatureException", status=400)
    return {"credential": parts["Credential"], "signed_headers": parts["SignedHeaders"],
            "signature": parts["Signature"]}


class SigV4Verifier:
    """Verifies SigV4 header signatures for a region and service.

    It accepts the base credentials given to the constructor and, when a ``resolver`` is given,
    any other credentials it returns an ``Identity`` for (the temporary credentials issued by the
    fake STS).
    """

    def __init__(self, access_key_id, secret_access_key, session_token, region,
                 service="config", required_headers=("host", "x-amz-date", "content-type",
                                                     "x-amz-target"), clock=time.time,
                 resolver=None, base_account=BASE_ACCOUNT):
        """``session_token`` None/"" means the client must send no X-Amz-Security-Token.

        ``clock`` returns epoch seconds (injectable so fixed-clock vectors can be verified); it is
        used for the X-Amz-Date skew check only. ``resolver(access_key_id)`` returns an
        ``Identity`` or None for key ids other than the base one.
        """
        self.access_key_id = access_key_id
        self.secret_access_key = secret_access_key
        self.session_token = session_token or None
        self.region = region
        self.service = service
        self.required_headers = tuple(required_headers)
        self.clock = clock
        self.resolver = resolver
        self.base = Identity(access_key_id, secret_access_key, self.session_token, base_account,
                             BASE_PRINCIPAL)

    def verify(self, method, path, headers, body):
        """Check one request; return the list of signed header names, or raise SigV4Error.

        ``headers`` is a list of ``(name, value)`` as received; ``path`` is the raw request
        target (path and query); ``body`` the raw bytes.
        """
        return self.verify_identity(method, path, headers, body)[0]

    def verify_identity(self, method, path, headers, body):
        """Like ``verify`` but return ``(signed header names, Identity)``.

        A SigV4Error raised after the access key id was recognised carries that ``identity``.
        """
        lookup = _HeaderLookup(headers)
        auth_values = lookup.all("authorization")
        if not auth_values:
            raise SigV4Error("no Authorization header", code="MissingAuthenticationTokenException",
                             message="Missing Authentication Token")
        if len(auth_values) > 1:
            raise SigV4Error("more than one Authorization header",
                             code="IncompleteSignatureException", status=400)
        auth = parse_authorization(auth_values[0])
        identity = self._identity_of(auth["credential"])
        try:
            amz_date = self._check_scope(auth["credential"], lookup, identity)
            self._check_token(lookup, identity)
            self._check_expiry(identity)
            signed = self._check_signed_headers(auth["signed_headers"], lookup, identity)
            self._check_payload_hash(lookup, body)
            expected = self.compute_signature(method, path, lookup, signed, body, amz_date,
                                              identity)
            if not hmac.compare_digest(expected["signature"], auth["signature"].lower()):
                raise SigV4Error(
                    "signature mismatch",
                    message=("The request signature we calculated does not match the signature "
                             "you provided. Check your AWS Secret Access Key and signing method. "
                             "Consult the service documentation for details.\n\nThe Canonical "
                             "String for this request should have been\n"
                             f"'{expected['canonical_request']}'\n\nThe String-to-Sign should "
                             f"have been\n'{expected['string_to_sign']}'\n"))
        except SigV4Error as exc:
            exc.identity = identity
            raise
        return signed, identity

    def _identity_of(self, credential):
        """The Identity of the Credential's access key id: the base one, a resolved one, or
        None (unknown, or a malformed Credential: ``_check_scope`` reports it)."""
        akid = credential.split("/")[0]
        if akid == self.access_key_id:
            return self.base
        return self.resolver(akid) if self.resolver is not None else None

    # ------------------------------------------------------------------ steps

    def _check_scope(self, credential, lookup, identity):
        """Validate ``AKID/date/region/service/aws4_request`` and X-Amz-Date; return X-Amz-Date."""
        pieces = credential.split("/")
        if len(pieces) != 5:
            raise SigV4Error(f"Credential {credential!r} is not AKID/date/region/service/aws4_request",
                             code="IncompleteSignatureException", status=400)
        akid, scope_date, region, service, terminator = pieces
        if identity is None:
            raise SigV4Error(f"unknown access key id {akid!r}", code="UnrecognizedClientException",
                             message=INVALID_TOKEN_MESSAGE)
        amz_dates = lookup.all("x-amz-date")
        if len(amz_dates) != 1:
            raise SigV4Error("X-Amz-Date header missing or repeated",
                             code="IncompleteSignatureException", status=400)
        amz_date = amz_dates[0].strip()
        try:
            signed_at = calendar.timegm(time.strptime(amz_date, AMZ_DATE_FORMAT))
        except ValueError:
            raise SigV4Error(f"X-Amz-Date {amz_date!r} is not YYYYMMDD'T'HHMMSS'Z'",
                             code="IncompleteSignatureException", status=400) from None
        if scope_date != amz_date[:8]:
            raise SigV4Error(f"scope date {scope_date} does not match X-Amz-Date {amz_date}",
                             message="Date in Credential scope does not match YYYYMMDD from "
                                     "ISO-8601 version of date from HTTP")
        if region != self.region:
            raise SigV4Error(f"scope region {region!r} is not {self.region!r}",
                             message=f"Credential should be scoped to a valid region, not '{region}'.")
        if service != self.service:
            raise SigV4Error(f"scope service {service!r} is not {self.service!r}",
                             message=f"Credential should be scoped to correct service: '{self.service}'.")
        if terminator != "aws4_request":
            raise SigV4Error(f"scope terminator {terminator!r} is not 'aws4_request'",
                             message="Credential should be scoped with a valid terminator: 'aws4_request'")
        self._check_skew(amz_date, signed_at)
        return amz_date

    def _check_skew(self, amz_date, signed_at):
        """Reject a signing time more than 15 minutes away from the emulator's clock."""
        now = self.clock()
        if abs(now - signed_at) <= MAX_SKEW_SECONDS:
            return
        fmt = lambda t: time.strftime(AMZ_DATE_FORMAT, time.gmtime(t))  # noqa: E731
        if signed_at < now:
            detail = f"{amz_date} is now earlier than {fmt(now - MAX_SKEW_SECONDS)} ({fmt(now)} - 15 min.)"
        else:
            detail = f"{amz_date} is now later than {fmt(now + MAX_SKEW_SECONDS)} ({fmt(now)} + 15 min.)"
        raise SigV4Error(f"Signature expired: {detail}", message=f"Signature expired: {detail}")

    def _check_signed_headers(self, signed_headers, lookup, identity):
        """Validate the SignedHeaders list (form, required, forbidden, present); return it."""
        names = signed_headers.split(";")
        if any(n != n.strip().lower() or not n for n in names):
            raise SigV4Error(f"SignedHeaders {signed_headers!r} must be lower-case names joined by ';'")
        if names != sorted(set(names)):
            raise SigV4Error(f"SignedHeaders {signed_headers!r} is not sorted and unique")
        required = list(self.required_headers)
        if identity.session_token:
            required.append("x-amz-security-token")
        missing = [n for n in required if n not in names]
        if missing:
            raise SigV4Error(f"SignedHeaders lacks {', '.join(missing)}")
        forbidden = [n for n in names if n in FORBIDDEN_SIGNED]
        if forbidden:
            raise SigV4Error(f"SignedHeaders must not contain {', '.join(forbidden)}")
        absent = [n for n in names if not lookup.all(n)]
        if absent:
            raise SigV4Error(f"signed header(s) {', '.join(absent)} not present in the request")
        return names

    @staticmethod
    def _check_token(lookup, identity):
        """The session token header must equal the identity's token, or be absent if it has none."""
        tokens = lookup.all("x-amz-security-token")
        if identity.session_token is None:
            if tokens:
                raise SigV4Error("X-Amz-Security-Token sent but the credentials have no session token",
                                 code="UnrecognizedClientException", message=INVALID_TOKEN_MESSAGE)
            return
        if len(tokens) != 1 or tokens[0] != identity.session_token:
            reason = "X-Amz-Security-Token missing" if not tokens else "X-Amz-Security-Token differs"
            raise SigV4Error(reason, code="UnrecognizedClientException",
                             message=INVALID_TOKEN_MESSAGE)

    @staticmethod
    def _check_expiry(identity):
        """Temporary credentials past their Expiration (by the STS clock) are refused."""
        if identity.expired:
            raise SigV4Error(f"temporary credentials of {identity.principal} expired at "
                             f"{identity.expiration}", code="ExpiredTokenException",
                             message=EXPIRED_TOKEN_MESSAGE)

    @staticmethod
    def _check_payload_hash(lookup, body):
        """If X-Amz-Content-SHA256 is sent it must be the body's SHA-256 (botocore trusts it)."""
        declared = lookup.all("x-amz-content-sha256")
        if declared and declared[0].strip().lower() != hashlib.sha256(body).hexdigest():
            raise SigV4Error("X-Amz-Content-SHA256 does not match the body")

    def compute_signature(self, method, path, lookup, signed, body, amz_date, identity=None):
        """Recompute with botocore: return ``{canonical_request, string_to_sign, signature}``.

        ``identity`` (default: the base credentials) gives the secret key and session token."""
        identity = identity or self.base
        if not isinstance(lookup, _HeaderLookup):
            lookup = _HeaderLookup(lookup)
        request = AWSRequest(method=method.upper(), url=f"http://{lookup.first('host')}{path}",
                             data=body)
        for name in signed:
            for value in lookup.all(name):
                request.headers[name] = value
        request.context["timestamp"] = amz_date
        credentials = Credentials(identity.access_key_id, identity.secret_access_key,
                                  identity.session_token)
        signer = SigV4Auth(credentials, self.service, self.region)
        canonical = signer.canonical_request(request)
        string_to_sign = signer.string_to_sign(request, canonical)
        return {"canonical_request": canonical, "string_to_sign": string_to_sign,
                "signature": signer.signature(string_to_sign, request)}


class _HeaderLookup:
    """Case-insensitive multi-valued view over a list of ``(name, value)`` pairs."""

    def __init__(self, pairs):
        self._pairs = [(n.lower(), v) for n, v in (pairs.items() if hasattr(pairs, "items") else pairs)]

    def all(self, name):
        """All values of header ``name`` (lower-case), in arrival order."""
        return [v for n, v in self._pairs if n == name]

    def first(self, name):
        """The first value of header ``name`` or ""."""
        values = self.all(name)
        return values[0] if values else ""
