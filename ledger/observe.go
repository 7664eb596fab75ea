package ledger

import (
	"context"
	"encoding/binary"
	"fmt"
	"time"
)

// metaHealth is the meta key Probe writes: the time of the last probe, so
// each probe is a real change that bbolt must commit and sync.
var metaHealth = []byte("health")

// Probe commits one tiny write (the time now under the meta bucket's
// "health" key) and returns its error: nil means the ledger can commit,
// which a read or a file check cannot tell. It holds no customer data.
func (s *Store) Probe(ctx context.Context, now time.Time) error {
	err := s.Update(ctx, func(tx *Tx) error {
		var v [8]byte
		binary.BigEndian.PutUint64(v[:], uint64(now.UnixNano()))
		return tx.bucket(bucketMeta).Put(metaHealth, v[:])
	})
	if err != nil {
		return fmt.Errorf("ledger: probe %s: %w", s.path, err)
	}
	return nil
}

// observeCommit tells Options.OnCommit about one read-write transaction
// that reached bbolt and that fn did not roll back itself: how long it took
// from the start until it was committed (or the commit failed), and the
// commit's error. A refusal of fn's own (a redeem beyond the balance) is no
// failure of the ledger, so it is not reported. Without OnCommit it costs a
// nil check.
func (s *Store) observeCommit(start time.Time, err, fnErr error) {
	if s.opts.OnCommit == nil || err == ErrClosed || (fnErr != nil && err == fnErr) {
		return
	}
	s.opts.OnCommit(time.Since(start), err)
}
