package main

import (
	"bufio"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestMain runs the program itself when the test binary is started with
// QUICKSTART_MAIN=1, so TestQuickStartCurl can start it as a server.
func TestMain(m *testing.M) {
	if os.Getenv("QUICKSTART_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// readmeShellLines returns the lines of the README's sh blocks in the
// Quick start section that start with prefix, comments removed.
func readmeShellLines(t *testing.T, prefix string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	start := strings.Index(text, "## Quick start")
	end := strings.Index(text[start+1:], "\n## ")
	var lines []string
	inSh := false
	for _, line := range strings.Split(text[start:start+1+end], "\n") {
		switch {
		case line == "```sh":
			inSh = true
		case line == "```":
			inSh = false
		case inSh && strings.HasPrefix(line, prefix):
			if i := strings.Index(line, " # "); i >= 0 {
				line = line[:i]
			}
			lines = append(lines, strings.TrimSpace(line))
		}
	}
	return lines
}

// TestQuickStartCurl starts the quick start program the way the README
// says (a key from /dev/urandom, DEV_HTTP=1) and runs the README's two
// curl lines against it with the real curl.
func TestQuickStartCurl(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("curl is not installed; CI needs it")
		}
		t.Skip("curl is not installed")
	}
	keyLines := readmeShellLines(t, "export SESSION_SECRET=\"$(head")
	curls := readmeShellLines(t, "curl ")
	if len(keyLines) != 1 || len(curls) != 2 {
		t.Fatalf("README quick start: key lines %q and curl lines %q, want one and two", keyLines, curls)
	}
	dir := t.TempDir()
	key, err := exec.Command("sh", "-c", strings.TrimSuffix(strings.TrimPrefix(keyLines[0], `export SESSION_SECRET="$(`), `)"`)).Output()
	if err != nil {
		t.Fatal(err)
	}

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	srv := exec.Command(os.Args[0])
	srv.Env = append(os.Environ(), "QUICKSTART_MAIN=1", "DEV_HTTP=1", "ADDR="+addr, "SESSION_SECRET="+strings.TrimSpace(string(key)))
	stderr, _ := srv.StderrPipe()
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	// The server's log is collected and logged from the test's goroutine
	// once the server has exited: t.Log after the test ends would panic.
	var logged []string
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			logged = append(logged, sc.Text())
		}
	}()
	defer func() {
		srv.Process.Kill()
		<-readDone // all read before Wait, which closes the pipe
		srv.Wait()
		for _, line := range logged {
			t.Log("server: ", line)
		}
	}()
	for i := 0; ; i++ {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			break
		}
		if i == 500 {
			t.Fatalf("the quick start server did not start: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}

	run := func(line string) string {
		t.Helper()
		cmd := exec.Command("sh", "-c", strings.ReplaceAll(line, "127.0.0.1:8080", addr))
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", line, err, out)
		}
		return string(out)
	}
	login := run(curls[0])
	if !strings.Contains(login, "HTTP/1.1 303 See Other") || !strings.Contains(login, "Set-Cookie: session=") {
		t.Errorf("%s printed:\n%s\nwant a 303 with the session cookie", curls[0], login)
	}
	if home := run(curls[1]); home != "Welcome back\nuser 42\n" {
		t.Errorf("%s printed %q, want the flash and the user", curls[1], home)
	}
}
