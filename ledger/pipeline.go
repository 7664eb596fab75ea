package ledger

import (
	"context"
	"crypto/cipher"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// The commit pipeline. Every Store.Update queues its function; one caller
// at a time leads a commit, which takes everything queued so far into one
// bbolt transaction and one fsync. Callers that arrive while it runs the
// functions join it (joinGroup); those that arrive while it commits queue
// behind it, and the first of them leads the next commit the moment this
// one ends, taking all of them. So a lone writer commits at once (no
// collection window), and under load each fsync carries everything that
// queued during the previous one (no throughput lost to a window that is
// too short, no latency added by one that is too long).
//
// Marks (QueueMarks) and sent outbox entries (Sent) queue too, but start
// no commit of their own: they ride on the next one, or on one the
// pipeline makes for them after Options.MarkDelay when no writer comes.

// maxGroup bounds one commit, so that a flood of writers cannot make one
// transaction (and the wait of its first caller) grow without end.
const maxGroup = 1000

// DefaultMarkDelay is how long queued marks and sent outbox entries wait for
// a commit to ride on before the pipeline commits them by themselves: at
// most ten fsyncs a second for any number of reads, and a crash repeats at
// most this long a stretch of read answers.
const DefaultMarkDelay = 100 * time.Millisecond

// ErrReadOnly is returned (wrapped) by View when its function tried to
// write: the caller should run it again in Update.
var ErrReadOnly = errors.New("ledger: write in a read-only transaction")

// Marks are what a message that changes nothing else still records: its
// event id, so a re-delivery is known, and its adapter's cursor. See
// Store.QueueMarks.
type Marks struct {
	EventID     string    // "" for none
	At          time.Time // when the event was handled (PruneEvents forgets by it)
	Cursor      string    // the cursor's name; "" for none
	CursorValue int64     // never moves the cursor back (SetCursor)
}

// call is one Update waiting in the pipeline.
type call struct {
	fn func(*Tx) error // nil: a commit made only for queued marks
	// wake is told true when this call is to lead the next commit, false
	// when its outcome (err, fnErr) is ready.
	wake  chan bool
	err   error // the outcome for Update
	fnErr error // fn's own error, when fn failed (for observeCommit)
	// solo is set when fn panicked inside a group: it is run again alone on
	// its own goroutine, where the panic belongs.
	solo  bool
	added int // outbox entries fn added, counted once the commit holds
}

// pipeline is the Store's queue of writers, marks and sent outbox entries.
type pipeline struct {
	mu      sync.Mutex
	queue   []*call
	leading bool // a commit is being made; when false, queue is empty
	// busy says the last commit carried several writers: the next leader
	// yields once before it takes its group.
	busy atomic.Bool

	marks []Marks
	// marked holds the event ids of marks: 0 while queued, then the
	// generation of the commit that wrote them, kept while a reader that
	// began before that commit is open (its snapshot lacks them).
	marked map[string]uint64
	// cursors holds the highest value queued for each cursor name; it is
	// kept after the commit (one entry per name), as cursors never go back.
	cursors map[string]int64
	sent    map[string]bool // outbox keys (as strings) to delete
	sending map[string]bool // those of them the commit in flight deletes
	// gone holds the outbox keys a commit deleted, by its generation, kept
	// like marked: an older snapshot still has those entries.
	gone map[string]uint64

	// gen counts the commits that carried marks or sent entries; a reader
	// registers the generation it began at in readers, and done lists,
	// oldest first, what each generation settled, for prune.
	gen     uint64
	readers map[uint64]int
	done    []settled

	delay time.Duration
	timer *time.Timer // armed while marks or sent wait without a leader
	flush func()      // the timer's work: commit what waits

	onQueue func(waiting int) // tests: told, under mu, how many calls wait

	// commits counts the read-write transactions the pipeline committed
	// (each one fsync); Commits reports it.
	commits atomic.Int64

	// outboxMoved is closed and replaced whenever the outbox's pending
	// count may have changed (WaitOutbox).
	outboxMoved chan struct{}
}

// outboxChanged wakes WaitOutbox's waiters; p.mu must be held.
func (p *pipeline) outboxChanged() {
	if p.outboxMoved != nil {
		close(p.outboxMoved)
		p.outboxMoved = nil
	}
}

// startPipeline readies the pipeline of a store opening db: the count of
// outbox entries already waiting, the timer's delay and work.
func (s *Store) startPipeline(db *bolt.DB) error {
	n, err := countOutbox(db)
	if err != nil {
		return err
	}
	s.outboxN.Store(int64(n))
	s.pipe.delay = s.opts.MarkDelay
	s.pipe.flush = func() { _ = s.flushWaiting(context.Background()) }
	return nil
}

// update runs fn through the pipeline and returns the commit's outcome for
// it and fn's own error.
func (s *Store) update(fn func(*Tx) error) (err, fnErr error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.db == nil {
		return ErrClosed, nil
	}
	c := s.commit(fn)
	if c.solo {
		// fn panicked in a group: run it alone here, where its panic
		// belongs (run afresh, it may also succeed).
		c.err = s.updateSolo(c)
	}
	return c.err, c.fnErr
}

// updateSolo runs c's function in a transaction of its own; s.mu must be
// held shared.
func (s *Store) updateSolo(c *call) error {
	added := 0
	err := s.db.Update(func(btx *bolt.Tx) error {
		tx := &Tx{tx: btx, kr: s.kr, pipe: &s.pipe}
		err := c.fn(tx)
		if err == nil && len(tx.shredded) > 0 {
			err = appendErasedKeys(s.opts.ErasedKeys, tx.shredded)
		}
		c.fnErr, added = err, tx.outboxAdded
		return err
	})
	if err == nil {
		s.outboxN.Add(int64(added))
		s.pipe.commits.Add(1)
	}
	return err
}

// Commits returns how many read-write transactions the Store has committed
// since it was opened, each with its fsync: divided by the writers and
// marks they carried, how well the pipeline shares its fsyncs (dangol
// bench reports it per update).
func (s *Store) Commits() int64 { return s.pipe.commits.Load() }

// WriteStats returns what bbolt reports of the commits since the file was
// opened: the pages written (each its own pwrite) and the time spent
// writing them and the meta page, both fsyncs included. Zero once closed.
// dangol bench divides them by updates and commits: a commit's fixed cost
// is this, its functions' the rest.
func (s *Store) WriteStats() (pages int64, writing time.Duration) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.db == nil {
		return 0, 0
	}
	ts := s.db.Stats().TxStats
	return ts.GetWrite(), ts.GetWriteTime()
}

// commit runs fn through the pipeline and returns its call, with the
// outcome filled in. s.mu must be held (shared) and s.db open.
func (s *Store) commit(fn func(*Tx) error) *call {
	p := &s.pipe
	c := &call{fn: fn, wake: make(chan bool, 1)}
	p.mu.Lock()
	p.queue = append(p.queue, c)
	if p.onQueue != nil {
		p.onQueue(len(p.queue))
	}
	if p.leading {
		p.mu.Unlock()
		// Not cancellable once queued: the commit ahead ends soon, and a
		// leader handed the lead must take it.
		if lead := <-c.wake; !lead {
			return c
		}
	} else {
		p.leading = true
		p.mu.Unlock()
	}
	s.lead()
	return c
}

// lead makes one commit of what is queued (the leader is the queue's
// head), hands the lead to the first caller queued meanwhile, then tells
// the group their outcome.
func (s *Store) lead() {
	p := &s.pipe
	if p.busy.Load() {
		// Under load, let the writers just told of the last commit queue
		// again before taking the group: without this, 64 writers split
		// into two halves that take turns, each commit carrying half of
		// them. It yields while the queue grows, a few times at most: no
		// clock, and alone (busy unset) nothing at all.
		for range 4 {
			p.mu.Lock()
			n := len(p.queue)
			p.mu.Unlock()
			runtime.Gosched()
			p.mu.Lock()
			grew := len(p.queue) > n
			p.mu.Unlock()
			if !grew {
				break
			}
		}
	}
	p.mu.Lock()
	n := min(len(p.queue), maxGroup)
	group := make([]*call, n)
	copy(group, p.queue)
	p.queue = append(p.queue[:0:0], p.queue[n:]...)
	marks, sent := p.take()
	p.mu.Unlock()

	group = s.commitGroup(group, marks, sent)

	p.busy.Store(len(group) > 1)
	for _, c := range group[1:] {
		c.wake <- false
	}
	p.mu.Lock()
	if len(p.queue) > 0 {
		p.queue[0].wake <- true
	} else {
		p.leading = false
		p.arm()
	}
	p.mu.Unlock()
}

// take removes the queued marks and sent entries for a commit; p.mu must
// be held. The marked set stays until the commit holds, so a re-delivery
// meanwhile is still known.
func (p *pipeline) take() ([]Marks, map[string]bool) {
	marks, sent := p.marks, p.sent
	p.marks, p.sent, p.sending = nil, nil, sent
	if p.timer != nil {
		p.timer.Stop()
		p.timer = nil
	}
	return marks, sent
}

// giveBack queues again what a failed commit took.
func (p *pipeline) giveBack(marks []Marks, sent map[string]bool) {
	p.marks = append(marks, p.marks...)
	if len(sent) > 0 && p.sent == nil {
		p.sent = map[string]bool{}
	}
	for k := range sent {
		p.sent[k] = true
	}
}

// arm starts the timer that commits waiting marks when no writer comes;
// p.mu must be held.
func (p *pipeline) arm() {
	if p.timer != nil || p.leading || (len(p.marks) == 0 && len(p.sent) == 0) || p.flush == nil {
		return
	}
	p.timer = time.AfterFunc(p.delay, p.flush)
}

// flushWaiting commits queued marks and sent entries now, unless a commit
// has taken them already. It is the timer's work and Flush's.
func (s *Store) flushWaiting(ctx context.Context) error {
	p := &s.pipe
	p.mu.Lock()
	if p.timer != nil {
		p.timer.Stop()
		p.timer = nil
	}
	waiting := len(p.marks) > 0 || len(p.sent) > 0
	p.mu.Unlock()
	if !waiting {
		return nil
	}
	return s.Update(ctx, nil)
}

// Flush commits the queued marks and sent outbox entries now instead of
// when the next commit or Options.MarkDelay comes. Nothing waiting: no
// commit.
func (s *Store) Flush(ctx context.Context) error {
	if err := s.flushWaiting(ctx); err != nil {
		return fmt.Errorf("ledger: flush: %w", err)
	}
	return nil
}

// commitGroup commits group's functions, marks and sent entries in one
// transaction. A function that fails is taken out and the transaction
// made again without it (what the others wrote with it is rolled back and
// written again), so each keeps all-or-nothing: the functions may run more
// than once and must be idempotent. The writers that queue while the
// first attempt runs its functions join it (joinGroup), and commitGroup
// returns the group with them.
func (s *Store) commitGroup(group []*call, marks []Marks, sent map[string]bool) []*call {
	pending := append([]*call(nil), group...)
	join := true
	for {
		if !hasWork(pending) && len(marks) == 0 && len(sent) == 0 {
			// Every writer failed (rolled back, nothing to sync): no
			// empty commit.
			s.settle(pending, nil, nil, 0, nil)
			return group
		}
		failed := -1
		var deleted int
		err := s.db.Update(func(btx *bolt.Tx) error {
			// One set of bucket handles and read cursors for the whole
			// group: its functions run one after another on this goroutine.
			refs := &txRefs{}
			shared := &Tx{tx: btx, kr: s.kr, refs: refs}
			// And one set of memos (data keys, opened customers, decoded
			// tiers and programme, blind indexes): a commit of many
			// messages about one customer, or from one staff member,
			// works each out once.
			// Each entry is checked against the stored bytes it came from
			// (or dropped by the write that changes it; a blind never
			// changes), so a function sees what the ones before it wrote.
			// Made afresh with each attempt: a rerun never sees a
			// rolled-back value.
			memo := newTxMemo()
			shared.applyMarks(marks)
			var err error
			if deleted, err = shared.deleteSent(sent); err != nil {
				return err
			}
			for i := 0; ; i++ {
				if i == len(pending) {
					more := s.pipe.joinGroup(join, maxGroup-len(pending))
					if len(more) == 0 {
						break
					}
					pending, group = append(pending, more...), append(group, more...)
				}
				c := pending[i]
				if c.fn == nil {
					continue
				}
				tx := &Tx{tx: btx, kr: s.kr, pipe: &s.pipe, refs: refs}
				memo.share(tx)
				err := s.runFn(c, tx)
				if err != nil {
					failed = i
					return err
				}
				c.added = tx.outboxAdded
			}
			return nil
		})
		join = false // a rerun makes the same group again, without its failure
		if failed >= 0 {
			c := pending[failed]
			if !c.solo {
				c.err, c.fnErr = err, err
			}
			pending = append(pending[:failed:failed], pending[failed+1:]...)
			continue
		}
		if err == nil {
			s.pipe.commits.Add(1)
		}
		s.settle(pending, marks, sent, deleted, err)
		return group
	}
}

// joinGroup takes, when join is set, up to room writers queued since the
// commit in the making took its group, for it to run them too. Told of a
// commit of 64 writers on two cores, the first back leads the next at
// once, having let in only the half its own core ran (31); the other half
// queued during its functions and waited for one more commit, with its
// two fsyncs (BenchmarkHandle/note/conv=64: 0.022 commits a note, 0.016
// joined). It stops at a call without a function (a commit made for
// queued marks must take them, and they are taken at the start) and
// takes no marks itself: those queued meanwhile ride on the next commit.
func (p *pipeline) joinGroup(join bool, room int) []*call {
	if !join || room <= 0 {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for n < len(p.queue) && n < room && p.queue[n].fn != nil {
		n++
	}
	if n == 0 {
		return nil
	}
	more := append([]*call(nil), p.queue[:n]...)
	p.queue = append(p.queue[:0:0], p.queue[n:]...)
	return more
}

// txMemo is the memos the functions of one grouped commit share.
type txMemo struct {
	aeads     map[[custKeyLen]byte]cipher.AEAD
	customers map[[custKeyLen]byte]openedCustomer
	tiers     map[[custKeyLen]byte]openedTier
	blinds    map[blindKey][]byte
	programme *openedProgramme
}

func newTxMemo() txMemo {
	return txMemo{
		aeads:     map[[custKeyLen]byte]cipher.AEAD{},
		customers: map[[custKeyLen]byte]openedCustomer{},
		tiers:     map[[custKeyLen]byte]openedTier{},
		blinds:    map[blindKey][]byte{},
		programme: &openedProgramme{},
	}
}

// share gives tx the group's memos: the maps themselves, so what one
// function memoizes or forgets (an erasure's shredded key) the next sees.
func (m txMemo) share(tx *Tx) {
	tx.aeads, tx.customers, tx.tiers, tx.blinds, tx.programme = m.aeads, m.customers, m.tiers, m.blinds, m.programme
}

// hasWork reports whether a call in group has a function to run.
func hasWork(group []*call) bool {
	for _, c := range group {
		if c.fn != nil {
			return true
		}
	}
	return false
}

// runFn runs c's function in tx. A panic becomes a call run again alone
// (c.solo): the group goes on without it, and the panic is raised on the
// caller's goroutine. An erasure's shredded keys are written down outside
// the file before the commit: if that fails, the erasure fails with it.
func (s *Store) runFn(c *call, tx *Tx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			c.solo = true
			err = fmt.Errorf("ledger: panic in a grouped commit: %v\n%s", r, debug.Stack())
		}
	}()
	if err := c.fn(tx); err != nil {
		return err
	}
	if len(tx.shredded) > 0 {
		// Rerun with the group, an erasure appends its key ids again; the
		// list is a set, so that is harmless.
		return appendErasedKeys(s.opts.ErasedKeys, tx.shredded)
	}
	return nil
}

// settle tells a group its outcome and keeps the pipeline's counts: on
// success the outbox grows by what the group added and shrinks by what was
// deleted, and the marks are forgotten (the file has them); on failure the
// marks and sent entries queue again for the next commit.
func (s *Store) settle(group []*call, marks []Marks, sent map[string]bool, deleted int, err error) {
	added := 0
	for _, c := range group {
		c.err = err
		if err == nil {
			added += c.added
		}
	}
	p := &s.pipe
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sending = nil
	if err != nil {
		p.giveBack(marks, sent)
		return
	}
	s.outboxN.Add(int64(added - deleted))
	s.outboxSent.Add(-int64(len(sent)))
	if added != 0 || deleted != 0 || len(sent) != 0 {
		p.outboxChanged()
	}
	if len(marks) == 0 && len(sent) == 0 {
		return
	}
	p.gen++
	d := settled{gen: p.gen}
	for _, m := range marks {
		if m.EventID != "" && p.marked[m.EventID] == 0 {
			p.marked[m.EventID] = p.gen
			d.events = append(d.events, m.EventID)
		}
	}
	for k := range sent {
		if p.gone == nil {
			p.gone = map[string]uint64{}
		}
		p.gone[k] = p.gen
		d.sent = append(d.sent, k)
	}
	p.done = append(p.done, d)
	p.prune()
}

// settled is what the commit of one generation wrote of the pipeline's
// queues: event ids and deleted outbox keys.
type settled struct {
	gen    uint64
	events []string
	sent   []string
}

// prune forgets what settled in generations every open reader sees; p.mu
// must be held. A reader that began at generation g sees the commits up to
// g, as they had ended before it began.
func (p *pipeline) prune() {
	oldest := p.gen
	for g := range p.readers {
		oldest = min(oldest, g)
	}
	n := 0
	for ; n < len(p.done) && p.done[n].gen <= oldest; n++ {
		d := &p.done[n]
		for _, id := range d.events {
			if p.marked[id] == d.gen {
				delete(p.marked, id)
			}
		}
		for _, k := range d.sent {
			if p.gone[k] == d.gen {
				delete(p.gone, k)
			}
		}
	}
	if n > 0 {
		clear(p.done[:n])
		p.done = p.done[n:]
	}
}

// beginRead registers a reader about to begin its bbolt transaction and
// returns its generation, for endRead. Registering first means no commit
// can prune what the snapshot lacks before the reader looks.
func (p *pipeline) beginRead() uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.readers == nil {
		p.readers = map[uint64]int{}
	}
	p.readers[p.gen]++
	return p.gen
}

// endRead unregisters a reader of generation g.
func (p *pipeline) endRead(g uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.readers[g]--; p.readers[g] <= 0 {
		delete(p.readers, g)
		if len(p.done) > 0 {
			p.prune()
		}
	}
}

// QueueMarks queues the marks of a message that changed nothing else (a
// points check, /help): they are committed with the next commit to start,
// or by themselves after Options.MarkDelay, never with an fsync of their
// own while writers come. Meanwhile SeenEvent and Cursor count them, in this
// process; a crash before the commit forgets them, so a re-delivery is
// answered again, which for a read is harmless. Call it only for messages
// whose handling wrote nothing: an effect must commit with its event id
// (Update).
func (s *Store) QueueMarks(m Marks) error {
	if m.EventID == "" && m.Cursor == "" {
		return nil
	}
	if len(m.EventID) > bolt.MaxKeySize || len(m.Cursor) > bolt.MaxKeySize {
		return fmt.Errorf("ledger: queue marks: %w", invalid("event", "id is too long"))
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.db == nil {
		return ErrClosed
	}
	p := &s.pipe
	p.mu.Lock()
	defer p.mu.Unlock()
	p.marks = append(p.marks, m)
	if m.EventID != "" {
		if p.marked == nil {
			p.marked = map[string]uint64{}
		}
		p.marked[m.EventID] = 0
	}
	if m.Cursor != "" {
		if p.cursors == nil {
			p.cursors = map[string]int64{}
		}
		if v, ok := p.cursors[m.Cursor]; !ok || m.CursorValue > v {
			p.cursors[m.Cursor] = m.CursorValue
		}
	}
	p.arm()
	return nil
}

// MarksQueued reports whether marks for event id wait in the pipeline,
// not yet committed. SeenEvent counts them too (a re-delivery meanwhile is
// known); a crash forgets them.
func (s *Store) MarksQueued(id string) bool {
	p := &s.pipe
	p.mu.Lock()
	defer p.mu.Unlock()
	g, ok := p.marked[id]
	return ok && g == 0
}

// queuedEvent reports whether event id's marks wait in the pipeline or
// were committed after some open reader began: either way it was handled.
func (p *pipeline) queuedEvent(id string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	_, ok := p.marked[id]
	return ok
}

// queuedSent reports whether the outbox entry at time key k was reported
// sent and waits to be deleted, or was deleted after some open reader
// began (its snapshot still has it).
func (p *pipeline) queuedSent(k []byte) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	_, gone := p.gone[string(k)]
	return p.sent[string(k)] || p.sending[string(k)] || gone
}

// queuedCursor returns the highest value queued for cursor name.
func (p *pipeline) queuedCursor(name string) (int64, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	v, ok := p.cursors[name]
	return v, ok
}

// applyMarks writes queued marks. A mark that cannot be written (it was
// checked when queued, so only a bbolt refusal) is skipped: it cost at most
// a repeated read answer, and must not fail the writers it rides with.
func (tx *Tx) applyMarks(marks []Marks) {
	for _, m := range marks {
		if m.EventID != "" {
			_ = tx.MarkEvent(m.EventID, m.At)
		}
		if m.Cursor != "" {
			_ = tx.SetCursor(m.Cursor, m.CursorValue)
		}
	}
}

// closePipeline stops the timer and commits what still waits; s.mu must be
// held exclusively (no commit is running) and s.db open.
func (s *Store) closePipeline() error {
	p := &s.pipe
	p.mu.Lock()
	marks, sent := p.take()
	p.flush = nil
	p.mu.Unlock()
	if len(marks) == 0 && len(sent) == 0 {
		return nil
	}
	err := s.db.Update(func(btx *bolt.Tx) error {
		tx := &Tx{tx: btx, kr: s.kr}
		tx.applyMarks(marks)
		_, err := tx.deleteSent(sent)
		return err
	})
	if err != nil {
		return fmt.Errorf("ledger: commit queued marks: %w", err)
	}
	return nil
}

// readOnly wraps bbolt's refusal of a write in a View as ErrReadOnly.
func readOnly(err error) error {
	if err != nil && errors.Is(err, berrors.ErrTxNotWritable) && !errors.Is(err, ErrReadOnly) {
		return fmt.Errorf("%w: %w", ErrReadOnly, err)
	}
	return err
}
