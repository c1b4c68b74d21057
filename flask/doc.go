// Package flask reads and writes Flask's session cookies, so a Go service
// and a Flask 3.1 app that share a SECRET_KEY share their users' sessions.
//
// Plug Format into a session.Manager; Config.Secret is Flask's SECRET_KEY,
// OldSecrets its SECRET_KEY_FALLBACKS, Lifetime its
// PERMANENT_SESSION_LIFETIME, and the cookie name defaults to "session" on
// both sides:
//
//	m, err := session.New(session.Config{
//		Secret:     []byte(os.Getenv("SECRET_KEY")), // the Flask app's SECRET_KEY
//		OldSecrets: [][]byte{[]byte(os.Getenv("OLD_SECRET_KEY"))},
//		Format:     flask.Format(),
//	})
//	if err != nil {
//		log.Fatal(err)
//	}
//	http.ListenAndServe(addr, m.Handler(mux))
//
//	// In a handler: what Flask stored with session["cart"] = ("apple", 2)
//	cart, ok := session.Get[flask.Tuple](session.From(r), "cart")
//
// Values travel as Flask's tagged JSON (TaggedJSON): Python's tuple, bytes,
// Markup, UUID and datetime come back as Tuple, []byte, Markup, UUID and
// time.Time, and Go writes those types back so Flask sees the same Python
// types. Go writes exactly the JSON text, and so exactly the cookie, Flask
// writes for the same data, key and time; only when the payload is
// compressed may the zlib bytes differ. Go's zlib sometimes compresses a
// short session a few bytes worse than Python's, so a small session Flask
// would store compressed may be stored uncompressed. Both sides read both
// forms.
//
// Flask's flash() messages are the Manager's flashes, and session.permanent
// its Permanent flag; a flash Go passes on unread goes back to Flask with its
// Python type (a Markup stays Markup). Session.SetUser writes the keys
// Flask-Login 0.6's login_user() writes ("_user_id", "_fresh" and "_id", see
// LoginIdentifier), so a user signed in on either side is signed in on both.
// A "_user_id" Flask-Login stored as an integer (a get_id() that returns an
// int) is Session.User's decimal text, and goes back to Flask as the same
// integer for as long as Go leaves the user alone (no SetUser, Clear or
// Destroy); SetUser writes the user as text, as login_user() does for a
// get_id() that returns a str.
// The cookie carries when it was signed but not when the session began: with
// Config.AbsoluteTimeout, the Go side keeps that time under "_created" and
// enforces the timeout. A session Flask began has no "_created": the limit
// then counts from when Go first saw it, and that response writes the
// cookie again to carry the time.
//
// With Config.Revocations, Manager.DestroyUser ends a user's sessions
// signed in before it, by the sign-in time SetUser keeps under
// "_signed_in" (Unix seconds) and "_signed_in_nsec" (nanoseconds within
// that second, absent when 0). Flask-Login's login_user() writes neither,
// and a session without them counts as signed in before every revocation
// of its user: after DestroyUser("alice"), Go refuses alice's sessions
// signed in by login_user(), also those signed in after the call, until
// the revocation lapses (Config.Lifetime later). This fails safe. To keep
// new Flask log-ins valid, let the login view record the time as Go does,
// after login_user():
//
//	ns = time.time_ns()
//	session["_signed_in"] = ns // 1_000_000_000
//	session["_signed_in_nsec"] = ns % 1_000_000_000
//
// The Flask and Go hosts' clocks must then agree: a log-in whose time
// falls before the revocation's, by the clocks' difference, is refused.
package flask
