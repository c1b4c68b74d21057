// Package memstore is an in-process session.Store: records live in a map in
// this process and are lost when it exits. Use it in tests and in
// single-process programs; use filestore, sqlstore or redisstore when
// sessions must survive a restart or be shared between processes.
//
// The store is bounded: it holds at most DefaultMaxRecords (100000)
// records, or the cap set with WithMaxRecords. When it is full, a Save of a new session
// first drops expired records and, if none were expired, fails with
// ErrFull; it never evicts a live session.
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
