package main

import (
	"context"
	"errors"
	"strings"

	"github.com/dangol/dangol/bots/retry"
	"github.com/dangol/dangol/bots/slack"
	"github.com/dangol/dangol/bots/telegram"
)

// A platform that cannot be reached is no reason to stop: each adapter's
// Run keeps trying with back-off and logs it once a minute, while the other
// platform and the scheduler go on. What stops dangol is a token the
// platform rejects, which no waiting mends; tokenRejected words that for
// the person at the terminal.

// reconnect is the back-off the adapters wait out while their API cannot
// be reached: the default (1 s doubling to 1 min, with jitter), waited with
// Main.RetryAfter when a test set it.
func (m *Main) reconnect() retry.Backoff {
	return retry.Backoff{After: m.RetryAfter}
}

// tokenRejected turns a platform's rejection of a token into one localised
// sentence naming the variable and where a new token comes from (main
// exits 1 on it, printing it once). Other errors are returned as they are.
func (m *Main) tokenRejected(err error) error {
	id := ""
	switch {
	case err == nil:
		return nil
	case errors.Is(err, telegram.ErrTokenRejected):
		id = "network.rejected.telegram"
	case errors.Is(err, slack.ErrBotTokenRejected):
		id = "network.rejected.slack_bot"
	case errors.Is(err, slack.ErrAppTokenRejected):
		id = "network.rejected.slack_app"
	default:
		return err
	}
	m.Logger.Debug("token rejected", "err", err)
	return &localError{m.Catalog.Text(m.Config.Lang, id, nil), err}
}

// runnerFunc runs a function as a runner: Slack's token watch beside the
// shared HTTP server, which serves Slack without Slack's Run.
type runnerFunc func(ctx context.Context) error

// Run implements runner.
func (f runnerFunc) Run(ctx context.Context) error { return f(ctx) }

// slackTokenUsage checks the Slack tokens' prefixes before any request: a
// bot token starts with xoxb- (xoxe.xoxb- when Slack rotates it), an app
// token with xapp-. It returns the usage message id and its data, or ""
// when they look right (or are not set).
func slackTokenUsage(bot, app string) (string, map[string]any) {
	isBot := func(s string) bool { return strings.HasPrefix(s, "xoxb-") || strings.HasPrefix(s, "xoxe.xoxb-") }
	isApp := func(s string) bool { return strings.HasPrefix(s, "xapp-") }
	switch {
	case isApp(bot) && isBot(app):
		return "network.err.slack_swapped", nil
	case bot != "" && !isBot(bot):
		return "network.err.slack_bot_prefix", map[string]any{"Prefix": tokenPrefix(bot)}
	case app != "" && !isApp(app):
		return "network.err.slack_app_prefix", map[string]any{"Prefix": tokenPrefix(app)}
	}
	return "", nil
}

// tokenPrefix is as much of a token as a message may show: up to its first
// five characters and at most half of it, never enough to use it.
func tokenPrefix(s string) string {
	r := []rune(s)
	return string(r[:min(len(r)/2, 5)])
}
