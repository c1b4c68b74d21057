package main

import (
	"errors"
	"net/http"

	session "github.com/websession/session"
)

// Session keys the shop uses. Values are plain JSON-shaped data, so the
// "How this works" panel can show them as they are stored. The logged-in
// user is not a key: Session.SetUser binds the session to them.
const (
	keyVisits = "visits" // int: home page views
	keyCart   = "cart"   // cart: product ID to quantity
	keyTheme  = "theme"  // string: "light" or "dark"
)

// home shows the visit counter, the cart and the flash messages.
func (a *app) home(w http.ResponseWriter, r *http.Request) {
	s := session.From(r)
	visits, _ := session.Get[int](s, keyVisits)
	visits++
	if err := s.Set(keyVisits, visits); err != nil {
		a.serverError(w, r, err)
		return
	}
	a.render(w, r, "home", &page{Title: "Home", Visits: visits, Users: a.users.list(), Sessionctl: a.sessionctl})
}

// shop shows the catalogue.
func (a *app) shop(w http.ResponseWriter, r *http.Request) {
	a.render(w, r, "shop", &page{Title: "Shop", Products: a.products})
}

// loginPage shows the log-in form and the demo accounts.
func (a *app) loginPage(w http.ResponseWriter, r *http.Request) {
	a.render(w, r, "login", &page{Title: "Log in", Users: a.users.list()})
}

// login checks the password, then binds the session to the user with
// SetUser, which also gives the session a new identity (an identifier an
// attacker planted before log-in is worthless after it: session fixation
// defence) and, with a server-side store, lists it under "Your devices".
// The cart and the visit counter come along.
func (a *app) login(w http.ResponseWriter, r *http.Request) {
	s := session.From(r)
	u, ok := a.users.authenticate(r.PostFormValue("username"), r.PostFormValue("password"))
	if !ok {
		if err := s.Flash("error", "Unknown user name or wrong password."); err != nil {
			a.serverError(w, r, err)
			return
		}
		redirect(w, r, "/login")
		return
	}
	err := errors.Join(
		s.SetUser(u.Name),
		s.Flash("message", "Welcome back, "+u.Name),
	)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	redirect(w, r, "/")
}

// logout ends the session: its data goes (from the store too) and the
// cookie is deleted. The theme is a preference of this browser, not of the
// user, so it moves to a fresh session together with a goodbye message.
func (a *app) logout(w http.ResponseWriter, r *http.Request) {
	s := session.From(r)
	theme, hasTheme := session.Get[string](s, keyTheme)
	err := s.Destroy()
	if hasTheme {
		err = errors.Join(err, s.Set(keyTheme, theme), s.SetPermanent(true))
	}
	err = errors.Join(err, s.Flash("message", "You have been logged out."))
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	redirect(w, r, "/")
}

// cartAdd adds one of a product to the cart.
func (a *app) cartAdd(w http.ResponseWriter, r *http.Request) {
	p, ok := findProduct(a.products, r.PostFormValue("product"))
	if !ok {
		http.Error(w, "400 Bad Request: no such product", http.StatusBadRequest)
		return
	}
	s := session.From(r)
	c, _ := session.Get[cart](s, keyCart)
	if c == nil {
		c = cart{}
	}
	var err error
	if c[p.ID] >= maxQuantity {
		err = s.Flash("error", "That is as many "+p.Name+" as one cart can hold.")
	} else {
		c[p.ID]++
		err = errors.Join(s.Set(keyCart, c), s.Flash("message", "Added "+p.Name+" to your cart."))
	}
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	redirect(w, r, backTo(r))
}

// cartRemove removes a product's line from the cart.
func (a *app) cartRemove(w http.ResponseWriter, r *http.Request) {
	s := session.From(r)
	c, _ := session.Get[cart](s, keyCart)
	delete(c, r.PostFormValue("product"))
	var err error
	if len(c) == 0 {
		err = s.Delete(keyCart)
	} else {
		err = s.Set(keyCart, c)
	}
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	redirect(w, r, backTo(r))
}

// cartEmpty removes the cart from the session.
func (a *app) cartEmpty(w http.ResponseWriter, r *http.Request) {
	s := session.From(r)
	if err := errors.Join(s.Delete(keyCart), s.Flash("message", "Your cart is empty now.")); err != nil {
		a.serverError(w, r, err)
		return
	}
	redirect(w, r, backTo(r))
}

// theme keeps the chosen theme in a permanent session, whose cookie
// outlives the browser session (Config.Lifetime, 31 days by default).
func (a *app) theme(w http.ResponseWriter, r *http.Request) {
	t := r.PostFormValue("theme")
	if t != "light" && t != "dark" {
		http.Error(w, "400 Bad Request: theme must be light or dark", http.StatusBadRequest)
		return
	}
	s := session.From(r)
	if err := errors.Join(s.Set(keyTheme, t), s.SetPermanent(true)); err != nil {
		a.serverError(w, r, err)
		return
	}
	redirect(w, r, backTo(r))
}

// redirect ends a POST with 303 See Other (Post/Redirect/Get), so reloading
// the next page does not send the form again.
func redirect(w http.ResponseWriter, r *http.Request, path string) {
	http.Redirect(w, r, path, http.StatusSeeOther)
}

// backTo returns the page a form asks to go back to (its "back" field),
// if it is one of the shop's pages, and "/" otherwise: never a URL from the
// request as is (no open redirect).
func backTo(r *http.Request) string {
	switch back := r.PostFormValue("back"); back {
	case "/", "/shop", "/login", "/devices":
		return back
	}
	return "/"
}

// serverError answers 500 when the session refused a change. That happens
// only for a programming mistake (a change after the response started, a
// value JSON cannot encode), which the log explains.
func (a *app) serverError(w http.ResponseWriter, r *http.Request, err error) {
	a.log.ErrorContext(r.Context(), "shop: session change failed", "path", r.URL.Path, "err", err)
	http.Error(w, "500 Internal Server Error", http.StatusInternalServerError)
}
