// Package retry keeps a platform adapter trying to reach an API that cannot
// be reached yet: a shop PC that boots before its Wi-Fi is up, a router that
// drops the line for a minute, a platform answering 502. It owns the back-off
// between tries and the log line that says so, once a minute at most.
//
// # Basics
//
// Until calls a try (a token check such as Telegram's getMe or Slack's
// auth.test) until it succeeds, fails in a way a caller calls fatal (a token
// the platform rejects), or its context ends. Between tries it waits
// Backoff.Delay: Base, doubling up to Max, each wait cut by a random part of
// up to half so that many shops coming back online at once do not knock in
// step. A Reporter counts the failed tries and logs the first one at once,
// then at most one line per Every with the tries since the last line, and
// one line when the API answers again.
//
// Reach remembers when an API last answered (any answer, an error status
// included), through a round tripper each adapter puts under its HTTP
// client: what a health check asks of every platform.
//
// # Caveats
//
// Nothing here knows which errors are transient: the caller's fatal
// function decides. Everything it does not call fatal is tried again
// forever, logged but never returned.
package retry
