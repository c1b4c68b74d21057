package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseSecret(t *testing.T) {
	hex64 := strings.Repeat("0123456789abcdef", 4)
	raw := "correct horse battery staple, 32+ bytes"
	tests := []struct {
		name, in string
		want     []byte // nil: an error
	}{
		{"hex text is the key as written", hex64, []byte(hex64)},
		{"hex with newline", hex64 + "\n", []byte(hex64)},
		{"raw text", raw, []byte(raw)},
		{"short hex read as short raw", "0123456789abcdef", nil},
		{"too short", "hunter2", nil},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseSecret(tt.in)
			if tt.want == nil {
				if err == nil {
					t.Fatalf("accepted %q", tt.in)
				}
				if tt.in != "" && strings.Contains(err.Error(), tt.in) {
					t.Errorf("the error repeats the secret: %v", err)
				}
				return
			}
			if err != nil || !bytes.Equal(got, tt.want) {
				t.Fatalf("got %x, %v; want %x", got, err, tt.want)
			}
		})
	}
}

func TestSecretFileIsCreatedOnceAndKept(t *testing.T) {
	file := filepath.Join(t.TempDir(), ".shop-secret")
	var logs syncBuffer
	log := testLogger(t, &logs)

	first, source, err := loadSecret("", file, log)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 2*secretSize || source != file { // 32 random bytes written as hex text
		t.Fatalf("got a %d-byte secret from %q, want %d bytes from %q", len(first), source, 2*secretSize, file)
	}
	fi, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("secret file mode %v, want 0600", perm)
	}
	again, _, err := loadSecret("", file, log)
	if err != nil || !bytes.Equal(again, first) {
		t.Fatalf("second load: %v; the secret changed: %t", err, !bytes.Equal(again, first))
	}
	if strings.Contains(logs.String(), string(first)) {
		t.Error("the log holds the secret")
	}
}

func TestEnvSecretWins(t *testing.T) {
	file := filepath.Join(t.TempDir(), ".shop-secret")
	env := strings.Repeat("ab", 32)
	got, source, err := loadSecret(env, file, testLogger(t, &syncBuffer{}))
	if err != nil || !bytes.Equal(got, []byte(env)) || source != "SESSION_SECRET" {
		t.Fatalf("got %x from %q, %v; want the env secret", got, source, err)
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Error("a secret file was created although SESSION_SECRET was set")
	}
	if _, _, err := loadSecret("short", file, testLogger(t, &syncBuffer{})); err == nil || !strings.Contains(err.Error(), "SESSION_SECRET") {
		t.Errorf("a short SESSION_SECRET gave %v, want an error naming SESSION_SECRET", err)
	}
}

func TestCorruptSecretFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), ".shop-secret")
	if err := os.WriteFile(file, []byte("oops"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err := loadSecret("", file, testLogger(t, &syncBuffer{}))
	if err == nil {
		t.Fatal("a corrupt secret file was accepted")
	}
	if msg := err.Error(); !strings.Contains(msg, "delete the file") || strings.Contains(msg, "oops") {
		t.Errorf("error %q: want advice to delete the file, without its content", msg)
	}
}

func TestLooseSecretFileWarns(t *testing.T) {
	file := filepath.Join(t.TempDir(), ".shop-secret")
	if err := os.WriteFile(file, []byte(strings.Repeat("cd", 32)), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(file, 0o644) // despite the umask
	var logs syncBuffer
	if _, _, err := loadSecret("", file, testLogger(t, &logs)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "chmod 600") {
		t.Errorf("no warning about a world-readable secret file; log:\n%s", logs.String())
	}
}
