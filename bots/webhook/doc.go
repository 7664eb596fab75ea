// Package webhook makes the HTTP servers the platforms call back (Telegram's
// webhook, Slack's HTTP mode, or one server for both), bounded so that a
// slow or hostile client cannot hold them: each connection costs a goroutine
// and up to a body's worth of memory, so a request trickled slower than the
// read timeout is cut off, an answer that cannot be written in time is
// dropped, an idle kept-alive connection is closed, and no more than
// MaxConns connections are served at once (the rest wait in the kernel's
// backlog until one ends), and the bodies past their first 16 kB held at
// once share Limits.BodyBytes. Checking who is calling before reading a
// body is each handler's job.
//
// # Caveats
//
// The body budget counts only requests served by Limits.Server: a handler
// mounted on another server reads each body up to its own limit, with no
// budget shared between them.
// A large body that finds no room within the read timeout is refused with
// ErrBusy (its handler answers 503, and the platform sends it again); a
// flood of large bodies can thus delay a platform's own large requests,
// never its small ones, which are all the platforms send.
package webhook
