// Package session gives Go web handlers Flask's session object: a
// per-visitor dictionary that survives across requests, kept in a
// tamper-proof cookie by default or in a server-side store, behind one API.
//
//	m, err := session.New(session.Config{Secret: key}) // 32+ random bytes
//	if err != nil {
//		log.Fatal(err)
//	}
//	http.ListenAndServe(addr, m.Handler(mux))
//
//	func login(w http.ResponseWriter, r *http.Request) {
//		s := session.From(r)
//		s.SetUser("42")           // binds the account; new identity: fixation defence
//		s.Set("user_id", 42)
//		s.SetPermanent(true)      // a cookie that lasts Config.Lifetime
//		s.Flash("message", "Welcome back")
//	}
//
//	id, ok := session.Get[int](session.From(r), "user_id")
//
// Sessions load lazily, on first use, and commit exactly once, just before
// the first byte of the response. A request that does not use its session
// costs no decoding and gets no cookie; one that does gets Vary: Cookie, and
// every response carrying the cookie gets Cache-Control: no-store.
//
// Where the data lives is chosen by Config.Store. With nil, the whole session
// travels in the cookie, in one of three formats: Encrypted (the default,
// AES-256-GCM), Signed (HMAC-SHA256, readable by the visitor) or Flask's own
// format from package flask, which reads and writes Flask 3.1's session
// cookie byte for byte. With a Store (packages under store/), the cookie
// carries only a random 256-bit ID and the data stays on the server.
//
// A server-side store keeps one visitor's overlapping requests from losing
// each other's changes (per-key merge on a version conflict), keeps a
// logged-out session from being written back, and keeps a renewed ID usable
// for Config.RenewGrace so parallel requests are not logged out. A session
// bound to a user with SetUser can be listed and ended from anywhere:
// Manager.Sessions, Manager.DestroyUser, Session.DestroyOthers; cookie
// sessions through Config.Revocations.
//
// A bad, tampered, expired or foreign cookie is not an error: the visitor
// gets an empty session and a security event is logged, without the
// cookie's value. A session that cannot be saved (too large for a cookie, a
// store that is down) fails closed: Config.ErrorHandler writes the response
// and no cookie is sent.
package session
