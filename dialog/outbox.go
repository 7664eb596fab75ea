package dialog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/dangol/dangol/ledger"
)

// How a message's replies reach the platform without being lost, and how a
// read is answered without an fsync of its own (see the package doc's
// "Delivery").

// Outgoing is a reply kept in the ledger's outbox, with the conversation
// it answers: what Unsent hands back after a restart.
type Outgoing struct {
	Channel        string    // the platform of the conversation
	ConversationID string    // the conversation the message came from
	UserID         string    // the sender of the message
	At             time.Time // when the reply was written, on the engine's clock
	Reply          Reply     // Reply.OutboxID is set
}

// outboxRecord is an outbox entry's payload: the reply and its address.
// The ledger seals it whole.
type outboxRecord struct {
	Channel      string `json:"ch"`
	Conversation string `json:"conv"`
	User         string `json:"user,omitempty"`
	Reply        Reply  `json:"reply"`
}

// handleRead runs the message in a read-only transaction first. A message
// that only reads (a points check, /help, a card, a refusal) is answered
// from it, and its event id and cursor are queued to ride on the next
// commit: no fsync of its own. ok is false when the message writes, or
// failed in a way the write path must see: the caller runs it again in a
// read-write transaction.
func (e *Engine) handleRead(ctx context.Context, m Message, key string) (replies []Reply, err error, ok bool) {
	now := e.now()
	var t *turn
	verr := e.store.View(ctx, func(tx *ledger.Tx) error {
		t = e.newTurn(ctx, tx, m, key, now)
		t.ro = true
		return t.run()
	})
	if t == nil {
		return nil, nil, false
	}
	switch {
	case verr == nil && t.dup:
		noteDuplicate(ctx)
		return t.replies, nil, true
	case verr == nil:
		if err := e.store.QueueMarks(t.marks()); err != nil {
			return nil, nil, false
		}
		replies := t.replies
		if t.later != nil {
			more, lerr := t.runLater(ctx)
			replies = append(replies, more...)
			if lerr != nil {
				rs, err := e.fail(ctx, t, m, key, replies, lerr)
				return rs, err, true
			}
		}
		return replies, nil, true
	case errors.Is(verr, ledger.ErrReadOnly) || t.expired:
		return nil, nil, false // it writes (an expired session is deleted)
	}
	if id, data, known := t.knownError(verr); known {
		if err := e.store.QueueMarks(t.marks()); err != nil {
			return nil, nil, false
		}
		replies := append([]Reply(nil), t.notices...)
		return append(replies, t.mk(t.text(id, data))), nil, true
	}
	return nil, nil, false
}

// errWrites ends a read-only attempt early: the message is sure to write.
var errWrites = fmt.Errorf("dialog: this message writes: %w", ledger.ErrReadOnly)

// writes reports, before dispatch, that the message will write, so the
// read-only attempt stops before it does any work (or draws a link code)
// twice: staff are audited on every customer they see, a running flow
// saves its session, a form or an expiry changes something. A message it
// lets through that writes all the same is caught at its first write
// (ErrReadOnly) and run again.
func (t *turn) writes() bool {
	return t.staffish() || t.sess.Flow != "" || t.expired || t.hadSess || t.m.FormID != ""
}

// marks are what the turn records of its message when it wrote nothing.
func (t *turn) marks() ledger.Marks {
	return ledger.Marks{EventID: t.m.EventID, At: t.now, Cursor: t.m.CursorName, CursorValue: t.m.CursorValue}
}

// stash writes the turn's replies into the outbox, in the transaction of
// their effect, and gives each its id; forms and form errors excepted.
// Without Config.Outbox, or for a re-delivery (whose replies came from the
// outbox), it does nothing.
func (t *turn) stash() error {
	if !t.e.outbox || t.dup {
		return nil
	}
	for i := range t.replies {
		r := &t.replies[i]
		r.OutboxID = ""
		if r.Form != nil || r.FormErrors != nil {
			// A form to open or a form's inline errors only mean something
			// to the client that is waiting for them now (a Slack trigger
			// lives 3 seconds): never sent later, so never kept.
			continue
		}
		id, err := addOutbox(t.tx, t.m.EventID, t.now, outboxRecord{Channel: t.m.Channel, Conversation: t.m.ConversationID, User: t.m.UserID, Reply: *r}, t.about())
		if err != nil {
			return fmt.Errorf("dialog: outbox: %w", err)
		}
		r.OutboxID = id
	}
	return nil
}

// conversationOf says whom the turn's answers in its own conversation are
// about: a customer's message, the customer linked to them (by platform
// id); a staff member's, the one customer it audited (a note, a card, a
// points change), if exactly one.
type conversationOf struct {
	senderPID  string // the customer's platform id; "" for staff or a job
	customerID string // the one customer a staff message audited; "" none
}

// about says whom the turn's answers in its conversation are about.
func (t *turn) about() conversationOf {
	if t.role == ledger.RoleCustomer {
		return conversationOf{senderPID: t.pid}
	}
	if a := t.tx.Audited(); len(a) == 1 {
		return conversationOf{customerID: a[0]}
	}
	return conversationOf{}
}

// addOutbox writes rec into tx's outbox for event eventID, sealed under
// the key of the customer its reply is about (outboxCustomer), so that
// their erasure deletes it unsent; conv says whom an answer in its
// conversation is about (zero for a job's message).
func addOutbox(tx *ledger.Tx, eventID string, at time.Time, rec outboxRecord, conv conversationOf) (string, error) {
	payload, err := json.Marshal(rec)
	if err != nil {
		return "", err
	}
	cust, err := outboxCustomer(tx, rec.Reply, conv)
	if err != nil {
		return "", err
	}
	id, err := tx.AddOutboxFor(eventID, cust, at, payload)
	if errors.Is(err, ledger.ErrCustomerNotFound) && cust != "" {
		// Never fail an effect over its reply's tie: the shop key, as before.
		return tx.AddOutbox(eventID, at, payload)
	}
	return id, err
}

// outboxCustomer returns the id of the customer reply r is about, "" for
// none: the one linked to its recipient (ToUser), the one whose message it
// answers in their conversation or the one customer the staff member's
// message audited (conv), or the customer of the staff thread it is posted
// in (a question or complaint quoted to the staff channel). A staff post
// outside a thread, or an answer to staff about several customers or
// none audited, is tied to nobody: the reply says who it is about only in
// its text.
func outboxCustomer(tx *ledger.Tx, r Reply, conv conversationOf) (string, error) {
	pid := ""
	switch r.To {
	case ToUser:
		pid = r.Channel + ":" + r.UserID
	case ToConversation:
		if conv.senderPID == "" {
			return conv.customerID, nil
		}
		pid = conv.senderPID
	case ToStaffChannel:
		n, err := strconv.ParseInt(r.Thread, 10, 64)
		if r.Thread == "" || err != nil {
			return "", nil
		}
		th, err := tx.Thread(n)
		if errors.Is(err, ledger.ErrNotFound) {
			return "", nil
		}
		if err != nil {
			return "", fmt.Errorf("thread of a staff post: %w", err)
		}
		return th.CustomerID, nil
	}
	if pid == "" || pid == ":" {
		return "", nil
	}
	c, err := tx.CustomerByLink(pid)
	if errors.Is(err, ledger.ErrCustomerNotFound) || (err == nil && c.Erased) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("recipient of a reply: %w", err)
	}
	return c.ID, nil
}

// unsent loads the replies of the turn's (re-delivered) event still
// waiting in the outbox.
func (t *turn) unsent() error {
	entries, err := t.tx.OutboxOf(t.m.EventID)
	if err != nil {
		return fmt.Errorf("dialog: outbox of event: %w", err)
	}
	for _, en := range entries {
		if en.Erased {
			continue // about a customer erased since: never sent (Unsent drops it)
		}
		if en.Damaged != nil {
			// Kept for the shop to restore from a backup; the event's
			// other replies still go.
			t.e.log.ErrorContext(t.ctx, "dialog: outbox entry unreadable: kept, not sent", "outbox_id", en.ID, "err", en.Damaged)
			continue
		}
		o, err := decodeOutgoing(en)
		if err != nil {
			return err
		}
		t.replies = append(t.replies, o.Reply)
	}
	return nil
}

// decodeOutgoing reads an outbox entry back.
func decodeOutgoing(en ledger.OutboxEntry) (Outgoing, error) {
	var rec outboxRecord
	if err := json.Unmarshal(en.Payload, &rec); err != nil {
		return Outgoing{}, fmt.Errorf("dialog: outbox entry %s: %w", en.ID, err)
	}
	rec.Reply.OutboxID = en.ID
	return Outgoing{Channel: rec.Channel, ConversationID: rec.Conversation, UserID: rec.User, At: en.At, Reply: rec.Reply}, nil
}

// Unsent returns up to limit replies still waiting in the outbox, oldest
// first, written after the one with outbox id after ("" for the oldest):
// at start, what the last run committed and did not see sent. limit <= 0
// means all. Send each and report it with Delivered; an entry that cannot
// be read is logged (by id) and skipped, never deleted. An entry about a
// customer whose key is gone (ledger.OutboxEntry.Erased) is logged by id,
// counted and dropped (Delivered) instead: it will never open. Skipped
// entries do not shorten the page: fewer than limit means no more wait.
func (e *Engine) Unsent(ctx context.Context, after string, limit int) ([]Outgoing, error) {
	var out []Outgoing
	for {
		want := 0
		if limit > 0 {
			want = limit - len(out)
		}
		var entries []ledger.OutboxEntry
		err := e.store.View(ctx, func(tx *ledger.Tx) error {
			var err error
			entries, err = tx.Outbox(after, want)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("dialog: unsent replies: %w", err)
		}
		var erased []string
		for _, en := range entries {
			if en.Erased {
				// About a customer erased since: it can never be opened,
				// so it is dropped, never sent nor retried.
				e.log.InfoContext(ctx, "dialog: outbox entry of an erased customer: dropped, not sent", "outbox_id", en.ID)
				erased = append(erased, en.ID)
				continue
			}
			o, err := Outgoing{}, en.Damaged
			if err == nil {
				o, err = decodeOutgoing(en)
			}
			if err != nil {
				e.log.ErrorContext(ctx, "dialog: outbox entry unreadable: kept, not sent", "outbox_id", en.ID, "err", err)
				continue
			}
			out = append(out, o)
		}
		if len(erased) > 0 {
			if err := e.Delivered(ctx, erased...); err != nil {
				return nil, fmt.Errorf("dialog: unsent replies: drop %d of erased customers: %w", len(erased), err)
			}
			e.log.InfoContext(ctx, "dialog: outbox entries of erased customers dropped", "count", len(erased))
		}
		// A skipped entry leaves the page short: read on past it, so that
		// a short page still means the end.
		if want == 0 || len(entries) < want || len(out) >= limit {
			return out, nil
		}
		after = entries[len(entries)-1].ID
	}
}

// Delivered reports that the platform accepted the replies with these
// outbox ids (Reply.OutboxID; empty ids are ignored): they leave the
// outbox with the next commit, without an fsync of their own. A crash
// before that sends them again.
func (e *Engine) Delivered(ctx context.Context, ids ...string) error {
	keep := ids[:0:0]
	for _, id := range ids {
		if id != "" {
			keep = append(keep, id)
		}
	}
	if len(keep) == 0 {
		return nil
	}
	if err := e.store.Sent(ctx, keep...); err != nil {
		return fmt.Errorf("dialog: delivered: %w", err)
	}
	return nil
}

// Pending returns how many replies wait in the outbox for Delivered: the
// figure intake holds under a limit (back-pressure) so that a flood of
// messages waits at the platform instead of in memory.
func (e *Engine) Pending() int { return e.store.OutboxPending() }

// WaitPending returns once fewer than limit replies wait in the outbox, or
// with ctx's error: intake calls it before taking the next message, so a
// flood waits at the platform while the platforms catch up (back-pressure),
// not in memory. limit <= 0 never waits.
func (e *Engine) WaitPending(ctx context.Context, limit int) error {
	return e.store.WaitOutbox(ctx, limit)
}
