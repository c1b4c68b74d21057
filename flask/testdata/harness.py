"""Test harness: Flask's own session serializer, driven by flask tests.

Reads one JSON request per line on stdin and writes one JSON response per
line on stdout. Time is frozen: the signer's clock is whatever the request
says. Secrets travel as hex.

  {"op": "dump", "secret", "fallbacks", "ts", "cases": {name: expr}}
      -> {name: {"text": session JSON, "values": {JSON of key: JSON of value},
                 "cookie": signed cookie}}
  {"op": "json", "inputs": [hex]}
      -> [{"ok": true, "text": json.dumps as Flask's provider writes it} | {"ok": false}]
  {"op": "load", "secret", "fallbacks", "ts", "lifetime", "cookies": {name: cookie}}
      -> {name: {"text": session JSON} | {"error": exception class name}}
"""

import datetime
import importlib.metadata
import json
import sys
import uuid

import itsdangerous.timed
from flask import Flask
from itsdangerous import BadSignature
from markupsafe import Markup

NOW = [0]
itsdangerous.timed.TimestampSigner.get_timestamp = lambda self: NOW[0]

app = Flask(__name__)
env = {
    "Markup": Markup,
    "uuid": uuid,
    "datetime": datetime,
    "utc": datetime.timezone.utc,
    "tz": datetime.timezone,
    "td": datetime.timedelta,
    "nan": float("nan"),
    "inf": float("inf"),
}


def signer(req):
    app.secret_key = bytes.fromhex(req["secret"])
    app.config["SECRET_KEY_FALLBACKS"] = [bytes.fromhex(k) for k in req.get("fallbacks", [])]
    NOW[0] = req["ts"]
    return app.session_interface.get_signing_serializer(app)


def dump(req):
    s = signer(req)
    out = {}
    for name, expr in req["cases"].items():
        value = eval(expr, env)
        out[name] = {
            "text": s.serializer.dumps(value),
            "values": {json.dumps(k): s.serializer.dumps(v) for k, v in value.items()},
            "cookie": s.dumps(value),
        }
    return out


def load(req):
    s = signer(req)
    app.permanent_session_lifetime = datetime.timedelta(seconds=req["lifetime"])
    max_age = int(app.permanent_session_lifetime.total_seconds())
    out = {}
    for name, cookie in req["cookies"].items():
        try:
            out[name] = {"text": s.serializer.dumps(s.loads(cookie, max_age=max_age))}
        except BadSignature as e:
            out[name] = {"error": type(e).__name__}
    return out


sys.stdout.write(json.dumps({"flask": importlib.metadata.version("flask")}) + "\n")
sys.stdout.flush()
def plain_json(req):
    out = []
    for h in req["inputs"]:
        try:
            v = json.loads(bytes.fromhex(h).decode("utf-8"))
            out.append({"ok": True, "text": app.json.dumps(v, separators=(",", ":"))})
        except (ValueError, RecursionError):
            out.append({"ok": False})
    return out


with app.app_context():  # the session serializer sorts keys only in an app context
    for line in sys.stdin:
        req = json.loads(line)
        resp = {"dump": dump, "load": load, "json": plain_json}[req["op"]](req)
        sys.stdout.write(json.dumps(resp) + "\n")
        sys.stdout.flush()
