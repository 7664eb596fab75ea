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
	mux := http.NewServeMux()
	mux.Handle("/slack/", sl.HTTPHandler())
	mux.HandleFunc("/ping", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("pong")) })
	bound := make(chan string, 1)
	s := &httpServer{
		addr: "127.0.0.1:0",
		listen: func(network, addr string) (net.Listener, error) {
			ln, err := net.Listen(network, addr)
			if err == nil {
				bound <- ln.Addr().String()
			}
			return ln, err
		},
		handler: mux,
		slack:   sl,
		logger:  slog.New(slog.DiscardHandler),
		limits:  webhook.Limits{ReadTimeout: 200 * time.Millisecond, WriteTimeout: time.Second, IdleTimeout: time.Second, MaxConns: 4},
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	addr := <-bound

	slow := make(chan string, 1)
	go func() {
		hdr := http.Header{"X-Slack-Request-Timestamp": {strconv.FormatInt(time.Now().Unix(), 10)}, "X-Slack-Signature": {"v0=00"}}
		status, err := webhooktest.Trickle(addr, "/slack/commands", hdr, 10*time.Millisecond)
		if err != nil {
			status = err.Error()
		}
		slow <- status
	}()
	ping := func() {
		t.Helper()
		resp, err := http.Get("http://" + addr + "/ping")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("ping answered %d", resp.StatusCode)
		}
	}
	ping()
	if status := <-slow; status != "" && !strings.Contains(status, " 400 ") {
		t.Errorf("the trickled request got %q, want a 400 or a closed connection", status)
	}
	ping()
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
}
