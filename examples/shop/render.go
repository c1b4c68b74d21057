package main

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"strings"

	session "github.com/websession/session"
)

//go:embed templates/*.html templates/style.css
var templateFS embed.FS

// page is what every page template gets.
type page struct {
	Title    string
	Path     string
	User     *user
	Theme    string // "light" or "dark"
	Flashes  []session.Flash
	Visits   int
	Cart     cartView
	Products []product
	Users    []user
	// Sessionctl is the command that reads this shop's sessions (home).
	Sessionctl string
	Devices    devicesView
	Panel      panel
	CSS        template.CSS
}

// parsePages parses each page template together with the shared layout,
// and returns the style sheet to inline.
func parsePages() (map[string]*template.Template, template.CSS, error) {
	css, err := templateFS.ReadFile("templates/style.css")
	if err != nil {
		return nil, "", fmt.Errorf("shop: %w", err)
	}
	funcs := template.FuncMap{"money": money, "hasPrefix": strings.HasPrefix}
	pages := make(map[string]*template.Template)
	for _, name := range []string{"home", "shop", "login", "devices"} {
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFS,
			"templates/layout.html", "templates/parts.html", "templates/"+name+".html")
		if err != nil {
			return nil, "", fmt.Errorf("shop: parsing templates: %w", err)
		}
		pages[name] = t
	}
	return pages, template.CSS(css), nil
}

// render fills what every page shows from the session, then writes the
// page. It reads the flash messages first (which removes them from the
// session), then starts the response, which commits the session: from then
// on the response headers hold the session's Set-Cookie, so the "How this
// works" panel can show exactly what this response sends.
func (a *app) render(w http.ResponseWriter, r *http.Request, name string, p *page) {
	s := session.From(r)
	p.Path = r.URL.Path
	p.CSS = a.css
	p.Flashes = s.Flashes()
	if u, ok := a.users.lookup(s.User()); ok {
		p.User = &u
	}
	p.Theme = "light"
	if t, _ := session.Get[string](s, keyTheme); t == "dark" {
		p.Theme = "dark"
	}
	c, _ := session.Get[cart](s, keyCart)
	p.Cart = c.view(a.products)

	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusOK) // commits the session; no change after this
	p.Panel = a.panel(r, s, w.Header())

	var buf bytes.Buffer
	if err := a.pages[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		a.log.ErrorContext(r.Context(), "shop: rendering a page", "page", name, "err", err)
		fmt.Fprintln(w, "The page could not be rendered; the server log says why.")
		return
	}
	w.Write(buf.Bytes())
}
