"""A Flask app for the live test: serves on 127.0.0.1 at a free port, prints
the port on stdout, and stops when stdin closes. SECRET_KEY is argv[1] (hex);
further arguments are SECRET_KEY_FALLBACKS (hex, oldest first).

Flask-Login 0.6.3 cannot be installed here, so the /flask/fl/ routes do what
its login_user(), logout_user() and session protection do to the session,
key for key, including its _create_identifier()."""

import json
import sys
import threading
import time
from hashlib import sha512

from flask import Flask, flash, get_flashed_messages, request, session
from markupsafe import Markup
from werkzeug.serving import make_server

app = Flask(__name__)
app.secret_key = bytes.fromhex(sys.argv[1])
app.config["SECRET_KEY_FALLBACKS"] = [bytes.fromhex(k) for k in sys.argv[2:]]


@app.get("/flask/login")
def login():
    session["user_id"] = 42
    session.permanent = True
    flash("Welcome back, alice", "message")
    return "ok"


@app.get("/flask/login-user")
def login_user():
    # What Flask-Login's login_user() stores: the user's ID as text.
    session["_user_id"] = "alice"
    return "ok"


@app.get("/flask/get")
def get_values():
    return json.dumps({
        "session": {k: repr(v) for k, v in session.items()},
        "types": {k: type(v).__name__ for k, v in session.items()},
        "flashes": get_flashed_messages(with_categories=True),
        "permanent": session.permanent,
    })


@app.get("/flask/flash-rich")
def flash_rich():
    flash(Markup("<a href='/x'>link</a>"), "html")
    flash(42)
    flash("plain text", "info")
    return "ok"


@app.get("/flask/flashes")
def flashes():
    return json.dumps([[repr(c), repr(m)] for c, m in get_flashed_messages(with_categories=True)])


@app.get("/flask/nan")
def nan():
    session["f"] = [float("nan"), float("inf"), float("-inf")]
    return "ok"


@app.get("/flask/touch")
def touch():
    session["touched"] = session.get("touched", 0) + 1
    return "ok"


# Flask-Login 0.6.3, as it reads and writes the session.

def _get_remote_addr():
    address = request.headers.get("X-Forwarded-For", request.remote_addr)
    if address is not None:
        address = address.encode("utf-8").split(b",")[0].strip()
    return address


def _create_identifier():
    user_agent = request.headers.get("User-Agent")
    if user_agent is not None:
        user_agent = user_agent.encode("utf-8")
    base = f"{_get_remote_addr()}|{user_agent}"
    h = sha512()
    h.update(base.encode("utf8"))
    return h.hexdigest()


SESSION_KEYS = {"_user_id", "_remember", "_remember_seconds", "_id", "_fresh", "next"}


def _session_protection_failed(mode):
    sess = session._get_current_object()
    ident = _create_identifier()
    if sess and ident != sess.get("_id", None):
        if mode == "basic" or sess.permanent:
            sess["_fresh"] = False
            return False
        elif mode == "strong":
            for k in SESSION_KEYS:
                sess.pop(k, None)
            sess["_remember"] = "clear"
            return True
    return False


@app.get("/flask/fl/login")
def fl_login():
    user = request.args["user"]
    if request.args.get("int"):
        user = int(user)  # an app whose get_id() returns an int
    session["_user_id"] = user
    session["_fresh"] = True
    session["_id"] = _create_identifier()
    if request.args.get("signed_in"):
        mark_signed_in()
    return "ok"


def mark_signed_in():
    # The recipe of the flask package's doc for an app whose Go side has
    # Config.Revocations: record when the user signed in, to the
    # nanosecond, as Go's SetUser does, so DestroyUser's revocation ends
    # the log-ins before it and not this one.
    ns = time.time_ns()
    session["_signed_in"] = ns // 1_000_000_000
    session["_signed_in_nsec"] = ns % 1_000_000_000


@app.get("/flask/fl/current")
def fl_current():
    # current_user under SESSION_PROTECTION = request.args["protection"],
    # with a user_loader that returns the ID it is given.
    matches = session.get("_id") == _create_identifier()
    user = None
    if not _session_protection_failed(request.args["protection"]):
        user = session.get("_user_id")
    return json.dumps({
        "user": repr(user),
        "fresh": session.get("_fresh", False),
        "identifierMatches": matches,
        "keys": sorted(session.keys()),
    })


@app.get("/flask/fl/logout")
def fl_logout():
    for k in ("_user_id", "_fresh", "_id"):
        session.pop(k, None)
    return "ok"


server = make_server("127.0.0.1", 0, app)
threading.Thread(target=server.serve_forever, daemon=True).start()
print(server.server_port, flush=True)
sys.stdin.read()
server.shutdown()
