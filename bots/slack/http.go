package slack

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/dangol/dangol/bots/webhook"
)

// maxRequestBody bounds what one Slack request may carry; a modal with a
// long note is a few kilobytes.
const maxRequestBody = 1 << 20

// signatureWindow is how old (or how far ahead) a request's timestamp may
// be: Slack's own rule against replays.
const signatureWindow = 5 * time.Minute

// httpLimits bound HTTP mode's server. Slack sends a request at once and
// gives up on the answer after 3 s, so a request still arriving after 5 s
// is not Slack's, and 15 s to answer is generous. The connection caps (all
// of them, and one address's), the idle timeout and the body budget are
// webhook.Default's: enough connections that slow clients do not keep
// Slack's own requests waiting, and the memory of their bodies bounded
// apart (cmd/dangol's TestBinary_SlowClients).
var httpLimits = webhook.Limits{ReadTimeout: 5 * time.Second, WriteTimeout: 15 * time.Second, IdleTimeout: webhook.Default.IdleTimeout, MaxConns: webhook.Default.MaxConns, PerIP: webhook.Default.PerIP}

// bodyWait is the longest a request's body may take to arrive once its
// headers have passed: Slack sends both at once and stops waiting for the
// answer after 3 s, so a body slower than this is a client holding the
// server with a signature it cannot have made, which is found out only
// once the body is in.
const bodyWait = 2 * time.Second

// Errors of request verification, answered with 401.
var (
	errBadSignature = errors.New("slack: request signature does not match")
	errStale        = errors.New("slack: request timestamp outside the 5-minute window")
)

// HTTPHandler serves Slack's HTTP mode: slash commands on /slack/commands,
// the Events API on /slack/events and interactivity (buttons, modals) on
// /slack/interactivity. Every request must carry a valid signature made
// with SigningSecret less than 5 minutes ago, else it is answered 401 and
// nothing reaches the engine. It answers within Slack's 3 seconds: events
// are queued and handled after the answer, except a modal submission, whose
// answer carries the inline errors.
func (b *Bot) HTTPHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /slack/commands", b.verified(b.serveCommand))
	mux.HandleFunc("POST /slack/events", b.verified(b.serveEvent))
	mux.HandleFunc("POST /slack/interactivity", b.verified(b.serveInteraction))
	return mux
}

// verified checks the signature headers, reads the body, checks the
// signature and restores the body for the form parsers. A request without
// the headers, or stamped outside the 5-minute window, is refused before a
// byte of its body is read: whoever sent it is not Slack, and reading up
// to a megabyte for each such request is what a flood would want. The
// body must then come within bodyWait (the server's read timeout when
// shorter), which is all a client with a forged signature can hold a slot.
func (b *Bot) verified(next func(w http.ResponseWriter, r *http.Request, body []byte)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if _, err := b.verifyHeaders(r.Header); err != nil {
			b.refuse(w, r, err)
			return
		}
		wait := bodyWait
		if t := b.limits.ReadTimeout; t > 0 {
			wait = min(wait, t)
		}
		// A handler served without a connection (a test's recorder) has
		// no deadline to set, and needs none.
		_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(wait))
		body, err := webhook.ReadBody(w, r, maxRequestBody)
		if err != nil {
			b.log.Warn("slack: request body not read", "path", r.URL.Path, "remote", r.RemoteAddr, "err", err)
			switch {
			case errors.Is(err, webhook.ErrTooLarge):
				http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
			case errors.Is(err, webhook.ErrBusy):
				http.Error(w, "busy", http.StatusServiceUnavailable)
			default:
				http.Error(w, "request body not read", http.StatusBadRequest)
			}
			return
		}
		if err := b.verify(r.Header, body); err != nil {
			b.refuse(w, r, err)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next(w, r, body)
	}
}

func (b *Bot) refuse(w http.ResponseWriter, r *http.Request, err error) {
	b.log.Warn("slack: refused request", "path", r.URL.Path, "remote", r.RemoteAddr, "err", err)
	http.Error(w, "unauthorized", http.StatusUnauthorized)
}

// verify checks Slack's v0 signature: HMAC-SHA256 of "v0:timestamp:body"
// with the signing secret, and a timestamp within 5 minutes of Now. It does
// what slack.NewSecretsVerifier does, but against the injected clock: the
// library reads the wall clock, which would make the window untestable.
func (b *Bot) verify(h http.Header, body []byte) error {
	ts, err := b.verifyHeaders(h)
	if err != nil {
		return err
	}
	got, err := hex.DecodeString(signatureHex(h.Get("X-Slack-Signature")))
	if err != nil {
		return fmt.Errorf("%w: not hex", errBadSignature)
	}
	mac := hmac.New(sha256.New, []byte(b.cfg.SigningSecret))
	mac.Write([]byte("v0:" + ts + ":"))
	mac.Write(body)
	if !hmac.Equal(got, mac.Sum(nil)) {
		return errBadSignature
	}
	return nil
}

// verifyHeaders checks what can be checked before the body is read: a
// secret to check against, both signature headers, and a timestamp within
// 5 minutes of Now. It returns the timestamp as sent.
func (b *Bot) verifyHeaders(h http.Header) (string, error) {
	if b.cfg.SigningSecret == "" {
		return "", fmt.Errorf("%w: no signing secret configured", errBadSignature)
	}
	ts := h.Get("X-Slack-Request-Timestamp")
	if ts == "" || h.Get("X-Slack-Signature") == "" {
		return "", fmt.Errorf("%w: headers missing", errBadSignature)
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return "", fmt.Errorf("%w: timestamp %q", errBadSignature, ts)
	}
	if d := b.now().Sub(time.Unix(sec, 0)); d > signatureWindow || d < -signatureWindow {
		return "", fmt.Errorf("%w: %s off", errStale, d.Round(time.Second))
	}
	return ts, nil
}

// signatureHex strips the "v0=" version prefix; another version never matches.
func signatureHex(sig string) string {
	if len(sig) > 3 && sig[:3] == "v0=" {
		return sig[3:]
	}
	return ""
}

func (b *Bot) serveCommand(w http.ResponseWriter, r *http.Request, _ []byte) {
	c, err := slack.SlashCommandParse(r)
	if err != nil || c.UserID == "" || c.Command == "" {
		http.Error(w, "bad slash command", http.StatusBadRequest)
		return
	}
	j := b.commandJob(c)
	if j.msg.EventID == "" {
		// Neither trigger_id nor response_url: the verified signature is
		// then the request's id. It is the same only for the same body at
		// the same timestamp, that is a replay of this very request.
		if sig := signatureHex(r.Header.Get("X-Slack-Signature")); len(sig) >= 32 {
			j.msg.EventID = "slack:cmd:sig:" + sig[:32]
		}
	}
	if err := b.acceptAndWait(r.Context(), j); err != nil {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	// An empty 200 says "received" and shows nothing; the answer follows
	// through the response_url.
	w.WriteHeader(http.StatusOK)
}

func (b *Bot) serveEvent(w http.ResponseWriter, r *http.Request, body []byte) {
	ev, err := slackevents.ParseEvent(json.RawMessage(body), slackevents.OptionNoVerifyToken())
	if err != nil {
		// Signed by Slack but not understood (an event type we did not ask
		// for): a retry would not help.
		b.log.Debug("slack: unparsed event", "err", err)
		w.WriteHeader(http.StatusOK)
		return
	}
	switch ev.Type {
	case slackevents.URLVerification:
		v, _ := ev.Data.(*slackevents.EventsAPIURLVerificationEvent)
		if v == nil {
			http.Error(w, "bad challenge", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, v.Challenge)
		return
	case slackevents.CallbackEvent:
		cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent)
		if !ok {
			w.WriteHeader(http.StatusOK)
			return
		}
		if n := r.Header.Get("X-Slack-Retry-Num"); n != "" {
			b.log.Info("slack: event retried by Slack", "event", cb.EventID, "retry", n, "reason", r.Header.Get("X-Slack-Retry-Reason"))
		}
		if j, ok := b.eventJob(ev); ok {
			if err := b.acceptAndWait(r.Context(), j); err != nil {
				http.Error(w, "shutting down", http.StatusServiceUnavailable)
				return
			}
		}
	}
	w.WriteHeader(http.StatusOK)
}

func (b *Bot) serveInteraction(w http.ResponseWriter, r *http.Request, _ []byte) {
	ic, err := slack.InteractionCallbackParse(r)
	if err != nil {
		http.Error(w, "bad interaction payload", http.StatusBadRequest)
		return
	}
	switch ic.Type {
	case slack.InteractionTypeBlockActions:
		if j, ok := b.actionJob(ic); ok {
			if err := b.acceptAndWait(r.Context(), j); err != nil {
				http.Error(w, "shutting down", http.StatusServiceUnavailable)
				return
			}
		}
	case slack.InteractionTypeViewSubmission:
		resp, err := b.submit(r.Context(), ic)
		if err != nil {
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
			return
		}
		if resp != nil {
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(resp)
			return
		}
	}
	// An empty 200 acknowledges a click and closes a submitted modal.
	w.WriteHeader(http.StatusOK)
}

// acceptAndWait queues a job for an HTTP request and waits for it: Slack
// takes the 200 as "received" and does not send the event again after it,
// so the request is answered once the engine has committed the job's
// effect (or, for a slow engine, when Slack's 3 s are nearly up: the work
// goes on). A crash then cannot lose an event Slack was told had arrived.
func (b *Bot) acceptAndWait(ctx context.Context, j job) error {
	done, err := b.accept(ctx, j)
	if err != nil {
		return err
	}
	b.waitCommitted(done, j.msg.EventID)
	return nil
}

// accept queues a job in its conversation's turn and returns a channel
// closed once the engine has handled it. A repeat of an event taken
// recently (Slack's retry or redelivery) is not queued again: its channel
// is the first copy's.
func (b *Bot) accept(ctx context.Context, j job) (<-chan struct{}, error) {
	t, err := b.relay.Submit(ctx, b.event(j))
	if err != nil {
		return nil, err
	}
	if t.Duplicate {
		b.log.Info("slack: redelivered event skipped", "event", j.msg.EventID)
	}
	return t.Handled, nil
}

// waitCommitted waits for done, at most submitWait: Slack's 3 s less a
// margin.
func (b *Bot) waitCommitted(done <-chan struct{}, eventID string) {
	select {
	case <-done:
	case <-time.After(b.submitWait):
		b.log.Warn("slack: acknowledged before the engine was done", "event", eventID)
	}
}

// submit hands a modal submission to the engine through its conversation's
// queue and waits, at most submitWait, for what the modal must show. A nil
// answer closes the modal; the replies are then posted as messages. A
// submission taken already (Slack's retry) closes the modal: the first
// copy's answer went to the first request.
func (b *Bot) submit(ctx context.Context, ic slack.InteractionCallback) (*slack.ViewSubmissionResponse, error) {
	j := b.submissionJob(ic)
	j.answer = newHandoff()
	j.deadline = time.Now().Add(b.submitWait)
	t, err := b.relay.Submit(ctx, b.event(j))
	if err != nil || t.Duplicate {
		return nil, err
	}
	resp, ok := j.answer.wait(j.deadline)
	if !ok {
		b.log.Warn("slack: modal answer late; closing it and posting the replies", "event", j.msg.EventID)
	}
	return resp, nil
}

// serveHTTP runs the HTTP mode server on ln until ctx is done, then stops
// taking requests and drains the queued work.
func (b *Bot) serveHTTP(ctx context.Context, ln net.Listener) error {
	srv, ln := b.limits.Server(ctx, b.HTTPHandler(), ln)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	b.log.Info("slack: HTTP mode listening", "addr", ln.Addr().String())
	var serveErr error
	select {
	case serveErr = <-errc:
	case <-ctx.Done():
	}
	shutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		b.log.Warn("slack: HTTP shutdown", "err", err)
	}
	drainErr := b.Close(shutCtx)
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return fmt.Errorf("slack: serve HTTP: %w", serveErr)
	}
	return drainErr
}
