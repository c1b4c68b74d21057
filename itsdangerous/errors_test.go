package itsdangerous_test

import (
	"errors"
	"io"
	"testing"

	"github.com/websession/session/itsdangerous"
)

func TestErrorHierarchyMatchesPython(t *testing.T) {
	all := []error{itsdangerous.ErrBadData, itsdangerous.ErrBadSignature, itsdangerous.ErrBadTimeSignature,
		itsdangerous.ErrSignatureExpired, itsdangerous.ErrBadPayload}
	// parents[c] is the set of classes c is a subclass of (itself included).
	parents := map[error][]error{
		itsdangerous.ErrBadData:          {itsdangerous.ErrBadData},
		itsdangerous.ErrBadSignature:     {itsdangerous.ErrBadSignature, itsdangerous.ErrBadData},
		itsdangerous.ErrBadTimeSignature: {itsdangerous.ErrBadTimeSignature, itsdangerous.ErrBadSignature, itsdangerous.ErrBadData},
		itsdangerous.ErrSignatureExpired: {itsdangerous.ErrSignatureExpired, itsdangerous.ErrBadTimeSignature, itsdangerous.ErrBadSignature, itsdangerous.ErrBadData},
		itsdangerous.ErrBadPayload:       {itsdangerous.ErrBadPayload, itsdangerous.ErrBadData},
	}
	for _, class := range all {
		err := &itsdangerous.Error{Kind: class, Message: "m"}
		for _, target := range all {
			want := false
			for _, p := range parents[class] {
				want = want || p == target
			}
			if got := errors.Is(err, target); got != want {
				t.Errorf("errors.Is(error of kind %v, %v) = %v, want %v", class, target, got, want)
			}
			if got := errors.Is(class, target); got != want {
				t.Errorf("errors.Is(%v, %v) = %v, want %v", class, target, got, want)
			}
		}
	}
}

func TestErrorMessageAndCause(t *testing.T) {
	err := &itsdangerous.Error{Kind: itsdangerous.ErrBadPayload, Message: "could not load", Err: io.ErrUnexpectedEOF}
	if got, want := err.Error(), "itsdangerous: could not load: unexpected EOF"; got != want {
		t.Fatalf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(err, io.ErrUnexpectedEOF) || !errors.Is(err, itsdangerous.ErrBadData) {
		t.Fatal("errors.Is must reach both the cause and the class")
	}
	if got := itsdangerous.ErrSignatureExpired.Error(); got != "itsdangerous: signature expired" {
		t.Fatalf("sentinel message = %q", got)
	}
}
