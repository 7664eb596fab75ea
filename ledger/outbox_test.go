package ledger

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// addOutbox writes payloads for event ev in one transaction and returns
// their ids.
func addOutbox(t *testing.T, s *Store, ev string, at time.Time, payloads ...string) []string {
	t.Helper()
	var ids []string
	mustUpdate(t, s, func(tx *Tx) error {
		ids = ids[:0]
		for _, p := range payloads {
			id, err := tx.AddOutbox(ev, at, []byte(p))
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return tx.MarkEvent(ev, at)
	})
	return ids
}

// outboxPayloads lists what waits, oldest first.
func outboxPayloads(t *testing.T, s *Store) []string {
	t.Helper()
	var out []string
	mustView(t, s, func(tx *Tx) error {
		es, err := tx.Outbox("", 0)
		for _, e := range es {
			out = append(out, string(e.Payload))
		}
		return err
	})
	return out
}

func TestOutbox(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "dangol.db")
	s, err := Open(path, &Options{Key: testKey, MarkDelay: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { s.Close() }()
	ctx := context.Background()
	thanks := addOutbox(t, s, "tg:1", t0, "감사합니다, 김민지 고객님", "낮은 평점 알림: 김민지 010-1234-5678")
	other := addOutbox(t, s, "tg:2", t0.Add(time.Second), "적립 완료")
	if got := s.OutboxPending(); got != 3 {
		t.Errorf("pending %d, want 3", got)
	}

	t.Run("OfEvent", func(t *testing.T) {
		mustView(t, s, func(tx *Tx) error {
			es, err := tx.OutboxOf("tg:1")
			if err != nil {
				return err
			}
			if len(es) != 2 || es[0].ID != thanks[0] || es[1].ID != thanks[1] || string(es[1].Payload) != "낮은 평점 알림: 김민지 010-1234-5678" || !es[0].At.Equal(t0) {
				t.Errorf("OutboxOf: %+v", es)
			}
			if es, _ := tx.OutboxOf("tg:3"); len(es) != 0 {
				t.Errorf("an event without replies: %+v", es)
			}
			return nil
		})
	})
	t.Run("Paged", func(t *testing.T) {
		mustView(t, s, func(tx *Tx) error {
			first, err := tx.Outbox("", 2)
			if err != nil || len(first) != 2 {
				t.Fatalf("first page: %v %+v", err, first)
			}
			rest, err := tx.Outbox(first[1].ID, 2)
			if err != nil || len(rest) != 1 || rest[0].ID != other[0] {
				t.Errorf("second page: %v %+v", err, rest)
			}
			if _, err := tx.Outbox("nope", 1); !errors.Is(err, ErrInvalid) {
				t.Errorf("bad id: %v", err)
			}
			return nil
		})
	})
	t.Run("Sealed", func(t *testing.T) {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range []string{"김민지", "010-1234-5678", "적립 완료"} {
			if bytes.Contains(raw, []byte(v)) {
				t.Errorf("%q in the clear in the file", v)
			}
		}
	})
	t.Run("Sent", func(t *testing.T) {
		if err := s.Sent(ctx, thanks[0], "bad"); !errors.Is(err, ErrInvalid) {
			t.Fatalf("a malformed id: %v", err)
		}
		if err := s.Sent(ctx, thanks[0], thanks[0]); err != nil {
			t.Fatal(err)
		}
		if got := s.OutboxPending(); got != 2 {
			t.Errorf("pending %d after one sent, want 2", got)
		}
		if got := outboxPayloads(t, s); len(got) != 2 {
			t.Errorf("a sent entry still listed: %q", got)
		}
		mustView(t, s, func(tx *Tx) error {
			if n := tx.bucket(bucketOutbox).Stats().KeyN; n != 3 {
				t.Errorf("%d entries in the file before the commit, want 3", n)
			}
			return nil
		})
		if err := s.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		mustView(t, s, func(tx *Tx) error {
			es, _ := tx.OutboxOf("tg:1")
			if len(es) != 1 || es[0].ID != thanks[1] {
				t.Errorf("after Sent: %+v", es)
			}
			return nil
		})
		if got := s.OutboxPending(); got != 2 {
			t.Errorf("pending %d after the commit, want 2", got)
		}
	})
	t.Run("Reopened", func(t *testing.T) {
		if err := s.Sent(ctx, other[0]); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil { // commits the queued Sent
			t.Fatal(err)
		}
		if s, err = Open(path, &Options{Key: testKey}); err != nil {
			t.Fatal(err)
		}
		if got := s.OutboxPending(); got != 1 {
			t.Errorf("pending %d after a restart, want 1", got)
		}
		if got := outboxPayloads(t, s); len(got) != 1 || got[0] != "낮은 평점 알림: 김민지 010-1234-5678" {
			t.Errorf("after a restart: %q", got)
		}
	})
	t.Run("Prune", func(t *testing.T) {
		var n int
		mustUpdate(t, s, func(tx *Tx) error {
			var err error
			n, err = tx.PruneOutbox(t0.Add(time.Hour))
			return err
		})
		if n != 1 || s.OutboxPending() != 0 || len(outboxPayloads(t, s)) != 0 {
			t.Errorf("pruned %d, pending %d", n, s.OutboxPending())
		}
		mustView(t, s, func(tx *Tx) error {
			if es, _ := tx.OutboxOf("tg:1"); len(es) != 0 {
				t.Errorf("index left after prune: %+v", es)
			}
			return nil
		})
	})
}

// TestOutboxRolledBack: entries of a writer that fails are not written and
// not counted; those of the writers it was grouped with are.
func TestOutboxRolledBack(t *testing.T) {
	s := MustOpen(t)
	refused := errors.New("refused")
	err := s.Update(context.Background(), func(tx *Tx) error {
		if _, err := tx.AddOutbox("ev1", t0, []byte("x")); err != nil {
			return err
		}
		return refused
	})
	if !errors.Is(err, refused) {
		t.Fatal(err)
	}
	if got := s.OutboxPending(); got != 0 || len(outboxPayloads(t, s)) != 0 {
		t.Errorf("a refused writer's reply kept: pending %d", got)
	}
	if _, err := (&Tx{}).AddOutbox("ev", t0, nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("empty payload: %v", err)
	}
}

// TestWaitOutbox holds intake while the outbox is at its limit and lets it
// go once a reply is reported sent.
func TestWaitOutbox(t *testing.T) {
	s := MustOpen(t)
	ctx := context.Background()
	ids := addOutbox(t, s, "ev1", t0, "a", "b")
	if err := s.WaitOutbox(ctx, 3); err != nil {
		t.Fatalf("below the limit: %v", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.WaitOutbox(cancelled, 2); !errors.Is(err, context.Canceled) {
		t.Fatalf("at the limit with a cancelled context: %v", err)
	}
	released := make(chan error, 1)
	go func() { released <- s.WaitOutbox(ctx, 2) }()
	select {
	case err := <-released:
		t.Fatalf("returned at the limit: %v", err)
	default:
	}
	if err := s.Sent(ctx, ids[0]); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-released:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("still waiting once a reply was sent")
	}
}

// TestOutboxDamagedEntry: a damaged byte in one waiting reply lists it
// Damaged, by id, and leaves the replies around it readable, where it made
// the whole listing fail (so a restart sent none of them).
func TestOutboxDamagedEntry(t *testing.T) {
	s := MustOpen(t)
	first := addOutbox(t, s, "tg:1", t0, "감사합니다")
	bad := addOutbox(t, s, "tg:2", t0.Add(time.Second), "낮은 평점 알림")
	last := addOutbox(t, s, "tg:3", t0.Add(2*time.Second), "적립 완료")
	k, ok := keyOfID(bad[0])
	if !ok {
		t.Fatalf("bad id %q", bad[0])
	}
	mustUpdate(t, s, func(tx *Tx) error {
		b := tx.bucket(bucketOutbox)
		v := bytes.Clone(b.Get(k))
		v[len(v)-3] ^= 0x5a
		return b.Put(k, v)
	})
	mustView(t, s, func(tx *Tx) error {
		es, err := tx.Outbox("", 0)
		if err != nil {
			t.Fatalf("listing failed: %v", err)
		}
		if len(es) != 3 {
			t.Fatalf("listed %d entries, want 3", len(es))
		}
		for i, want := range []struct {
			id, payload string
			damaged     bool
		}{{first[0], "감사합니다", false}, {bad[0], "", true}, {last[0], "적립 완료", false}} {
			e := es[i]
			if e.ID != want.id || string(e.Payload) != want.payload || (e.Damaged != nil) != want.damaged {
				t.Errorf("entry %d: id %s payload %q damaged %v, want %s %q %v", i, e.ID, e.Payload, e.Damaged, want.id, want.payload, want.damaged)
			}
		}
		of, err := tx.OutboxOf("tg:2")
		if err != nil || len(of) != 1 || of[0].Damaged == nil || of[0].ID != bad[0] {
			t.Errorf("OutboxOf the damaged event: %+v, %v; want it listed damaged", of, err)
		}
		return nil
	})
}
