// Package upgrade tests a rolling deploy: a server built from an earlier
// version of this repository and one built from the checkout answer the
// same visitor in turn, as two replicas behind a load balancer do while a
// new version rolls out. Neither may log the visitor out or lose a key the
// other wrote.
//
// The earlier version is taken from the repository's history (git archive
// of Baseline), so the test needs git and a clone with history; without
// them it skips, and under CI=true it fails.
package upgrade
