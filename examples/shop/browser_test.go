package main

// The harness of the browser tests: one headless Chromium for the whole
// test binary, a fresh browser context (its own cookies, as a separate
// browser profile) per simulated visitor, and the shop's real server
// started in-process the way main starts it.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// stepTimeout bounds each browser step (a navigation, a click and the page
// it loads, a read of the page).
const stepTimeout = 20 * time.Second

// browserCandidates are where the browser tests look for Chromium: the
// Debian package's path first, then these names on PATH.
var browserCandidates = []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// findBrowser returns the path of a Chromium-based browser. SHOP_BROWSER,
// when set, names it.
func findBrowser() (string, error) {
	if name := os.Getenv("SHOP_BROWSER"); name != "" {
		p, err := exec.LookPath(name)
		if err != nil {
			return "", fmt.Errorf("SHOP_BROWSER names no browser: %w", err)
		}
		return p, nil
	}
	for _, name := range browserCandidates {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("none of %q found (install Debian's chromium package, or set SHOP_BROWSER)", browserCandidates)
}

// sharedBrowser is the headless browser of the test binary, started by the
// first browser test and stopped by TestMain.
var sharedBrowser struct {
	once    sync.Once
	ctx     context.Context // a chromedp context whose browser is running
	err     error
	missing bool // no browser installed, as opposed to one that failed to start
	stop    func()
}

// startBrowser starts the shared browser once.
func startBrowser() {
	b := &sharedBrowser
	path, err := findBrowser()
	if err != nil {
		b.err, b.missing = err, true
		return
	}
	dir, err := os.MkdirTemp("", "shop-browser-")
	if err != nil {
		b.err = err
		return
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.UserDataDir(dir),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Headless,
		chromedp.NoSandbox, // root in a container has no user namespaces
		chromedp.DisableGPU,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.WindowSize(1280, 900),
		chromedp.WSURLReadTimeout(30*time.Second),
	)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	b.stop = func() {
		cancelCtx()
		cancelAlloc() // waits for the process to exit
		os.RemoveAll(dir)
	}
	// The first run starts the process; it must not carry a timeout, which
	// would end the browser with it. WSURLReadTimeout bounds the start.
	if err := chromedp.Do(ctx); err != nil {
		b.stop()
		b.stop = nil
		b.err = fmt.Errorf("starting %s: %w", path, err)
		return
	}
	b.ctx = ctx
}

// stopBrowser ends the shared browser if a test started it.
func stopBrowser() {
	if sharedBrowser.stop != nil {
		sharedBrowser.stop()
	}
}

// visitor is one browser context of the shared browser: its own cookie jar
// and cache, as a separate profile or a private window has, with one tab.
type visitor struct {
	t    *testing.T
	name string // for messages: "A", "B"
	ctx  context.Context
}

// newVisitor opens a new browser context, closed when the test ends. It
// skips the test when no browser is installed, and fails it instead when
// CI=true.
func newVisitor(t *testing.T, name string) *visitor {
	t.Helper()
	sharedBrowser.once.Do(startBrowser)
	switch b := &sharedBrowser; {
	case b.missing && os.Getenv("CI") == "true":
		t.Fatalf("no headless browser, and CI=true, so this fails instead of skipping: %v", b.err)
	case b.missing:
		t.Skipf("no headless browser for the end-to-end tests: %v", b.err)
	case b.err != nil:
		t.Fatalf("the headless browser did not start: %v", b.err)
	}
	ctx, cancel := chromedp.NewContext(sharedBrowser.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	// The first run on a context opens its tab, which lives as long as the
	// context of that run: so it runs on ctx itself, bounded by a timer
	// that cancels ctx.
	timer := time.AfterFunc(stepTimeout, cancel)
	err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900))
	if !timer.Stop() {
		err = fmt.Errorf("no tab after %v: %w", stepTimeout, err)
	}
	if err != nil {
		t.Fatalf("browser %s: opening a tab in a new browser context: %v", name, err)
	}
	return &visitor{t: t, name: name, ctx: ctx}
}

// do runs browser actions as one step bounded by stepTimeout.
func (v *visitor) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	v.t.Helper()
	ctx, cancel := context.WithTimeout(v.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		v.t.Fatalf("browser %s: %s: %v", v.name, what, err)
	}
}

// navigate runs actions that load a page (a navigation, a click on a form's
// button) and checks that the page, after any redirect, came with 200 OK.
func (v *visitor) navigate(what string, actions ...chromedp.Action[chromedp.Void]) {
	v.t.Helper()
	ctx, cancel := context.WithTimeout(v.ctx, stepTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, actions...)
	if err != nil {
		v.t.Fatalf("browser %s: %s: %v", v.name, what, err)
	}
	if resp == nil || resp.Status != 200 {
		status := int64(0)
		if resp != nil {
			status = resp.Status
		}
		v.t.Fatalf("browser %s: %s: status %d, want 200", v.name, what, status)
	}
}

// open loads a page of the shop.
func (v *visitor) open(s *liveShop, path string) {
	v.t.Helper()
	v.navigate("open "+path, chromedp.Navigate(s.url(path)))
}

// reload reloads the current page, as the browser's reload button does.
func (v *visitor) reload() {
	v.t.Helper()
	v.navigate("reload", chromedp.Reload())
}

// click clicks the element sel selects (a form's button) and waits for the
// page it leads to.
func (v *visitor) click(sel string) {
	v.t.Helper()
	v.navigate("click "+sel, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
}

// pageState is what a visitor sees on a shop page.
type pageState struct {
	Path    string     `json:"path"`
	User    string     `json:"user"`    // the header's "Logged in as", or ""
	Cart    []cartItem `json:"cart"`    // the cart table, in page order
	Flashes []string   `json:"flashes"` // the flash messages
}

type cartItem struct {
	Name string `json:"name"`
	Qty  int    `json:"qty"`
}

// readPage is the script that reads a pageState from the page.
const readPage = `({
	path: location.pathname,
	user: document.querySelector("header .who strong")?.textContent.trim() ?? "",
	cart: [...document.querySelectorAll("#cart tbody tr")].map(r => ({
		name: r.cells[0].textContent.trim(),
		qty: Number(r.cells[1].textContent),
	})),
	flashes: [...document.querySelectorAll("main .flash")].map(f => f.textContent.trim()),
})`

// state reads what the current page shows.
func (v *visitor) state() pageState {
	v.t.Helper()
	ctx, cancel := context.WithTimeout(v.ctx, stepTimeout)
	defer cancel()
	st, err := chromedp.Run(ctx, chromedp.Evaluate[pageState](readPage))
	if err != nil {
		v.t.Fatalf("browser %s: reading the page: %v", v.name, err)
	}
	return st
}

// deviceState is a row of the "Your devices" table as the visitor sees it.
type deviceState struct {
	Agent   string `json:"agent"`
	Current bool   `json:"current"`
}

// devices reads the "Your devices" table of the current page.
func (v *visitor) devices() []deviceState {
	v.t.Helper()
	ctx, cancel := context.WithTimeout(v.ctx, stepTimeout)
	defer cancel()
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[[]deviceState](`[...document.querySelectorAll("#devices tbody tr")].map(r => ({
		agent: r.cells[0].firstChild.textContent.trim(),
		current: r.classList.contains("current"),
	}))`))
	if err != nil {
		v.t.Fatalf("browser %s: reading the devices table: %v", v.name, err)
	}
	return rows
}

// attr returns an attribute of the first element sel selects.
func (v *visitor) attr(sel, name string) string {
	v.t.Helper()
	ctx, cancel := context.WithTimeout(v.ctx, stepTimeout)
	defer cancel()
	res, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(sel), name))
	if err != nil || !res.Exists {
		v.t.Fatalf("browser %s: reading %s of %s: %v (present: %t)", v.name, name, sel, err, res.Exists)
	}
	return res.Value
}

// count returns how many elements sel selects on the current page.
func (v *visitor) count(sel string) int {
	v.t.Helper()
	ctx, cancel := context.WithTimeout(v.ctx, stepTimeout)
	defer cancel()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](fmt.Sprintf("document.querySelectorAll(%q).length", sel)))
	if err != nil {
		v.t.Fatalf("browser %s: counting %s: %v", v.name, sel, err)
	}
	return n
}

// logIn logs in through the log-in page's form, typing as a person does.
func (v *visitor) logIn(s *liveShop, name, password string) {
	v.t.Helper()
	v.open(s, "/login")
	v.do("type the user name and password",
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), name, chromedp.NodeVisible),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), password, chromedp.NodeVisible),
	)
	v.click(`form[action="/login"] button`)
}

// addToCart clicks "Add to cart" for a product on the shop page.
func (v *visitor) addToCart(productID string) {
	v.t.Helper()
	v.click(fmt.Sprintf(`form[action="/cart/add"]:has(input[name="product"][value=%q]) button`, productID))
}

// screenshot writes a PNG of the whole page to file.
func (v *visitor) screenshot(file string) {
	v.t.Helper()
	ctx, cancel := context.WithTimeout(v.ctx, stepTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		v.t.Fatalf("browser %s: screenshot: %v", v.name, err)
	}
	if err := os.WriteFile(file, png, 0o644); err != nil {
		v.t.Fatal(err)
	}
	v.t.Logf("wrote %s (%d bytes)", file, len(png))
}

// liveShop is the shop's real server, started in-process by start and
// serve as main does, on a port of its own. restart stops it and starts a
// new process-equivalent on the same address with the same flags: the
// same secret file and the same store.
type liveShop struct {
	t    *testing.T
	args []string // without -addr
	addr string   // 127.0.0.1:port, fixed by the first start
	stop func()   // stops the running server and waits for it
}

// startLiveShop starts the shop with -store storeFlag and a secret file of
// the test's own.
func startLiveShop(t *testing.T, storeFlag string) *liveShop {
	t.Helper()
	s := &liveShop{
		t:    t,
		args: []string{"-store", storeFlag, "-secret-file", filepath.Join(t.TempDir(), ".shop-secret")},
		addr: "127.0.0.1:0",
	}
	s.start()
	t.Cleanup(func() { s.stop() })
	return s
}

func (s *liveShop) start() {
	s.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	args := append([]string{"-addr", s.addr}, s.args...)
	noEnv := func(string) string { return "" }
	srv, err := start(ctx, args, noEnv, io.Discard, testLogger(s.t, &syncBuffer{}))
	if err != nil {
		cancel()
		s.t.Fatalf("starting the shop: %v", err)
	}
	s.addr = srv.ln.Addr().String()
	done := make(chan error, 1)
	go func() { done <- srv.serve(ctx) }()
	s.stop = func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			s.t.Errorf("the shop stopped with %v", err)
		}
		s.stop = func() {}
	}
}

// restart stops the server and starts a new one on the same address.
func (s *liveShop) restart() {
	s.t.Helper()
	s.stop()
	s.start()
}

func (s *liveShop) url(path string) string {
	return "http://" + s.addr + path
}
