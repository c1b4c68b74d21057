package session_test

import (
	"strings"
	"testing"

	"github.com/websession/session/internal/ctcheck"
)

// constantTimeAllowlist lists the comparisons of ID-named values that leak
// nothing, each with the reason.
var constantTimeAllowlist = []ctcheck.Allow{
	{File: "internal/seal/encrypted.go", Func: "encryptedSealer.open", Expr: "[keyIDSize]byte(raw[1:1+keyIDSize]) != k.id",
		Reason: "a key id picks the key to try; it is public, written in clear in every cookie, and the AEAD tag is checked by crypto/cipher in constant time"},
	{File: "internal/seal/encrypted.go", Func: "sharedIDs", Expr: "keys[i].id == keys[j].id",
		Reason: "compares the ids of the Manager's own keys with each other, once, when the format is bound; ids are public, written in clear in every cookie"},
	{File: "internal/seal/signed.go", Func: "signedSealer.OpenInto", Expr: "k.id != id",
		Reason: "a key id picks the key to try; it is public, written in clear in every cookie, and the MAC is compared with hmac.Equal"},
	{File: "examples/shop/catalog.go", Func: "findProduct", Expr: "p.ID == id",
		Reason: "a product's ID from the public catalog"},
}

// TestSecretsComparedInConstantTime checks every non-test Go file of the
// project: a MAC, signature, tag or session ID is never compared with ==,
// !=, bytes.Equal, strings.Compare and the like, whose time depends on how
// many leading bytes match, but with hmac.Equal or subtle.ConstantTimeCompare.
// internal/ctcheck's own tests show it finds such comparisons.
func TestSecretsComparedInConstantTime(t *testing.T) {
	found, err := ctcheck.Dir(".", constantTimeAllowlist)
	if err != nil {
		t.Error(err)
	}
	for _, f := range found {
		if strings.HasPrefix(f.File, "sessiontest/") {
			continue // conformance-test helpers compare IDs to check outcomes, never on a request's path
		}
		t.Error(f)
	}
}
