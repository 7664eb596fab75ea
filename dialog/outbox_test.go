package dialog

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
)

// flush commits the marks of messages that only read, which otherwise
// ride on the next commit.
func (h *harness) flush() {
	h.tb.Helper()
	if err := h.store.Flush(context.Background()); err != nil {
		h.tb.Fatalf("flush: %v", err)
	}
}

// outboxHarness is a harness whose engine keeps replies in the outbox and
// whose ledger counts its commits and keeps queued marks for an hour, so
// that only a write, Flush or Close commits them.
type outboxHarness struct {
	*harness
	commits atomic.Int64
	crashes int
}

func mustOpenOutbox(t *testing.T) *outboxHarness {
	t.Helper()
	h := &outboxHarness{harness: mustOpenHarness(t, nil, "ko")}
	h.close()
	h.openOutbox()
	return h
}

// openOutbox opens h.path with the outbox on.
func (h *outboxHarness) openOutbox() {
	h.tb.Helper()
	s, err := ledger.Open(h.path, &ledger.Options{NoSync: true, Key: testKey, MarkDelay: time.Hour,
		OnCommit: func(time.Duration, error) { h.commits.Add(1) }})
	if err != nil {
		h.tb.Fatalf("open ledger: %v", err)
	}
	cfg := h.cfg
	cfg.Store, cfg.Outbox = s, true
	e, err := New(cfg)
	if err != nil {
		h.tb.Fatalf("new engine: %v", err)
	}
	h.store, h.eng = s, e
}

// crash stops the process without a goodbye: the next run opens the file
// as it was committed at this moment (a copy), without the marks still
// queued and without the Sent not yet committed.
func (h *outboxHarness) crash() {
	h.tb.Helper()
	h.crashes++
	path := fmt.Sprintf("%s.crash%d", h.path, h.crashes)
	f, err := os.Create(path)
	if err != nil {
		h.tb.Fatal(err)
	}
	if _, err := h.store.Backup(context.Background(), f); err != nil {
		h.tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		h.tb.Fatal(err)
	}
	h.close() // the old file is left behind, as a crash leaves it
	h.path = path
	h.openOutbox()
}

// at sends m as event id.
func (h *outboxHarness) at(id string, m Message) []Reply {
	h.tb.Helper()
	m.EventID = id
	return h.send(m)
}

// delivered reports rs sent, as a sender does once the platform took them.
func (h *outboxHarness) delivered(rs []Reply) {
	h.tb.Helper()
	ids := make([]string, 0, len(rs))
	for _, r := range rs {
		ids = append(ids, r.OutboxID)
	}
	if err := h.eng.Delivered(context.Background(), ids...); err != nil {
		h.tb.Fatalf("delivered: %v", err)
	}
}

// linkAndRate links 김민지 and takes her through a 2-star feedback, each
// reply delivered, up to the comment, which is sent as event "fb-done" and
// whose replies (the thanks and the staff alert) are returned undelivered.
func (h *outboxHarness) linkAndRate(t *testing.T) []Reply {
	t.Helper()
	seed(h.harness)
	for i, s := range linkMinji(h.harness) {
		h.delivered(h.at(fmt.Sprintf("link-%d", i), s.msg))
	}
	h.delivered(h.at("fb-1", custMsg("피드백")))
	h.delivered(h.at("fb-2", press(custMsg(""), "rate:2")))
	h.delivered(h.at("fb-3", press(custMsg(""), "nps:3")))
	done := h.at("fb-done", custMsg("너무 오래 기다렸어요"))
	if len(done) != 2 || !slices.ContainsFunc(done, func(r Reply) bool { return r.To == ToStaffChannel }) {
		t.Fatalf("the last answer is not a thanks and an alert: %+v", done)
	}
	for _, r := range done {
		if r.OutboxID == "" {
			t.Fatalf("a reply of an effect without an outbox id: %+v", r)
		}
	}
	return done
}

// texts are the replies' texts, in order.
func texts(rs []Reply) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Text
	}
	return out
}

// TestReadRidesOnNextCommit: a points check and a /help commit nothing of
// their own; their event ids and cursor land with the next write.
func TestReadRidesOnNextCommit(t *testing.T) {
	h := mustOpenOutbox(t)
	h.linkAndRate(t)
	before := h.commits.Load()
	points := custMsg("/points")
	points.CursorName, points.CursorValue = "telegram", 9
	if rs := h.at("read-1", points); !strings.Contains(allText(rs), "김민지") || rs[0].OutboxID != "" {
		t.Errorf("points check: %+v", rs)
	}
	if rs := h.at("read-2", custMsg("/help")); len(rs) == 0 || rs[0].OutboxID != "" {
		t.Errorf("help: %+v", rs)
	}
	if got := h.commits.Load() - before; got != 0 {
		t.Errorf("two reads made %d commits", got)
	}
	if rs := h.at("read-1", points); len(rs) != 0 {
		t.Errorf("a re-delivered read, its marks queued, answered again: %q", texts(rs))
	}
	h.at("write-1", staffMsg("/note 010-1234-5678 커트"))
	if got := h.commits.Load() - before; got != 1 {
		t.Errorf("two reads and a write made %d commits, want 1", got)
	}
	h.crash() // only what was committed survives
	h.view(func(tx *ledger.Tx) error {
		for _, ev := range []string{"read-1", "read-2", "write-1"} {
			if seen, _ := tx.SeenEvent(ev); !seen {
				t.Errorf("%s not committed with the write", ev)
			}
		}
		if v, _ := tx.Cursor("telegram"); v != 9 {
			t.Errorf("cursor %d, want 9", v)
		}
		return nil
	})
}

// TestCrashRepeatsOnlyReads: after a crash before the marks of a read and
// the Sent of an effect's replies committed, the read is answered again
// and the effect is not made again; its replies, never reported sent, come
// back instead of nothing.
func TestCrashRepeatsOnlyReads(t *testing.T) {
	h := mustOpenOutbox(t)
	done := h.linkAndRate(t)
	points := h.at("read-1", custMsg("/points"))
	h.delivered(done) // sent, but the crash comes before that is committed
	h.crash()

	if again := h.at("read-1", custMsg("/points")); !slices.Equal(texts(again), texts(points)) {
		t.Errorf("the read answered %q after the crash, first %q", texts(again), texts(points))
	}
	again := h.at("fb-done", custMsg("너무 오래 기다렸어요"))
	if !slices.Equal(texts(again), texts(done)) {
		t.Errorf("re-delivered effect: %q, want its unsent replies %q", texts(again), texts(done))
	}
	for i := range again {
		if again[i].OutboxID != done[i].OutboxID || again[i].To != done[i].To {
			t.Errorf("reply %d: %+v, want %+v", i, again[i], done[i])
		}
	}
	if fs := h.allFeedback(); len(fs) != 1 {
		t.Errorf("feedback made %d times", len(fs))
	}
	h.delivered(again)
	h.flush()
	if rs := h.at("fb-done", custMsg("너무 오래 기다렸어요")); len(rs) != 0 {
		t.Errorf("re-delivered once its replies were sent: %q", texts(rs))
	}
}

// TestOutboxFailingSender stops between the commit and the send (the
// sender fails, then the process dies), restarts, and delivers every
// reply once the sender works: the thanks to the customer's chat and the
// alert to the staff channel, each once, and none again after the next
// restart.
func TestOutboxFailingSender(t *testing.T) {
	h := mustOpenOutbox(t)
	done := h.linkAndRate(t) // the sender fails: nothing reported
	if got := h.eng.Pending(); got != 2 {
		t.Errorf("pending %d, want 2", got)
	}
	h.crash()
	if got := h.eng.Pending(); got != 2 {
		t.Errorf("pending %d after the restart, want 2", got)
	}
	ctx := context.Background()
	var sent []Outgoing
	for page := ""; ; {
		out, err := h.eng.Unsent(ctx, page, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(out) == 0 {
			break
		}
		// The sender works now: it sends, then reports.
		sent = append(sent, out...)
		if err := h.eng.Delivered(ctx, out[0].Reply.OutboxID); err != nil {
			t.Fatal(err)
		}
		page = out[len(out)-1].Reply.OutboxID
	}
	if len(sent) != len(done) {
		t.Fatalf("sent %d after the restart, want %d: %+v", len(sent), len(done), sent)
	}
	for i, o := range sent {
		if o.Reply.Text != done[i].Text || o.Reply.To != done[i].To || o.Reply.OutboxID != done[i].OutboxID {
			t.Errorf("sent %d: %+v, want %+v", i, o.Reply, done[i])
		}
		if o.Channel != "telegram" || o.ConversationID != custTG || o.UserID != custTG {
			t.Errorf("sent %d to %s/%s (user %s)", i, o.Channel, o.ConversationID, o.UserID)
		}
	}
	if got := h.eng.Pending(); got != 0 {
		t.Errorf("pending %d once delivered", got)
	}
	h.close() // a clean stop commits the Sent
	h.openOutbox()
	if out, err := h.eng.Unsent(ctx, "", 0); err != nil || len(out) != 0 {
		t.Errorf("after the next restart: %v %+v", err, out)
	}
}

// TestOutboxOff: without Config.Outbox replies carry no outbox id and
// nothing waits.
func TestOutboxOff(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	seed(h)
	rs := h.send(staffMsg("/note 010-1234-5678 커트"))
	if len(rs) == 0 || rs[0].OutboxID != "" || h.eng.Pending() != 0 {
		t.Errorf("replies %+v, pending %d", rs, h.eng.Pending())
	}
	if err := h.eng.Delivered(context.Background(), ""); err != nil {
		t.Errorf("Delivered of nothing: %v", err)
	}
}
