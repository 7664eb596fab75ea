package ledger

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// holdCommit starts an Update whose function waits until the returned
// release is called, so that writers started meanwhile queue behind it.
// The function returned waits for that Update's end.
func holdCommit(t *testing.T, s *Store) (release func(), wait func() error) {
	t.Helper()
	entered, gate := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	var once sync.Once
	go func() {
		done <- s.Update(context.Background(), func(tx *Tx) error {
			once.Do(func() { close(entered) })
			<-gate
			return tx.bucket(bucketMeta).Put([]byte("held"), []byte("1"))
		})
	}()
	<-entered
	return func() { close(gate) }, func() error { return <-done }
}

// expectQueued returns a function that waits until n calls wait in s's
// pipeline behind its leader. Call it before starting the writers.
func expectQueued(s *Store, n int) (wait func()) {
	ready := make(chan struct{})
	s.pipe.mu.Lock()
	s.pipe.onQueue = func(waiting int) {
		if waiting == n {
			close(ready)
		}
	}
	s.pipe.mu.Unlock()
	return func() { <-ready }
}

// txID is the id of the last committed write transaction.
func txID(t *testing.T, s *Store) int {
	t.Helper()
	var id int
	mustView(t, s, func(tx *Tx) error { id = tx.tx.ID(); return nil })
	return id
}

// TestPipelineOneFails commits 64 writers at once, one of whose function
// fails after writing: it keeps nothing, every other writer's points and
// event id land exactly once, and writers queued together share commits.
func TestPipelineOneFails(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "박지훈", "01011112222")
	const n, bad = 64, 17
	boom := errors.New("boom")
	release, wait := holdCommit(t, s)
	allQueued := expectQueued(s, n)
	var wg sync.WaitGroup
	errs := make([]error, n)
	runs := make([]atomic.Int32, n)
	var mu sync.Mutex
	commits := map[int]bool{} // bbolt tx ids the writers ran in
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ev := fmt.Sprintf("ev%d", i)
			errs[i] = s.Update(context.Background(), func(tx *Tx) error {
				runs[i].Add(1)
				mu.Lock()
				commits[tx.tx.ID()] = true
				mu.Unlock()
				if seen, err := tx.SeenEvent(ev); err != nil || seen {
					return err
				}
				e := PointsEntry{CustomerID: c.ID, At: t0.Add(time.Duration(i) * time.Second), Kind: PointsEarn, Points: 10, ActorID: "slack:U1"}
				if err := tx.AddPoints(&e); err != nil {
					return err
				}
				if err := tx.MarkEvent(ev, t0); err != nil {
					return err
				}
				if i == bad {
					return boom
				}
				return nil
			})
		}()
	}
	allQueued()
	release()
	wg.Wait()
	if err := wait(); err != nil {
		t.Fatal(err)
	}
	for i, err := range errs {
		if want := i == bad; errors.Is(err, boom) != want || (!want && err != nil) {
			t.Errorf("writer %d: %v", i, err)
		}
		if runs[i].Load() < 1 {
			t.Errorf("writer %d never ran", i)
		}
	}
	if len(commits) > 3 {
		// One group, made again without the failed writer (and perhaps a
		// second group if the first was cut at maxGroup): never one each.
		t.Errorf("64 queued writers ran in %d transactions", len(commits))
	}
	mustView(t, s, func(tx *Tx) error {
		for i := range n {
			if seen, _ := tx.SeenEvent(fmt.Sprintf("ev%d", i)); seen != (i != bad) {
				t.Errorf("ev%d seen=%v", i, seen)
			}
		}
		entries, err := tx.PointsOf(c.ID, 0)
		if err != nil {
			return err
		}
		if len(entries) != n-1 {
			t.Errorf("entries: got %d, want %d", len(entries), n-1)
		}
		if bal, _ := tx.Balance(c.ID); bal != 10*(n-1) {
			t.Errorf("balance: got %d, want %d", bal, 10*(n-1))
		}
		return nil
	})
}

// TestPipelineLoneWriter commits a lone writer at once, in a commit of its
// own, and a second one after it in the next.
func TestPipelineLoneWriter(t *testing.T) {
	s := MustOpen(t)
	before, commits := txID(t, s), s.Commits()
	for i := range 2 {
		mustUpdate(t, s, func(tx *Tx) error { return tx.MarkEvent(fmt.Sprintf("lone%d", i), t0) })
	}
	if got := txID(t, s); got != before+2 {
		t.Errorf("two lone writers: tx id %d, want %d", got, before+2)
	}
	// A writer that fails alone is rolled back: no commit to count.
	boom := errors.New("boom")
	if err := s.Update(context.Background(), func(tx *Tx) error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("failing writer: %v", err)
	}
	if got := s.Commits() - commits; got != 2 {
		t.Errorf("Commits grew by %d, want 2", got)
	}
}

// TestPipelinePanic raises a panic of a grouped writer on its own
// goroutine; the writers it was grouped with still commit.
func TestPipelinePanic(t *testing.T) {
	s := MustOpen(t)
	release, wait := holdCommit(t, s)
	allQueued := expectQueued(s, 3)
	var wg sync.WaitGroup
	var recovered atomic.Value
	wg.Add(3)
	for i := range 2 {
		go func() {
			defer wg.Done()
			if err := s.Update(context.Background(), func(tx *Tx) error { return tx.MarkEvent(fmt.Sprintf("ok%d", i), t0) }); err != nil {
				t.Error(err)
			}
		}()
	}
	go func() {
		defer wg.Done()
		defer func() { recovered.Store(fmt.Sprint(recover())) }()
		s.Update(context.Background(), func(tx *Tx) error { panic("flow bug") })
	}()
	allQueued()
	release()
	wg.Wait()
	if err := wait(); err != nil {
		t.Fatal(err)
	}
	if got := recovered.Load(); got != "flow bug" {
		t.Errorf("recovered %v, want the writer's panic", got)
	}
	mustView(t, s, func(tx *Tx) error {
		for i := range 2 {
			if seen, _ := tx.SeenEvent(fmt.Sprintf("ok%d", i)); !seen {
				t.Errorf("ok%d lost with the panicking writer", i)
			}
		}
		return nil
	})
}

// TestMarksRide queues the marks of a read: they cost no commit of their
// own, ride on the next write, and are known to MarksQueued meanwhile.
func TestMarksRide(t *testing.T) {
	s := MustOpen(t)
	before := txID(t, s)
	m := Marks{EventID: "read1", At: t0, Cursor: "telegram.update", CursorValue: 41}
	if err := s.QueueMarks(m); err != nil {
		t.Fatal(err)
	}
	if !s.MarksQueued("read1") || s.MarksQueued("read2") {
		t.Error("MarksQueued does not know what waits")
	}
	mustView(t, s, func(tx *Tx) error {
		if tx.bucket(bucketEvents).Get([]byte("read1")) != nil {
			t.Error("marks committed before any commit")
		}
		if seen, _ := tx.SeenEvent("read1"); !seen {
			t.Error("SeenEvent does not count the queued marks")
		}
		if v, _ := tx.Cursor("telegram.update"); v != 41 {
			t.Errorf("Cursor %d with 41 queued", v)
		}
		return nil
	})
	mustUpdate(t, s, func(tx *Tx) error { return tx.MarkEvent("write1", t0) })
	if got := txID(t, s); got != before+1 {
		t.Errorf("a read and a write took %d commits, want 1", got-before)
	}
	if s.MarksQueued("read1") {
		t.Error("marks still queued after the commit")
	}
	mustView(t, s, func(tx *Tx) error {
		for _, ev := range []string{"read1", "write1"} {
			if seen, _ := tx.SeenEvent(ev); !seen {
				t.Errorf("%s not committed", ev)
			}
		}
		if v, _ := tx.Cursor("telegram.update"); v != 41 {
			t.Errorf("cursor %d, want 41", v)
		}
		return nil
	})
}

// TestMarksRideAFailedGroup keeps marks queued when the commit that took
// them failed only for its writer: the writer's refusal is its own, the
// marks commit.
func TestMarksRideAFailedGroup(t *testing.T) {
	s := MustOpen(t)
	if err := s.QueueMarks(Marks{EventID: "read1", At: t0}); err != nil {
		t.Fatal(err)
	}
	refused := errors.New("refused")
	if err := s.Update(context.Background(), func(tx *Tx) error { return refused }); !errors.Is(err, refused) {
		t.Fatalf("got %v, want the refusal", err)
	}
	mustView(t, s, func(tx *Tx) error {
		if seen, _ := tx.SeenEvent("read1"); !seen {
			t.Error("marks lost with a refused writer")
		}
		return nil
	})
}

// TestMarksFlushAlone commits marks by themselves after MarkDelay when no
// writer comes.
func TestMarksFlushAlone(t *testing.T) {
	committed := make(chan error, 4)
	s, err := Open(filepath.Join(t.TempDir(), "dangol.db"), &Options{Key: testKey, MarkDelay: time.Millisecond,
		OnCommit: func(_ time.Duration, err error) { committed <- err }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.QueueMarks(Marks{EventID: "read1", At: t0}); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-committed:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("queued marks never committed")
	}
	mustView(t, s, func(tx *Tx) error {
		if seen, _ := tx.SeenEvent("read1"); !seen {
			t.Error("flushed marks missing")
		}
		return nil
	})
}

// TestMarksCloseAndCrash: Close commits what is queued; a crash (the file
// as committed, copied while the marks wait) has the writes and not the
// marks.
func TestMarksCloseAndCrash(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "dangol.db")
	s, err := Open(path, &Options{Key: testKey, MarkDelay: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	mustUpdate(t, s, func(tx *Tx) error { return tx.MarkEvent("write1", t0) })
	if err := s.QueueMarks(Marks{EventID: "read1", At: t0}); err != nil {
		t.Fatal(err)
	}
	crash := filepath.Join(dir, "crash.db")
	f, err := os.Create(crash)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Backup(context.Background(), f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		path  string
		read1 bool
	}{{"Closed", path, true}, {"Crashed", crash, false}} {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Open(tt.path, &Options{Key: testKey})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			mustView(t, s, func(tx *Tx) error {
				if seen, _ := tx.SeenEvent("write1"); !seen {
					t.Error("the write is lost")
				}
				if seen, _ := tx.SeenEvent("read1"); seen != tt.read1 {
					t.Errorf("read1 seen=%v, want %v", seen, tt.read1)
				}
				return nil
			})
		})
	}
}

// TestViewRefusesWrites says ErrReadOnly when a View's function writes.
func TestViewRefusesWrites(t *testing.T) {
	s := MustOpen(t)
	err := s.View(context.Background(), func(tx *Tx) error { return tx.MarkEvent("ev", t0) })
	if !errors.Is(err, ErrReadOnly) {
		t.Fatalf("got %v, want ErrReadOnly", err)
	}
	if err := s.QueueMarks(Marks{EventID: string(make([]byte, 40000))}); !errors.Is(err, ErrInvalid) {
		t.Errorf("an oversized event id: got %v, want ErrInvalid", err)
	}
	s.Close()
	if err := s.QueueMarks(Marks{EventID: "ev"}); !errors.Is(err, ErrClosed) {
		t.Errorf("after Close: got %v, want ErrClosed", err)
	}
}

// TestRefusalCommitsNothing: a lone writer whose function fails makes no
// commit (no fsync) at all.
func TestRefusalCommitsNothing(t *testing.T) {
	s := MustOpen(t)
	before := txID(t, s)
	refused := errors.New("refused")
	if err := s.Update(context.Background(), func(tx *Tx) error { return refused }); !errors.Is(err, refused) {
		t.Fatalf("got %v, want the refusal", err)
	}
	if got := txID(t, s); got != before {
		t.Errorf("a refusal made %d commits", got-before)
	}
}

// TestTxGetSeesWrites: a read through the Tx's kept cursor (get) sees what
// the same transaction wrote or deleted just before, as Bucket.Get does,
// and a transaction after a rolled-back one sees nothing of it.
func TestTxGetSeesWrites(t *testing.T) {
	s := MustOpen(t)
	k := []byte("h5-key")
	boom := errors.New("boom")
	err := s.Update(context.Background(), func(tx *Tx) error {
		if v := tx.get(bucketMeta, k); v != nil {
			t.Errorf("before the put: %q", v)
		}
		if err := tx.bucket(bucketMeta).Put(k, []byte("1")); err != nil {
			return err
		}
		if v := tx.get(bucketMeta, k); string(v) != "1" {
			t.Errorf("after the put: %q", v)
		}
		if err := tx.bucket(bucketMeta).Put(k, []byte("2")); err != nil {
			return err
		}
		if v, w := tx.get(bucketMeta, k), tx.bucket(bucketMeta).Get(k); string(v) != "2" || string(w) != "2" {
			t.Errorf("after the second put: get %q, Bucket.Get %q", v, w)
		}
		if err := tx.bucket(bucketMeta).Delete(k); err != nil {
			return err
		}
		if v := tx.get(bucketMeta, k); v != nil {
			t.Errorf("after the delete: %q", v)
		}
		if err := tx.bucket(bucketMeta).Put(k, []byte("3")); err != nil {
			return err
		}
		return boom // rolled back
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	mustView(t, s, func(tx *Tx) error {
		if v := tx.get(bucketMeta, k); v != nil {
			t.Errorf("after the rollback: %q", v)
		}
		return nil
	})
}

// TestGroupSharesMemos runs writers about one customer in one grouped
// commit, whose functions share the memos of opened customers, tiers,
// data keys and blind indexes: each sees what the ones before it wrote (a
// new name, a tier, a new customer's phone, an erasure), and a writer that fails after reading leaves nothing its
// rerun group could see.
func TestGroupSharesMemos(t *testing.T) {
	s := MustOpen(t)
	c := mustCustomer(t, s, "박지훈", "01011112222")
	boom := errors.New("boom")
	steps := []struct {
		name string
		fn   func(tx *Tx) error
	}{
		{"ReadsFirst", func(tx *Tx) error {
			got, err := tx.CustomerByPhone("01011112222")
			if err == nil && got.Name != "박지훈" {
				t.Errorf("first read: name %q", got.Name)
			}
			_, err = tx.UpdateTier(c.ID, t0, nil)
			return err
		}},
		{"Renames", func(tx *Tx) error {
			got, err := tx.Customer(c.ID)
			if err != nil {
				return err
			}
			got.Name = "박지현"
			return tx.PutCustomer(got)
		}},
		{"FailsAfterReading", func(tx *Tx) error {
			if _, err := tx.Customer(c.ID); err != nil {
				return err
			}
			if _, err := tx.TierOf(c.ID, t0, nil); err != nil {
				return err
			}
			return boom
		}},
		{"SeesTheRename", func(tx *Tx) error {
			got, err := tx.Customer(c.ID)
			if err == nil && got.Name != "박지현" {
				t.Errorf("after the rename: name %q", got.Name)
			}
			return err
		}},
		{"Registers", func(tx *Tx) error {
			n := Customer{Name: "이서연", Phone: "01033334444", CreatedAt: t0}
			return tx.CreateCustomer(&n)
		}},
		{"FindsByPhone", func(tx *Tx) error { // the blind index memoized by Registers
			got, err := tx.CustomerByPhone("010-3333-4444")
			if err == nil && got.Name != "이서연" {
				t.Errorf("by phone: %+v", got)
			}
			return err
		}},
		{"Erases", func(tx *Tx) error { return tx.EraseCustomer(c.ID, t0) }},
		{"SeesTheErasure", func(tx *Tx) error {
			got, err := tx.Customer(c.ID)
			if err == nil && (!got.Erased || got.Name != "") {
				t.Errorf("after the erasure: %+v", got)
			}
			return err
		}},
	}
	release, wait := holdCommit(t, s)
	errs := make([]error, len(steps))
	ids := make([]int, len(steps))
	var wg sync.WaitGroup
	for i, st := range steps {
		queued := expectQueued(s, i+1) // in this order
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.Update(context.Background(), func(tx *Tx) error {
				ids[i] = tx.tx.ID()
				return st.fn(tx)
			})
		}()
		queued()
	}
	release()
	wg.Wait()
	if err := wait(); err != nil {
		t.Fatal(err)
	}
	for i, st := range steps {
		if want := st.name == "FailsAfterReading"; errors.Is(errs[i], boom) != want || (!want && errs[i] != nil) {
			t.Errorf("%s: %v", st.name, errs[i])
		}
	}
	if ids[0] != ids[len(ids)-1] {
		t.Errorf("the writers ran in transactions %v, not one group", ids)
	}
	mustView(t, s, func(tx *Tx) error {
		got, err := tx.Customer(c.ID)
		if err == nil && !got.Erased {
			t.Errorf("committed: %+v, want erased", got)
		}
		return err
	})
}

// TestPipelineJoins: a writer that queues while a commit runs its
// functions joins that commit (one transaction, one fsync), while a
// commit made for queued marks (Flush) does not join one that took its
// marks before them: its marks are committed when it returns.
func TestPipelineJoins(t *testing.T) {
	s := MustOpen(t)
	release, wait := holdCommit(t, s)
	queued := expectQueued(s, 1)
	var joined int
	done := make(chan error, 1)
	go func() {
		done <- s.Update(context.Background(), func(tx *Tx) error {
			joined = tx.tx.ID()
			return tx.MarkEvent("joiner", t0)
		})
	}()
	queued()
	if err := s.QueueMarks(Marks{EventID: "read1", At: t0}); err != nil {
		t.Fatal(err)
	}
	flushQueued := expectQueued(s, 2)
	flushed := make(chan error, 1)
	go func() { flushed <- s.Flush(context.Background()) }()
	flushQueued()
	release()
	if err := wait(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := <-flushed; err != nil {
		t.Fatal(err)
	}
	held := 0
	mustView(t, s, func(tx *Tx) error {
		if tx.bucket(bucketMeta).Get([]byte("held")) == nil || tx.bucket(bucketEvents).Get([]byte("joiner")) == nil {
			t.Error("the held commit or its joiner is missing")
		}
		if tx.bucket(bucketEvents).Get([]byte("read1")) == nil {
			t.Error("Flush returned before the marks it was for were committed")
		}
		held = tx.tx.ID()
		return nil
	})
	if joined == 0 || joined != held-1 {
		t.Errorf("the joiner ran in transaction %d; the held commit was %d and the flush %d", joined, held-1, held)
	}
}

// TestSnapshotKeepsSettled: a reader whose snapshot began before the commit
// that wrote queued marks, or deleted entries reported Sent, must still
// count the event seen and the entries gone, even once that commit has
// ended; after the reader, what settled is forgotten (the file has it).
func TestSnapshotKeepsSettled(t *testing.T) {
	s := MustOpen(t)
	ctx := context.Background()
	var id string
	mustUpdate(t, s, func(tx *Tx) error {
		var err error
		id, err = tx.AddOutbox("ev0", t0, []byte("reply"))
		return err
	})
	if err := s.QueueMarks(Marks{EventID: "read1", At: t0}); err != nil {
		t.Fatal(err)
	}
	if err := s.Sent(ctx, id); err != nil {
		t.Fatal(err)
	}
	mustView(t, s, func(tx *Tx) error {
		if err := s.Flush(ctx); err != nil { // commits while this snapshot is open
			t.Fatal(err)
		}
		if tx.bucket(bucketEvents).Get([]byte("read1")) != nil {
			t.Fatal("the snapshot sees the later commit: the test proves nothing")
		}
		if seen, _ := tx.SeenEvent("read1"); !seen {
			t.Error("an event committed during the read is not seen: a re-delivery is answered again")
		}
		if es, _ := tx.Outbox("", 0); len(es) != 0 {
			t.Errorf("%d entries deleted during the read are pending again: they would be sent twice", len(es))
		}
		return nil
	})
	p := &s.pipe
	p.mu.Lock()
	left := len(p.marked) + len(p.gone) + len(p.done) + len(p.readers)
	p.mu.Unlock()
	if left != 0 {
		t.Errorf("%d entries kept after the last reader ended", left)
	}
	mustView(t, s, func(tx *Tx) error {
		if seen, _ := tx.SeenEvent("read1"); !seen {
			t.Error("read1 lost")
		}
		if es, _ := tx.Outbox("", 0); len(es) != 0 {
			t.Errorf("%d entries pending after their deletion", len(es))
		}
		return nil
	})
}
