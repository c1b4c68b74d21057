package main

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"time"

	session "github.com/websession/session"
)

// devicesView is the "Your devices" page: the sessions of the logged-in
// user, or why they cannot be listed.
type devicesView struct {
	// Listed is true when the store can list a user's sessions. It is
	// false for cookie sessions, which live only in browsers.
	Listed bool
	// Cookie is true for cookie sessions.
	Cookie bool
	// Revocable is true for cookie sessions with Config.Revocations: the
	// page offers to log out all other devices.
	Revocable bool
	Rows      []deviceRow
}

// deviceRow is one session as the page shows it.
type deviceRow struct {
	Handle   string // names the session without being its ID
	Agent    string // "Firefox on Linux"
	Current  bool   // the session of this request
	SignedIn when
	LastSeen when
	Expires  when
	Size     int // bytes the store keeps
}

// when is a time as the page shows it: relative text, with the exact time
// in the <time> element.
type when struct {
	ISO  string // for <time datetime>
	Text string // "3 minutes ago", "in 31 days"
	Full string // for the tooltip
}

// devices lists the logged-in user's sessions, newest first.
func (a *app) devices(w http.ResponseWriter, r *http.Request) {
	s := session.From(r)
	name := s.User()
	if name == "" {
		a.needLogin(w, r, "Log in to see the devices where you are logged in.")
		return
	}
	var v devicesView
	list, err := a.m.Sessions(r.Context(), name)
	switch {
	case errors.Is(err, session.ErrNotSupported):
		v.Cookie = a.cookieSessions
		v.Revocable = a.revocable
	case err != nil:
		a.storeError(w, r, err)
		return
	default:
		v.Listed = true
		now := time.Now()
		current := s.Handle()
		for _, info := range list {
			v.Rows = append(v.Rows, deviceRow{
				Handle:   info.Handle,
				Agent:    info.Agent,
				Current:  info.Handle == current,
				SignedIn: at(cmp.Or(info.SignedIn, info.Created), now),
				LastSeen: at(info.LastSeen, now),
				Expires:  at(info.Expires, now),
				Size:     info.Size,
			})
		}
	}
	a.render(w, r, "devices", &page{Title: "Your devices", Devices: v})
}

// deviceEnd ends one of the user's other sessions: that browser is logged
// out at its next request.
func (a *app) deviceEnd(w http.ResponseWriter, r *http.Request) {
	s := session.From(r)
	name := s.User()
	if name == "" {
		a.needLogin(w, r, "Log in to manage your devices.")
		return
	}
	handle := r.PostFormValue("handle")
	if handle == "" {
		http.Error(w, "400 Bad Request: no session named", http.StatusBadRequest)
		return
	}
	category, text := "message", "Done: that device is logged out."
	if handle == s.Handle() {
		category, text = "error", "That is this browser: use Log out to end it."
	} else {
		err := a.m.DestroySession(r.Context(), name, handle)
		switch {
		case errors.Is(err, session.ErrNotSupported):
			category, text = "error", a.cannotEnd()
		case errors.Is(err, session.ErrNotFound): // ended meanwhile, or not this user's
			category, text = "error", "That session had already ended."
		case err != nil:
			a.storeError(w, r, err)
			return
		}
	}
	if err := s.Flash(category, text); err != nil {
		a.serverError(w, r, err)
		return
	}
	redirect(w, r, "/devices")
}

// deviceEndOthers ends every session of the user but this one: "log out
// everywhere else", for a lost phone or a shared computer. Cookie sessions
// are revoked instead (Config.Revocations): every cookie of the user signed
// in before now opens an empty session, and this one is signed in anew.
// Nobody knows how many such cookies there are, so the message says so.
func (a *app) deviceEndOthers(w http.ResponseWriter, r *http.Request) {
	s := session.From(r)
	if s.User() == "" {
		a.needLogin(w, r, "Log in to manage your devices.")
		return
	}
	n, err := s.DestroyOthers()
	switch {
	case errors.Is(err, session.ErrNotSupported):
		err = s.Flash("error", a.cannotEnd())
	case err != nil:
		a.storeError(w, r, err)
		return
	case a.cookieSessions:
		err = s.Flash("message", "Logged out all other devices: any other browser logged in as you must log in again. "+
			"(Cookie sessions cannot be counted, so the shop cannot say how many there were.)")
	case n == 0:
		err = s.Flash("message", "There were no other devices to log out.")
	case n == 1:
		err = s.Flash("message", "Logged out 1 other device.")
	default:
		err = s.Flash("message", fmt.Sprintf("Logged out %d other devices.", n))
	}
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	redirect(w, r, "/devices")
}

// cannotEnd explains why the shop cannot end sessions from the server.
func (a *app) cannotEnd() string {
	if a.revocable {
		return "This shop keeps sessions in cookies, so it cannot end one of them from the server; it can only log out all other devices at once."
	}
	if a.cookieSessions {
		return "This shop keeps sessions in cookies, so it cannot end them from the server."
	}
	return "This session store keeps no index of sessions by user, so the shop cannot end them from the server."
}

// needLogin sends a visitor who is not logged in to the log-in page with a
// message.
func (a *app) needLogin(w http.ResponseWriter, r *http.Request, msg string) {
	if err := session.From(r).Flash("error", msg); err != nil {
		a.serverError(w, r, err)
		return
	}
	redirect(w, r, "/login")
}

// storeError answers 503 when the session store failed to list or delete
// sessions; the log says why.
func (a *app) storeError(w http.ResponseWriter, r *http.Request, err error) {
	a.log.ErrorContext(r.Context(), "shop: session store", "path", r.URL.Path, "err", err)
	http.Error(w, "503 Service Unavailable: the session store did not answer; try again", http.StatusServiceUnavailable)
}

// at describes t relative to now.
func at(t, now time.Time) when {
	if t.IsZero() {
		return when{Text: "unknown"}
	}
	return when{ISO: t.UTC().Format(time.RFC3339), Text: relative(t.Sub(now)), Full: t.Format("2 Jan 2006 15:04:05 MST")}
}

// relative says how far d is from now: "just now", "5 minutes ago",
// "in 31 days".
func relative(d time.Duration) string {
	future := d > 0
	if !future {
		d = -d
	}
	var s string
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour-30*time.Second: // rounds to 59 minutes at most
		s = plural(d, time.Minute, "minute")
	case d < 48*time.Hour-30*time.Minute:
		s = plural(d, time.Hour, "hour")
	default:
		s = plural(d, 24*time.Hour, "day")
	}
	if future {
		return "in " + s
	}
	return s + " ago"
}

// plural says d in whole units, rounded: "1 minute", "31 days".
func plural(d, unit time.Duration, name string) string {
	n := int(d.Round(unit) / unit)
	if n == 1 {
		return "1 " + name
	}
	return fmt.Sprintf("%d %ss", n, name)
}
