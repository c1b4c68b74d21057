package sqlstore

// RolledBack exposes rolledBack to the package's external tests.
var RolledBack = rolledBack
