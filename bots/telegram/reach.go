package telegram

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/dangol/dangol/bots/relay"
	"github.com/dangol/dangol/bots/retry"
)

// ErrTokenRejected is returned (wrapped, with the method and Telegram's
// answer) by Run when Telegram refuses the bot token: 401 Unauthorized, or
// 404 to getMe, which is what a malformed token gets. No retry can change
// that; the token must be replaced.
var ErrTokenRejected = errors.New("telegram: the bot token was rejected")

// errUnreachable marks a getUpdates that did not reach Telegram (a network
// error or a 5xx), which the poller's client has already counted and
// reported.
var errUnreachable = errors.New("telegram: API unreachable")

// Reached returns when Telegram's Bot API last answered a request, with
// any status, even an error; the zero time if it never has.
func (b *Bot) Reached() time.Time { return b.reached.Last() }

// transport is the round tripper of every client the Bot uses: one pool
// of connections sized for the workers, every body sent in one piece
// (go-telegram/bot streams its multipart bodies through a pipe), and each
// answer noted for Reached.
func (b *Bot) transport() http.RoundTripper {
	b.pool.Do(func() {
		base := b.cfg.Transport
		if base == nil {
			base = relay.Transport(b.cfg.Workers)
		}
		b.rt = relay.Buffered(base)
	})
	return b.reached.Transport(b.rt)
}

// until runs one Bot API request until Telegram answers it, trying again
// with Config.Reconnect's back-off while Telegram cannot be reached (or
// answers 5xx or 429), logged once a minute at most. A rejected token is
// returned as ErrTokenRejected, any other refusal as it is.
func (b *Bot) until(ctx context.Context, method string, fn func(context.Context) error) error {
	err := retry.Until(ctx, b.cfg.Reconnect, b.rep, fn, permanent)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, bot.ErrorUnauthorized), method == "getMe" && errors.Is(err, bot.ErrorNotFound):
		return fmt.Errorf("%w: %s: %w", ErrTokenRejected, method, err)
	default:
		return fmt.Errorf("telegram: %s: %w", method, err)
	}
}

// getMe asks Telegram who the bot is, until it answers.
func (b *Bot) getMe(ctx context.Context) (*models.User, error) {
	var me *models.User
	err := b.until(ctx, "getMe", func(ctx context.Context) (err error) {
		me, err = b.api.GetMe(ctx)
		return err
	})
	return me, err
}

// keepAlive asks getMe whenever Telegram has not answered anything for
// Config.KeepAlive, so Reached stays fresh in webhook mode (where dangol
// may not call Telegram for hours) and a token revoked while serving stops
// Run through fail. It returns when ctx ends.
func (b *Bot) keepAlive(ctx context.Context, fail context.CancelCauseFunc) {
	t := time.NewTicker(b.cfg.KeepAlive)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if b.cfg.Now().Sub(b.Reached()) < b.cfg.KeepAlive {
			continue
		}
		_, err := b.getMe(ctx)
		switch {
		case errors.Is(err, ErrTokenRejected):
			fail(err)
			return
		case err != nil && ctx.Err() == nil:
			b.log.Warn("telegram: keep-alive", "err", err)
		}
	}
}

// pollFailed is what the poller's client does with a getUpdates that did
// not reach Telegram: count it, report it and hand the library an error
// marked errUnreachable, so its own handler does not log it a second time.
func (g *gatedClient) pollFailed(ctx context.Context, err error) error {
	if ctx.Err() == nil {
		g.fails.Add(1)
		g.b.rep.Failed(ctx, err)
	}
	return fmt.Errorf("%w: %w", errUnreachable, err)
}

// pollAnswered checks a getUpdates answer: a 5xx is a failure to reach
// Telegram like a network error, anything else is Telegram answering.
func (g *gatedClient) pollAnswered(ctx context.Context, resp *http.Response) (*http.Response, error) {
	if resp.StatusCode >= http.StatusInternalServerError {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		_ = resp.Body.Close()
		return nil, g.pollFailed(ctx, fmt.Errorf("getUpdates: HTTP %s", resp.Status))
	}
	g.fails.Store(0)
	g.b.rep.Reached(ctx)
	return resp, nil
}

// resultUnread marks the context of a Bot API call whose result, the
// Message sent or edited, the caller drops (dropResults).
type resultUnread struct{}

// withoutResult returns ctx marked so that dropResults hands the library an
// empty result for its calls: only for calls whose returned Message is
// thrown away. A call without the mark gets Telegram's answer whole, so a
// feature that reads a sent message's id needs do nothing.
func withoutResult(ctx context.Context) context.Context {
	return context.WithValue(ctx, resultUnread{}, true)
}

// okResult is how a Bot API answer that went well begins, as Telegram
// writes it.
const okResult = `{"ok":true,"result":`

// emptyResult is the answer the library is handed instead of the Message
// the adapter would not read: ok, with an empty object.
const emptyResult = `{"ok":true,"result":{}}`

// dropResults hands go-telegram/bot, for a call whose context is marked
// withoutResult, an empty result in place of the Message Telegram sends
// back: the library decodes that whole message (its sender, chat, text,
// entities, the keyboard echoed) into models.Message on every send and
// edit, 8% of dangol bench's CPU in the feedback scenario, for the adapter
// to drop it. Only an answer that begins as Telegram writes a success is
// replaced; an error (a 429's retry_after, a 403) or any other shape goes
// to the library as it came.
type dropResults struct{ base http.RoundTripper }

// RoundTrip implements http.RoundTripper.
func (t dropResults) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusOK || req.Context().Value(resultUnread{}) == nil {
		return resp, err
	}
	var head [len(okResult)]byte
	n, err := io.ReadFull(resp.Body, head[:])
	if err != nil || string(head[:]) != okResult {
		// Not a success as Telegram writes it: the library reads it all.
		resp.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(head[:n]), resp.Body), resp.Body}
		return resp, nil
	}
	// The rest is drained, so the connection goes back to the pool.
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(strings.NewReader(emptyResult))
	resp.ContentLength = int64(len(emptyResult))
	return resp, nil
}
