package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/dangol/dangol/bots/relay/relaytest"
)

// TestConformanceHTTP runs the adapter contract's suite on the Bot in HTTP
// mode (the Events API and interactivity as signed requests to its own
// server, as Slack sends them) against the fake Slack: each user writes in
// their DM with dangol.
func TestConformanceHTTP(t *testing.T) {
	relaytest.Run(t, relaytest.Options{Channel: Channel}, func(t *testing.T, e *relaytest.Engine) relaytest.Platform {
		p, b := newSLPlatform(t, e, func(c *Config) { c.SigningSecret = testSecret })
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		base := "http://" + ln.Addr().String()
		// Each user's requests one after another, as Slack waits for an
		// answer; Say returns at once.
		var users relaytest.Serial
		t.Cleanup(users.Close)
		p.post = func(t *testing.T, d slDelivery, retry int) {
			users.Go(d.user, func() {
				if err := postHTTP(base, d, retry); err != nil {
					t.Error(err)
				}
			})
		}
		// serveHTTP is Run's HTTP mode without the token check, which the
		// fake would answer anyway.
		p.stop = relaytest.Start(t, func(ctx context.Context) error { return b.serveHTTP(ctx, ln) })
		return p
	})
}

// postHTTP sends d to the Bot's server as Slack does: an event callback as
// JSON to /slack/events (with X-Slack-Retry-Num on a retry), an
// interaction as a form's payload to /slack/interactivity, each signed at
// testNow; Slack expects a 200.
func postHTTP(base string, d slDelivery, retry int) error {
	js, err := json.Marshal(d.payload)
	if err != nil {
		return err
	}
	path, ctype, body := "/slack/events", "application/json", js
	if d.typ == "interactive" {
		path, ctype, body = "/slack/interactivity", formType, []byte(url.Values{"payload": {string(js)}}.Encode())
	}
	req, err := http.NewRequest(http.MethodPost, base+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(testNow.Unix(), 10))
	req.Header.Set("X-Slack-Signature", sign(testSecret, testNow.Unix(), body))
	if retry > 0 {
		req.Header.Set("X-Slack-Retry-Num", strconv.Itoa(retry))
		req.Header.Set("X-Slack-Retry-Reason", "http_timeout")
	}
	resp, err := (&http.Client{Timeout: relaytest.Wait}).Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %d", path, resp.StatusCode)
	}
	return nil
}
