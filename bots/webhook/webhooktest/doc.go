// Package webhooktest holds what the tests of the platform servers share:
// a client that trickles a request's body (Trickle, or Slow at any pace),
// and a body that records whether it was read.
package webhooktest
