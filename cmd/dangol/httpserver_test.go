package main

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/bots/slack"
	"github.com/dangol/dangol/bots/webhook"
	"github.com/dangol/dangol/bots/webhook/webhooktest"
	"github.com/dangol/dangol/dialog"
)

type noEngine struct{}

func (noEngine) Handle(context.Context, dialog.Message) ([]dialog.Reply, error) { return nil, nil }

// TestSharedServerSlowClient runs the shared server with a short read
// timeout: a body trickled behind Slack's headers is cut off, and the
// server answers other requests meanwhile and after.
func TestSharedServerSlowClient(t *testing.T) {
	sl, err := slack.New(slack.Config{BotToken: "xoxb-test", SigningSecret: "secret", Handler: noEngine{}, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	addr, stop := sharedServer(t, sl, webhook.Limits{ReadTimeout: 200 * time.Millisecond, WriteTimeout: time.Second, IdleTimeout: time.Second, MaxConns: 4})
	defer stop()

	slow := make(chan string, 1)
	go func() {
		hdr := http.Header{"X-Slack-Request-Timestamp": {strconv.FormatInt(time.Now().Unix(), 10)}, "X-Slack-Signature": {"v0=00"}}
		status, err := webhooktest.Trickle(addr, "/slack/commands", hdr, 10*time.Millisecond)
		if err != nil {
			status = err.Error()
		}
		slow <- status
	}()
	ping(t, addr)
	if status := <-slow; status != "" && !strings.Contains(status, " 400 ") {
		t.Errorf("the trickled request got %q, want a 400 or a closed connection", status)
	}
	ping(t, addr)
}

// sharedServer runs the shared server under l with Slack's handler and
// /ping (Telegram's stand-in) until stop, which checks Run's error.
func sharedServer(t *testing.T, sl *slack.Bot, l webhook.Limits) (addr string, stop func()) {
	t.Helper()
	bound := make(chan string, 1)
	pong := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("pong")) })
	s := &httpServer{
		addr: "127.0.0.1:0",
		listen: func(network, addr string) (net.Listener, error) {
			ln, err := net.Listen(network, addr)
			if err == nil {
				bound <- ln.Addr().String()
			}
			return ln, err
		},
		routes: map[string]http.Handler{"/slack/": sl.HTTPHandler(), "/ping": pong},
		slack:  sl,
		logger: slog.New(slog.DiscardHandler),
		limits: l,
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	return <-bound, func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}
}

// ping asks for /ping on a connection of its own, within waitTimeout.
func ping(t *testing.T, addr string) {
	t.Helper()
	client := &http.Client{Timeout: waitTimeout, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Get("http://" + addr + "/ping")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("ping answered %d", resp.StatusCode)
	}
}

// TestSharedServerPlatformsApart floods Slack's paths on the shared server
// with as many trickled bodies behind forged signatures as it has
// connections (the body must be read before the signature tells): Slack's
// share is held, the rest refused 503 at once, and Telegram's path (its
// stand-in /ping) is answered while Slack's share is still held. One cap
// for both let 3,000 such clients keep a Telegram update waiting 18.9 s
// (tester X1).
func TestSharedServerPlatformsApart(t *testing.T) {
	sl, err := slack.New(slack.Config{BotToken: "xoxb-test", SigningSecret: "secret", Handler: noEngine{}, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	const maxConns, share = 6, 2
	// A read timeout far beyond the test: only Slack's own wait for a body
	// (2 s) ends the trickles.
	addr, stop := sharedServer(t, sl, webhook.Limits{ReadTimeout: time.Minute, WriteTimeout: time.Minute, IdleTimeout: time.Minute, MaxConns: maxConns, Requests: share})
	defer stop()
	statuses := make(chan string, maxConns)
	for range maxConns {
		go func() {
			hdr := http.Header{"X-Slack-Request-Timestamp": {strconv.FormatInt(time.Now().Unix(), 10)}, "X-Slack-Signature": {"v0=" + strings.Repeat("0", 64)}}
			status, err := webhooktest.Trickle(addr, "/slack/events", hdr, 10*time.Millisecond)
			if err != nil {
				status = err.Error()
			}
			statuses <- status
		}()
	}
	deadline := time.After(waitTimeout)
	for range maxConns - share {
		select {
		case status := <-statuses:
			// Refused: answered 503, or the answer lost to the reset of
			// a connection closed with the trickle's bytes unread.
			if status != "" && !strings.Contains(status, " 503 ") {
				t.Fatalf("a trickle ended with %q before Telegram's path was tried, want the ones beyond Slack's share refused 503", status)
			}
		case <-deadline:
			t.Fatalf("the trickles beyond Slack's share of %d were not refused", share)
		}
	}
	ping(t, addr)
	if n := len(statuses); n > 0 {
		t.Errorf("Telegram's path was answered only once %d trickles in Slack's share had ended", n)
	}
	for range share {
		<-statuses
	}
}
