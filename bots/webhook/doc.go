// Package webhook makes the HTTP servers the platforms call back (Telegram's
// webhook, Slack's HTTP mode, or one server for both), bounded so that a
// slow or hostile client cannot hold them: each connection costs a goroutine
// and up to a body's worth of memory, so a request trickled slower than the
// read timeout is cut off, an answer that cannot be written in time is
// dropped, and an idle kept-alive connection is closed after a short idle
// timeout, and at once when a new connection needs its slot. No more than
// MaxConns connections are held at once (with none idle to close, the rest
// wait in the kernel's backlog until one ends), no more than PerIP of them
// from one public address, and the bodies past their first 16 kB held at
// once share Limits.BodyBytes. On a server shared by both platforms each
// platform's handler goes behind its own Gate, so that a flood on one
// platform's path is refused beyond its share and leaves the other's
// alone. Checking who is calling before reading a body is each handler's
// job.
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
// Loopback and private addresses are not held to PerIP: behind a reverse
// proxy (which the platforms' HTTPS needs) or Docker's port forwarding
// every connection comes from one of them, and capping it would cap the
// platforms with it. Such a proxy's own per-client limits are then the
// only per-address ones.
// A flood on one platform's path takes that platform's own share: its
// requests are refused 503 (and sent again by the platform) until the
// flood ends, the other platform's are not.
// Connections still sending their headers are neither idle nor any
// platform's yet: enough of them at once, each for up to the read timeout,
// still fill MaxConns.
package webhook
