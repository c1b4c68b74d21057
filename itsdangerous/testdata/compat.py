"""Compatibility harness for the Go port: reads one JSON request on stdin,
runs it through the real itsdangerous and writes one JSON answer on stdout.

Exit status 3 means itsdangerous 2.x is not installed (the Go test skips,
or fails under CI=true). Bytes travel as hex strings. Key lists are oldest
first, as Python wants them.
"""

import hashlib
import json
import sys
import zlib

try:
    from importlib.metadata import version

    import itsdangerous
    from itsdangerous import (
        BadData,
        Serializer,
        Signer,
        TimedSerializer,
        TimestampSigner,
        URLSafeSerializer,
        URLSafeTimedSerializer,
    )

    if not version("itsdangerous").startswith("2."):
        raise ImportError("itsdangerous " + version("itsdangerous"))
except ImportError as exc:
    print(f"itsdangerous 2.x is not importable: {exc}", file=sys.stderr)
    sys.exit(3)


def unhex(s):
    return None if s is None else bytes.fromhex(s)


def fixed_clock(cls, ts):
    class Fixed(cls):
        def get_timestamp(self):
            return ts

    return Fixed


def signer_kwargs(case):
    kw = {
        "key_derivation": case["kd"],
        "digest_method": getattr(hashlib, case["digest"]),
    }
    if case.get("sep") is not None:
        kw["sep"] = unhex(case["sep"])
    return kw


def keys(case):
    return [unhex(k) for k in case["keys"]]


def error_result(exc):
    payload = getattr(exc, "payload", None)
    date = getattr(exc, "date_signed", None)
    return {
        "error": type(exc).__name__,
        "payload": payload.hex() if isinstance(payload, bytes) else None,
        "date_signed": int(date.timestamp()) if date is not None else None,
    }


def make_signer(case, ts):
    kw = signer_kwargs(case)
    if case.get("salt") is not None:
        kw["salt"] = unhex(case["salt"])
    if case["kind"] == "timestamp":
        return fixed_clock(TimestampSigner, ts)(keys(case), **kw)
    return Signer(keys(case), **kw)


def unsign(case, token):
    s = make_signer(case, case.get("now", 0))
    try:
        if case["kind"] == "timestamp":
            value, ts = s.unsign(token, max_age=case.get("max_age"), return_timestamp=True)
            return {"value": value.hex(), "ts": int(ts.timestamp())}
        return {"value": s.unsign(token).hex()}
    except BadData as exc:
        return error_result(exc)


def op_signers(cases):
    out = []
    for case in cases:
        signer = make_signer(case, case.get("ts", 0))
        out.append(
            {
                "token": signer.sign(unhex(case["value"])).hex(),
                "go_token": unsign(case, unhex(case["go_token"])),
                "verify": [unsign(case, unhex(t)) for t in case.get("verify") or []],
            }
        )
    return out


SERIALIZERS = {
    "Serializer": (Serializer, False),
    "URLSafeSerializer": (URLSafeSerializer, False),
    "TimedSerializer": (TimedSerializer, True),
    "URLSafeTimedSerializer": (URLSafeTimedSerializer, True),
}


def make_serializer(case, ts):
    cls, timed = SERIALIZERS[case["kind"]]
    kw = {"signer_kwargs": signer_kwargs(case)}
    if case.get("salt") is not None:
        kw["salt"] = unhex(case["salt"])
    if timed:
        kw["signer"] = fixed_clock(TimestampSigner, ts)
    return cls(keys(case), **kw), timed


def op_serializers(cases):
    out = []
    for case in cases:
        s, timed = make_serializer(case, case.get("ts", 0))
        token = s.dumps(case["obj"])
        loader, _ = make_serializer(case, case.get("now", 0))
        try:
            if timed:
                obj, ts = loader.loads(
                    case["go_token"], max_age=case.get("max_age"), return_timestamp=True
                )
                loaded = {"obj": obj, "ts": int(ts.timestamp())}
            else:
                loaded = {"obj": loader.loads(case["go_token"])}
        except BadData as exc:
            loaded = error_result(exc)
        out.append({"token": token, "go_token": loaded})
    return out


class Raw:
    """A binary 'serializer' that passes bytes through, to reach the
    URL-safe payload encoding on its own."""

    @staticmethod
    def dumps(obj):
        return obj if isinstance(obj, bytes) else b""

    @staticmethod
    def loads(payload):
        return payload


def op_payloads(cases):
    s = URLSafeSerializer("unused", serializer=Raw)
    out = []
    for case in cases:
        try:
            loaded = {"value": s.load_payload(case["go_encoded"].encode("ascii")).hex()}
        except BadData as exc:
            loaded = error_result(exc)
        out.append(
            {
                "encoded": s.dump_payload(unhex(case["data"])).decode("ascii"),
                "go_encoded": loaded,
            }
        )
    return out


def op_zlib(cases):
    return [len(zlib.compress(unhex(case["data"]))) for case in cases]


def op_json(cases):
    out = []
    for case in cases:
        kw = {"ensure_ascii": not case["unicode"]}
        if case["compact"]:
            kw["separators"] = (",", ":")
        out.append(json.dumps(case["obj"], **kw))
    return out


def main():
    req = json.load(sys.stdin)
    op = {"signers": op_signers, "serializers": op_serializers, "payloads": op_payloads, "json": op_json, "zlib": op_zlib}[req["op"]]
    json.dump({"version": version("itsdangerous"), "results": op(req["cases"])}, sys.stdout)


main()
