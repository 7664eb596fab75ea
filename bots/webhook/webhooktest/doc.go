// Package webhooktest holds what the tests of the platform servers share:
// a client that trickles a request's body, and a body that records whether
// it was read.
package webhooktest
