package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dangol/dangol/bots/relay"
	"github.com/dangol/dangol/dialog"
	"github.com/dangol/dangol/internal/testdamage"
	"github.com/dangol/dangol/ledger"
)

// outboxRig is an engine with the outbox on over a ledger in a temporary
// directory, and a Router whose one Sender fails while fail is set.
type outboxRig struct {
	t      *testing.T
	path   string
	store  *ledger.Store
	engine *dialog.Engine
	router *relay.Router

	mu   sync.Mutex
	fail error
	got  []dialog.Reply // accepted by the platform, in order
	to   []relay.Address
}

func newOutboxRig(t *testing.T) *outboxRig {
	r := &outboxRig{t: t, path: filepath.Join(t.TempDir(), "dangol.db")}
	r.open()
	t.Cleanup(func() { r.store.Close() })
	err := r.store.Update(context.Background(), func(tx *ledger.Tx) error {
		return tx.CreateCustomer(&ledger.Customer{Name: "김민지", Phone: "01012345678", CreatedAt: adminNow})
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// open opens the ledger and a new engine and router, as a start does.
func (r *outboxRig) open() {
	r.t.Helper()
	s, err := ledger.Open(r.path, testLedgerOptions(r.t, r.path))
	if err != nil {
		r.t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	e, err := dialog.New(dialog.Config{Store: s, Catalog: testCatalog, Logger: log, Outbox: true,
		Staff: []string{"slack:U1"}, Now: func() time.Time { return adminNow }})
	if err != nil {
		r.t.Fatal(err)
	}
	r.store, r.engine = s, e
	r.router = relay.NewRouter(relay.RouterConfig{Logger: log, Sent: outboxSent(e, log)})
	r.router.Register("slack", r)
}

// Send is the rig's platform.
func (r *outboxRig) Send(_ context.Context, to relay.Address, reply dialog.Reply) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return r.fail
	}
	r.got = append(r.got, reply)
	r.to = append(r.to, to)
	return nil
}

// note has staff member U1 record a note for 김민지 (registered by
// newOutboxRig), an effect, and returns its replies after the Router tried
// them.
func (r *outboxRig) note(event string) []dialog.Reply {
	r.t.Helper()
	ctx := context.Background()
	m := dialog.Message{Channel: "slack", UserID: "U1", UserName: "지수", ConversationID: "DU1",
		EventID: event, Private: true, Lang: "ko", Text: "/note 010-1234-5678 커트 상담"}
	rs, err := r.engine.Handle(ctx, m)
	if err != nil || len(rs) == 0 {
		r.t.Fatalf("Handle: %v %+v", err, rs)
	}
	r.router.Route(ctx, relay.Address{Channel: m.Channel, Conversation: m.ConversationID}, rs)
	return rs
}

func (r *outboxRig) resender() *resender {
	return &resender{engine: r.engine, send: r.router.Send, now: func() time.Time { return adminNow },
		every: time.Hour, logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

// TestOutboxWiring: a note's replies whose send failed wait in the outbox
// across a restart, and the resender delivers them once the platform works,
// each once; replies the Router delivered leave the outbox through its
// Sent hook.
func TestOutboxWiring(t *testing.T) {
	r := newOutboxRig(t)
	ctx := context.Background()
	r.note("ev-1")
	if got := r.engine.Pending(); got != 0 {
		t.Fatalf("a delivered reply still waits: pending %d", got)
	}
	r.fail = errors.New("slack down")
	lost := r.note("ev-2")
	if got := r.engine.Pending(); got != len(lost) {
		t.Fatalf("pending %d, want the %d replies not sent", got, len(lost))
	}
	if err := r.store.Close(); err != nil { // a stop: the failed replies stay
		t.Fatal(err)
	}
	r.open()
	r.fail = nil
	r.got, r.to = nil, nil
	sent, failed, err := r.resender().sweep(ctx, time.Time{})
	if err != nil || sent != len(lost) || failed != 0 {
		t.Fatalf("sweep: sent %d failed %d err %v", sent, failed, err)
	}
	for i, reply := range r.got {
		if reply.Text != lost[i].Text || r.to[i].Conversation != "DU1" || r.to[i].Channel != "slack" {
			t.Errorf("resent %d: %q to %+v, want %q to DU1", i, reply.Text, r.to[i], lost[i].Text)
		}
	}
	if !strings.Contains(r.got[0].Text, "김민지") {
		t.Errorf("resent %q", r.got[0].Text)
	}
	if got := r.engine.Pending(); got != 0 {
		t.Errorf("pending %d after the resend", got)
	}
	if sent, _, _ := r.resender().sweep(ctx, time.Time{}); sent != 0 {
		t.Errorf("a second sweep sent %d again", sent)
	}
}

// TestOutboxStaleOnly: a later sweep leaves replies younger than its cut
// (a send may still be in flight) and sends older ones.
func TestOutboxStaleOnly(t *testing.T) {
	r := newOutboxRig(t)
	r.fail = errors.New("slack down")
	lost := r.note("ev-1")
	r.fail = nil
	ctx := context.Background()
	if sent, _, err := r.resender().sweep(ctx, adminNow); err != nil || sent != 0 {
		t.Fatalf("young replies sent: %d %v", sent, err)
	}
	if sent, _, err := r.resender().sweep(ctx, adminNow.Add(time.Second)); err != nil || sent != len(lost) {
		t.Fatalf("stale replies: sent %d, want %d (%v)", sent, len(lost), err)
	}
}

// TestPacedHandler holds a message while the outbox is full and lets it
// through once a reply is delivered.
func TestPacedHandler(t *testing.T) {
	r := newOutboxRig(t)
	r.fail = errors.New("slack down")
	lost := r.note("ev-1")
	h := paced(r.engine, r.engine, len(lost), nil)
	m := dialog.Message{Channel: "slack", UserID: "U1", ConversationID: "DU1", EventID: "ev-2", Text: "/help", Lang: "ko"}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := h.Handle(cancelled, m); !errors.Is(err, context.Canceled) {
		t.Fatalf("a full outbox with a cancelled context: %v", err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := h.Handle(context.Background(), m)
		done <- err
	}()
	if err := r.engine.Delivered(context.Background(), lost[0].OutboxID); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("still held once a reply was delivered")
	}
}

// TestOutboxGiveUp: a reply nothing can carry, or one that still fails
// after outboxGiveUp, leaves the outbox (logged); a younger failure stays.
func TestOutboxGiveUp(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name  string
		after time.Duration // the resender's clock past the reply's writing
		route bool          // the platform is registered
		kept  bool
	}{
		{"Young", time.Hour, true, true},
		{"Old", outboxGiveUp, true, false},
		{"NoRoute", time.Second, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newOutboxRig(t)
			r.fail = errors.New("slack down")
			lost := r.note("ev-1")
			if !tt.route {
				r.router = relay.NewRouter(relay.RouterConfig{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			}
			rs := r.resender()
			rs.now = func() time.Time { return adminNow.Add(tt.after) }
			sent, failed, err := rs.sweep(ctx, adminNow.Add(tt.after))
			if err != nil || sent != 0 || failed != len(lost) {
				t.Fatalf("sweep: sent %d failed %d err %v", sent, failed, err)
			}
			if got := r.engine.Pending(); (got > 0) != tt.kept {
				t.Errorf("pending %d, kept want %v", got, tt.kept)
			}
		})
	}
}

// TestOutboxLeftoversSentOnce: after a restart the replies the last run
// left are the resender's alone: the answer to their message, re-delivered,
// leaves them out, and the resender sends each once.
func TestOutboxLeftoversSentOnce(t *testing.T) {
	ctx := context.Background()
	r := newOutboxRig(t)
	r.fail = errors.New("slack down")
	lost := r.note("ev-1")
	if err := r.store.Close(); err != nil {
		t.Fatal(err)
	}
	r.open()
	r.fail = nil
	left, err := readLeftovers(ctx, r.engine)
	if err != nil || len(left.ids) != len(lost) {
		t.Fatalf("leftovers: %d (%v), want %d", len(left.ids), err, len(lost))
	}
	redelivered := dialog.Message{Channel: "slack", UserID: "U1", UserName: "지수", ConversationID: "DU1",
		EventID: "ev-1", Private: true, Lang: "ko", Text: "/note 010-1234-5678 커트 상담"}
	if rs, err := paced(r.engine, r.engine, 0, left).Handle(ctx, redelivered); err != nil || len(rs) != 0 {
		t.Fatalf("the re-delivered message answered %d replies (%v), want none: the resender's", len(rs), err)
	}
	if rs, err := r.engine.Handle(ctx, redelivered); err != nil || len(rs) != len(lost) {
		t.Fatalf("the engine answers the re-delivered message with %d replies (%v), want its %d waiting", len(rs), err, len(lost))
	}
	res := r.resender()
	res.left = left
	if sent, _, err := res.sweep(ctx, time.Time{}); err != nil || sent != len(lost) {
		t.Fatalf("the resender sent %d (%v), want %d", sent, err, len(lost))
	}
	if len(r.got) != len(lost) || len(left.ids) != 0 {
		t.Errorf("the platform got %d replies, want %d; %d leftovers still kept", len(r.got), len(lost), len(left.ids))
	}
	// A new message's replies are its own, left in.
	if rs := r.note("ev-2"); len(left.others(rs)) != len(rs) {
		t.Errorf("a new message's replies were left out")
	}
}

// TestOutboxDamagedEntrySkipped: one damaged byte in a reply the last run
// left made reading the outbox fail, so serve could not start and none of
// the other waiting replies went. Now the damaged one is kept and logged by
// id, the others are sent, and the re-delivered message of the damaged one
// is answered with the rest of its replies.
func TestOutboxDamagedEntrySkipped(t *testing.T) {
	ctx := context.Background()
	r := newOutboxRig(t)
	r.fail = errors.New("slack down")
	first := r.note("ev-1")
	second := r.note("ev-2")
	if err := r.store.Close(); err != nil {
		t.Fatal(err)
	}
	testdamage.Flip(t, r.path, "outbox", 0, -1) // ev-1's first reply
	r.open()
	r.fail = nil
	left, err := readLeftovers(ctx, r.engine)
	if err != nil {
		t.Fatalf("reading the leftovers failed: %v", err)
	}
	want := len(first) - 1 + len(second)
	if len(left.ids) != want {
		t.Fatalf("leftovers: %d, want %d (all but the damaged one)", len(left.ids), want)
	}
	res := r.resender()
	res.left = left
	if sent, _, err := res.sweep(ctx, time.Time{}); err != nil || sent != want {
		t.Fatalf("the resender sent %d (%v), want %d", sent, err, want)
	}
	redelivered := dialog.Message{Channel: "slack", UserID: "U1", UserName: "지수", ConversationID: "DU1",
		EventID: "ev-1", Private: true, Lang: "ko", Text: "/note 010-1234-5678 커트 상담"}
	if _, err := r.engine.Handle(ctx, redelivered); err != nil {
		t.Errorf("the re-delivered message of the damaged reply failed: %v", err)
	}
}
