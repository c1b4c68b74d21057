"""A Flask app for the live test: serves on 127.0.0.1 at a free port, prints
the port on stdout, and stops when stdin closes. SECRET_KEY is argv[1] (hex);
further arguments are SECRET_KEY_FALLBACKS (hex, oldest first)."""

import json
import sys
import threading

from flask import Flask, flash, get_flashed_messages, session
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


server = make_server("127.0.0.1", 0, app)
threading.Thread(target=server.serve_forever, daemon=True).start()
print(server.server_port, flush=True)
sys.stdin.read()
server.shutdown()
