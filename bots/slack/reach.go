package slack

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/slack-go/slack"

	"github.com/dangol/dangol/bots/retry"
)

// Errors of a token Slack refuses. Run returns them (wrapped, with the
// method and Slack's error code) as soon as Slack says so, at start or
// while serving: no retry can change it, the token must be replaced.
var (
	// ErrBotTokenRejected is returned when auth.test refuses the bot token
	// (DANGOL_SLACK_BOT_TOKEN).
	ErrBotTokenRejected = errors.New("slack: the bot token was rejected")
	// ErrAppTokenRejected is returned when apps.connections.open refuses the
	// app-level token of Socket Mode (DANGOL_SLACK_APP_TOKEN).
	ErrAppTokenRejected = errors.New("slack: the app token was rejected")
)

// rejectedCodes are Slack's error codes for a token that will never work;
// socketmode gives up on the same ones.
var rejectedCodes = []string{"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"}

// rejected reports whether err is Slack refusing the token itself.
func rejected(err error) bool {
	if se, ok := errors.AsType[slack.SlackErrorResponse](err); ok {
		return slices.Contains(rejectedCodes, se.Err)
	}
	return false
}

// Reached returns when Slack's Web API last answered a request, with any
// status, even an error; the zero time if it never has.
func (b *Bot) Reached() time.Time { return b.reached.Last() }

// noting returns a copy of c whose answers are noted by Reached.
func (b *Bot) noting(c *http.Client) *http.Client {
	cc := *c
	cc.Transport = b.reached.Transport(cc.Transport)
	return &cc
}

// connect checks the bot token with auth.test until Slack answers,
// trying again with Config.Reconnect's back-off while Slack cannot be
// reached (or answers 5xx, or an error code that is not about the token),
// logged once a minute at most. A rejected token is ErrBotTokenRejected.
func (b *Bot) connect(ctx context.Context) (*slack.AuthTestResponse, error) {
	var resp *slack.AuthTestResponse
	err := retry.Until(ctx, b.cfg.Reconnect, b.rep, func(ctx context.Context) (err error) {
		resp, err = b.authTest(ctx)
		return err
	}, rejected)
	switch {
	case err == nil:
		return resp, nil
	case rejected(err):
		return nil, fmt.Errorf("%w: %w", ErrBotTokenRejected, err)
	default:
		return nil, err
	}
}

// Watch checks the bot token (auth.test) until Slack answers it, then asks
// again whenever Slack has answered nothing for Config.KeepAlive, so
// Reached stays fresh and a token revoked while serving is noticed. It
// returns an error wrapping ErrBotTokenRejected as soon as Slack rejects
// the token, and nil when ctx is done; while Slack cannot be reached it
// keeps trying. Run calls it; call it yourself beside HTTPHandler mounted
// on your own server.
func (b *Bot) Watch(ctx context.Context) error {
	if err := b.checkToken(ctx); err != nil {
		return stopping(ctx, err)
	}
	return b.keepAlive(ctx)
}

// checkToken is connect that remembers the bot's own user id, so its own
// DMs are never taken for a staff member's.
func (b *Bot) checkToken(ctx context.Context) error {
	resp, err := b.connect(ctx)
	if err != nil {
		return err
	}
	b.mu.Lock()
	b.botUserID = resp.UserID
	b.mu.Unlock()
	b.log.Info("slack: connected", "team", resp.Team, "bot_user", resp.UserID)
	return nil
}

// keepAlive is Watch once the token was accepted.
func (b *Bot) keepAlive(ctx context.Context) error {
	t := time.NewTicker(b.cfg.KeepAlive)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		if b.now().Sub(b.Reached()) < b.cfg.KeepAlive {
			continue
		}
		if _, err := b.connect(ctx); err != nil {
			return stopping(ctx, err)
		}
	}
}

// stopping drops err once ctx is done: stopping is what the caller asked for.
func stopping(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// appTokenError is what Run makes of socketmode's error: a rejected app
// token (the codes above, or the 404 socketmode also gives up on) is
// ErrAppTokenRejected.
func appTokenError(err error) error {
	sc, ok := errors.AsType[slack.StatusCodeError](err)
	if rejected(err) || ok && sc.Code == http.StatusNotFound {
		return fmt.Errorf("%w: apps.connections.open: %w", ErrAppTokenRejected, err)
	}
	return fmt.Errorf("slack: socket mode: %w", err)
}
