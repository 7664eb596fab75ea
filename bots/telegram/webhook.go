package telegram

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/dangol/dangol/bots/webhook"
)

// maxUpdateBytes bounds a webhook body; real updates are a few kilobytes.
const maxUpdateBytes = 1 << 20

// webhookLimits bound the webhook server. Telegram opens at most 100
// connections to a webhook (setWebhook's max_connections, 40 unless set)
// and sends each update at once; the answer waits for the engine's commit,
// retries included (Config.HandleAttempts), hence 30 s to write it. The
// connection caps (all of them, and one address's) and the idle timeout
// are webhook.Default's, the caps above Telegram's 100, so that slow
// clients beside it do not keep Telegram waiting.
var webhookLimits = webhook.Limits{ReadTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second, IdleTimeout: webhook.Default.IdleTimeout, MaxConns: webhook.Default.MaxConns, PerIP: webhook.Default.PerIP}

// runWebhook registers the webhook with its secret token and serves it on
// Config.Listener or Config.HTTPAddr (if either is set) until ctx is done.
func (b *Bot) runWebhook(ctx context.Context) error {
	err := b.until(ctx, "setWebhook", func(ctx context.Context) error {
		_, err := b.api.SetWebhook(ctx, &bot.SetWebhookParams{
			URL:            b.cfg.WebhookURL,
			AllowedUpdates: allowedUpdates,
			SecretToken:    b.secret,
		})
		return err
	})
	if err != nil {
		return fmt.Errorf("telegram: register webhook: %w", err)
	}
	ln := b.cfg.Listener
	if ln == nil && b.cfg.HTTPAddr != "" {
		if ln, err = net.Listen("tcp", b.cfg.HTTPAddr); err != nil {
			return fmt.Errorf("telegram: webhook listener: %w", err)
		}
	}
	if ln == nil {
		b.log.Info("telegram: webhook registered; serve WebhookHandler yourself", "bot", "@"+b.username(), "url", b.cfg.WebhookURL)
		<-ctx.Done()
		return nil
	}
	path := "/"
	if u, err := url.Parse(b.cfg.WebhookURL); err == nil && u.Path != "" {
		path = u.Path
	}
	mux := http.NewServeMux()
	mux.Handle(path, b.WebhookHandler())
	srv, ln := b.limits.Server(ctx, mux, ln)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	b.log.Info("telegram: serving webhook", "bot", "@"+b.username(), "addr", ln.Addr().String(), "path", path)
	select {
	case err := <-served:
		return fmt.Errorf("telegram: webhook server: %w", err)
	case <-ctx.Done():
	}
	// Stop taking updates; those already accepted finish in drain, and a
	// request cut short is simply sent again by Telegram.
	sctx, cancel := context.WithTimeout(context.Background(), b.cfg.DrainTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("telegram: stop webhook server: %w", err)
	}
	return nil
}

// WebhookHandler returns the webhook endpoint. It answers 401 to a request
// without the secret token registered with setWebhook, before reading its
// body, and handles nothing; 413 to a body over 1 MB and 400 to one that is
// not an update with its update_id; and 200 only once the update is
// committed, so Telegram re-sends an update that a crash interrupted. It
// can be mounted on a shared server.
func (b *Bot) WebhookHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		got := r.Header.Get("X-Telegram-Bot-Api-Secret-Token")
		if subtle.ConstantTimeCompare([]byte(got), []byte(b.secret)) != 1 {
			b.log.Warn("telegram: webhook request with a wrong secret token refused", "remote", r.RemoteAddr)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		body, err := webhook.ReadBody(w, r, maxUpdateBytes)
		if errors.Is(err, webhook.ErrTooLarge) {
			b.log.Warn("telegram: webhook update too large", "remote", r.RemoteAddr, "err", err)
			http.Error(w, "update too large", http.StatusRequestEntityTooLarge)
			return
		}
		if errors.Is(err, webhook.ErrBusy) {
			// Telegram sends it again later.
			b.log.Warn("telegram: webhook update refused, too many large bodies at once", "remote", r.RemoteAddr)
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		var u models.Update
		if err == nil {
			err = json.Unmarshal(body, &u)
		}
		if err == nil && u.ID <= 0 {
			// Telegram numbers every update from 1; an update without its
			// id would be handled as update 0, its event id shared with
			// every other such update, and the cursor moved back.
			err = errors.New("no update_id")
		}
		if err != nil {
			b.log.Warn("telegram: unreadable webhook update", "remote", r.RemoteAddr, "err", err)
			http.Error(w, "bad update", http.StatusBadRequest)
			return
		}
		handled, err := b.take(r.Context(), &u)
		if err != nil {
			b.log.Info("telegram: webhook update refused", "update_id", u.ID, "err", err)
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
			return
		}
		select {
		case <-handled:
			w.WriteHeader(http.StatusOK)
		case <-r.Context().Done():
		}
	})
}
