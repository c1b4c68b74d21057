// Package commitwriter holds the ResponseWriter a session Manager gives a
// handler: it commits the session just before the first byte of the
// response, and lets the Manager replace a response whose session could not
// be saved.
package commitwriter

import (
	"bufio"
	"net"
	"net/http"
)

// Writer commits the session before the first byte of the response:
// on the first WriteHeader (other than an informational 1xx; 101 Switching
// Protocols does commit, as the connection then leaves HTTP), Write, Flush
// or Hijack. Unwrap lets http.ResponseController reach the writer beneath
// for deadlines and the like.
type Writer struct {
	http.ResponseWriter
	Session Committer
	started bool // the commit ran, the response is underway
	failed  bool // the commit failed; ErrorHandler wrote the response
}

// Committer is the session behind a Writer.
type Committer interface {
	// Commit saves the session and adds its headers to w's.
	Commit(w http.ResponseWriter) error
	// Failed answers the request in place of the handler when Commit
	// failed (Config.ErrorHandler).
	Failed(w http.ResponseWriter, err error)
}

// begin commits the session if this is the response's first byte. It
// reports whether the caller may go on writing.
func (w *Writer) begin() bool {
	if !w.started {
		w.started = true
		if err := w.Session.Commit(w.ResponseWriter); err != nil {
			w.failed = true
			w.Session.Failed(w.ResponseWriter, err)
		}
	}
	return !w.failed
}

// WriteHeader commits the session, then writes the status. Informational
// statuses (1xx) other than 101 Switching Protocols pass through without
// committing.
func (w *Writer) WriteHeader(code int) {
	if code >= 100 && code < 200 && code != http.StatusSwitchingProtocols {
		w.ResponseWriter.WriteHeader(code)
		return
	}
	if w.begin() {
		w.ResponseWriter.WriteHeader(code)
	}
}

// Write commits the session, then writes p. After a failed commit the
// handler's output is discarded and Write reports the commit error.
func (w *Writer) Write(p []byte) (int, error) {
	if !w.begin() {
		return 0, errResponseReplaced
	}
	return w.ResponseWriter.Write(p)
}

// Flush commits the session, then flushes the writer beneath.
func (w *Writer) Flush() {
	_ = w.FlushError()
}

// FlushError is Flush for http.ResponseController, reporting errors.
func (w *Writer) FlushError() error {
	if !w.begin() {
		return errResponseReplaced
	}
	return http.NewResponseController(w.ResponseWriter).Flush()
}

// Hijack commits the session, then hands over the connection. Headers set
// by the commit, the session cookie among them, are only sent if the new
// owner of the connection writes them.
func (w *Writer) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if !w.begin() {
		return nil, nil, errResponseReplaced
	}
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

// Unwrap returns the ResponseWriter beneath, for http.ResponseController.
func (w *Writer) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Finish runs when the handler returns: a handler that wrote nothing still
// gets its session committed, and a failed commit still gets its error
// response.
func (w *Writer) Finish() {
	w.begin()
}

// errResponseReplaced is returned to a handler writing after the session
// could not be committed, when ErrorHandler has written the response.
var errResponseReplaced = errorString("session: the session could not be saved, so ErrorHandler replaced this response")

type errorString string

func (e errorString) Error() string { return string(e) }
