// Package webhook makes the HTTP servers the platforms call back (Telegram's
// webhook, Slack's HTTP mode, or one server for both), bounded so that a
// slow or hostile client cannot hold them: each connection costs a goroutine
// and up to a body's worth of memory, so a request trickled slower than the
// read timeout is cut off, an answer that cannot be written in time is
// dropped, an idle kept-alive connection is closed, and no more than
// MaxConns connections are served at once (the rest wait in the kernel's
// backlog until one ends). Checking who is calling before reading a body is
// each handler's job.
package webhook
