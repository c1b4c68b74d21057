// Package memstore is an in-process session.Store: records live in a map in
// this process and are lost when it exits. Use it in tests and in
// single-process programs; use filestore, sqlstore or redisstore when
// sessions must survive a restart or be shared between processes.
//
// The store is bounded: it holds at most DefaultMaxRecords (100000)
// records, or the cap set with WithMaxRecords. When it is full, a Save of a
// new session first drops expired records and, if none were expired,
// evicts the least recently used anonymous session (one with no
// Record.User; used means its last Load, Save or Touch), so a flood of
// anonymous requests cannot lock new visitors out. Sessions bound to a
// user are never evicted: when every record is, the Save fails with
// ErrFull. Evictions are logged at Warn (WithLogger), at most once a
// minute.
//
// The store keeps an index of records by Record.User (session.UserIndex),
// so listing or ending one user's sessions costs in proportion to that
// user's sessions, not to the whole store.
//
// No goroutine is started: expired records are never returned, and are
// dropped when the store is full, by DeleteExpired, or by Run, a sweep loop
// the caller starts with a context it controls.
//
//	st := memstore.New()
//	m, err := session.New(session.Config{Secret: secret, Store: st})
//	if err != nil {
//		log.Fatal(err)
//	}
//	go st.Run(ctx, time.Minute) // optional: free expired records' memory
package memstore
