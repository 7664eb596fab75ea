package telegram

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// runPolling long-polls getUpdates until ctx is done.
//
// go-telegram/bot moves its offset as soon as an update is queued, and
// Telegram forgets every update below the offset of the next getUpdates. So
// the poller's HTTP client holds each getUpdates back until every update it
// would confirm has been committed by the engine (gatedClient): a crash or
// kill -9 then loses nothing, Telegram sends the rest again, and the
// engine's event ids make the re-sent ones that were committed a no-op.
// Polling starts after the last update the ledger committed
// (bot.WithInitialOffset(n) asks for offset n+1).
//
// While Telegram cannot be reached the poller's client waits out
// Config.Reconnect's back-off between getUpdates (beside the library's own
// pause of up to 5 s) and the failures are logged once a minute at most; a
// 401 from getUpdates, a token revoked while serving, ends the run through
// fail.
func (b *Bot) runPolling(ctx context.Context, fail context.CancelCauseFunc) error {
	err := b.until(ctx, "deleteWebhook", func(ctx context.Context) error {
		_, err := b.api.DeleteWebhook(ctx, &bot.DeleteWebhookParams{})
		return err
	})
	if err != nil {
		return fmt.Errorf("telegram: leave webhook mode: %w", err)
	}
	var last int64
	if b.cfg.LastUpdateID != nil {
		if last, err = b.cfg.LastUpdateID(ctx); err != nil {
			return fmt.Errorf("telegram: read last update id: %w", err)
		}
	}
	b.d.setHighest(last)
	poller, err := bot.New(b.cfg.Token,
		bot.WithServerURL(b.cfg.APIURL),
		bot.WithSkipGetMe(),
		bot.WithInitialOffset(last),
		// The adapter's own per-chat queues order the work; the library's
		// single worker only hands each update over, in order.
		bot.WithNotAsyncHandlers(),
		bot.WithDefaultHandler(func(_ context.Context, _ *bot.Bot, u *models.Update) {
			if b.d.enqueue(u) == nil {
				b.log.Info("telegram: update left for after restart", "update_id", u.ID)
			}
		}),
		bot.WithHTTPClient(b.cfg.PollTimeout, &gatedClient{
			inner: &http.Client{Timeout: b.cfg.PollTimeout + 15*time.Second, Transport: b.transport()},
			d:     b.d,
			b:     b,
		}),
		bot.WithAllowedUpdates(allowedUpdates),
		bot.WithErrorsHandler(func(err error) {
			switch {
			case errors.Is(err, errUnreachable):
				// Counted and logged, once a minute at most, by the client.
			case errors.Is(err, bot.ErrorUnauthorized):
				fail(fmt.Errorf("%w: getUpdates: %w", ErrTokenRejected, err))
			default:
				b.log.Warn("telegram: polling", "err", err)
			}
		}),
	)
	if err != nil {
		return fmt.Errorf("telegram: new poller: %w", err)
	}
	b.log.Info("telegram: polling", "bot", "@"+b.username(), "after_update", last)
	poller.Start(ctx)
	return nil
}

// gatedClient is the poller's HTTP client. It holds a getUpdates back until
// the updates its offset would confirm are committed, and after a getUpdates
// that did not reach Telegram until the back-off has passed.
type gatedClient struct {
	inner *http.Client
	d     *dispatcher
	b     *Bot
	fails atomic.Int64 // getUpdates in a row that did not reach Telegram
}

// Do implements bot.HttpClient.
func (g *gatedClient) Do(req *http.Request) (*http.Response, error) {
	if !strings.HasSuffix(req.URL.Path, "/getUpdates") {
		return g.inner.Do(req)
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, fmt.Errorf("telegram: read getUpdates request: %w", err)
	}
	_ = req.Body.Close()
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.ContentLength = int64(len(body))
	offset := formInt(req.Header.Get("Content-Type"), body, "offset")
	if n := g.fails.Load(); n > 0 {
		if err := g.b.cfg.Reconnect.Wait(req.Context(), int(n)); err != nil {
			return nil, err
		}
	}
	if err := g.d.waitFetched(req.Context(), offset); err != nil {
		return nil, err
	}
	resp, err := g.inner.Do(req)
	if err != nil {
		return nil, g.pollFailed(req.Context(), err)
	}
	return g.pollAnswered(req.Context(), resp)
}

// formInt reads an integer field of a multipart/form-data body; 0 if absent.
func formInt(contentType string, body []byte, field string) int64 {
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return 0
	}
	r := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	for {
		p, err := r.NextPart()
		if err != nil {
			return 0
		}
		if p.FormName() == field {
			v, _ := io.ReadAll(io.LimitReader(p, 32))
			n, _ := strconv.ParseInt(strings.TrimSpace(string(v)), 10, 64)
			return n
		}
	}
}
