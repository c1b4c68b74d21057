package flask

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"testing"
)

// skipOrFail skips the test for a missing service, except in CI.
func skipOrFail(t *testing.T, reason string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(reason)
	}
	t.Skip(reason)
}

// pyFlask is one python3 process running testdata/harness.py: Flask's own
// session serializer with a frozen clock, spoken to in JSON lines.
type pyFlask struct {
	t   *testing.T
	in  io.WriteCloser
	out *bufio.Scanner
}

func startFlask(t *testing.T) *pyFlask {
	t.Helper()
	python, err := exec.LookPath("python3")
	if err != nil {
		skipOrFail(t, "python3 not found; Flask vectors need python3 with Flask 3.1")
	}
	cmd := exec.Command(python, "testdata/harness.py")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		in.Close()
		cmd.Wait()
	})
	p := &pyFlask{t: t, in: in, out: bufio.NewScanner(out)}
	p.out.Buffer(nil, 64<<20)
	var hello struct{ Flask string }
	if !p.out.Scan() || json.Unmarshal(p.out.Bytes(), &hello) != nil {
		in.Close()
		cmd.Wait()
		skipOrFail(t, "python3 cannot run Flask (pip install 'flask>=3.1,<3.2'): "+lastLine(stderr.String()))
	}
	t.Logf("Flask %s", hello.Flask)
	return p
}

func lastLine(s string) string {
	lines := bytes.Split(bytes.TrimSpace([]byte(s)), []byte("\n"))
	return string(lines[len(lines)-1])
}

// call sends one request and decodes the answer into resp.
func (p *pyFlask) call(req, resp any) {
	p.t.Helper()
	b, err := json.Marshal(req)
	if err != nil {
		p.t.Fatal(err)
	}
	if _, err := p.in.Write(append(b, '\n')); err != nil {
		p.t.Fatalf("writing to python: %v", err)
	}
	if !p.out.Scan() {
		p.t.Fatalf("python harness died: %v", p.out.Err())
	}
	if err := json.Unmarshal(p.out.Bytes(), resp); err != nil {
		p.t.Fatalf("bad answer from python: %v", err)
	}
}

type pyDumped struct {
	Text   string            // the session dict's JSON
	Values map[string]string // each value's JSON, by its key's JSON
	Cookie string
}

// dump has Flask build the cookie for each Python expression (a session
// dict) with secret, at Unix time ts.
func (p *pyFlask) dump(secret []byte, ts int64, cases map[string]string) map[string]pyDumped {
	p.t.Helper()
	var resp map[string]pyDumped
	p.call(map[string]any{"op": "dump", "secret": hex.EncodeToString(secret), "ts": ts, "cases": cases}, &resp)
	return resp
}

type pyLoaded struct {
	Text  string // the loaded session, dumped again
	Error string // the exception class when Flask refused the cookie
}

// load has Flask open each cookie at Unix time now, as open_session does.
func (p *pyFlask) load(secret []byte, fallbacks [][]byte, now int64, lifetimeSec int64, cookies map[string]string) map[string]pyLoaded {
	p.t.Helper()
	fb := make([]string, len(fallbacks))
	for i, k := range fallbacks {
		fb[i] = hex.EncodeToString(k)
	}
	var resp map[string]pyLoaded
	p.call(map[string]any{"op": "load", "secret": hex.EncodeToString(secret), "fallbacks": fb, "ts": now,
		"lifetime": lifetimeSec, "cookies": cookies}, &resp)
	return resp
}

type pyParsed struct {
	OK   bool
	Text string
}

// json has Python's json.loads read each input (as UTF-8, as itsdangerous
// hands it over) and, when it accepts it, json.dumps it as Flask would.
func (p *pyFlask) json(inputs [][]byte) []pyParsed {
	p.t.Helper()
	hexes := make([]string, len(inputs))
	for i, in := range inputs {
		hexes[i] = hex.EncodeToString(in)
	}
	var resp []pyParsed
	p.call(map[string]any{"op": "json", "inputs": hexes}, &resp)
	return resp
}
