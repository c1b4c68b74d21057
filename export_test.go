package session

// RevocationKeyForTest exposes the store key of a user's revocation record
// to the package's external tests.
func RevocationKeyForTest(user string) string { return revocationKey(user) }
