package ledger

import (
	"context"
	"encoding/binary"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// commitLog records what OnCommit is told.
type commitLog struct {
	mu   sync.Mutex
	errs []error
}

func (c *commitLog) observe(d time.Duration, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d < 0 {
		err = errors.New("negative duration")
	}
	c.errs = append(c.errs, err)
}

func (c *commitLog) calls() []error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]error(nil), c.errs...)
}

func TestOnCommit(t *testing.T) {
	ctx := context.Background()
	refused := errors.New("refused by fn")
	tests := []struct {
		name  string
		run   func(s *Store) error
		calls int // OnCommit calls expected
		err   error
	}{
		{"Committed", func(s *Store) error {
			return s.Update(ctx, func(tx *Tx) error { return tx.bucket(bucketMeta).Put([]byte("x"), []byte("1")) })
		}, 1, nil},
		{"RolledBackByFn", func(s *Store) error {
			return s.Update(ctx, func(tx *Tx) error { return refused })
		}, 0, refused},
		{"Probe", func(s *Store) error { return s.Probe(ctx, t0) }, 1, nil},
		{"View", func(s *Store) error { return s.View(ctx, func(*Tx) error { return nil }) }, 0, nil},
		{"Closed", func(s *Store) error { s.Close(); return s.Probe(ctx, t0) }, 0, ErrClosed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log commitLog
			s, err := Open(filepath.Join(t.TempDir(), "dangol.db"), &Options{Timeout: 100 * time.Millisecond, OnCommit: log.observe, Key: testKey})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			if err := tt.run(s); !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			calls := log.calls()
			if len(calls) != tt.calls {
				t.Fatalf("OnCommit called %d times (%v), want %d", len(calls), calls, tt.calls)
			}
			for _, err := range calls {
				if err != nil {
					t.Errorf("OnCommit told %v, want nil", err)
				}
			}
		})
	}
}

func TestProbeWrites(t *testing.T) {
	s := MustOpen(t)
	if err := s.Probe(context.Background(), t0); err != nil {
		t.Fatal(err)
	}
	mustView(t, s, func(tx *Tx) error {
		v := tx.bucket(bucketMeta).Get(metaHealth)
		if len(v) != 8 || int64(binary.BigEndian.Uint64(v)) != t0.UnixNano() {
			t.Errorf("meta health = %x, want %d", v, t0.UnixNano())
		}
		return nil
	})
}
