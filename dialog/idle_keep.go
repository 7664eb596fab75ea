package dialog

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dangol/dangol/ledger"
)

// Keeping what an idle flow holds.
//
// A flow with a keep (flowDef.keep: the guided note once its text is
// written, a customer's feedback once rated) is not thrown away when its
// writer walks away before [저장] or the last optional question.
// What it holds is saved, as when a new command replaces it, in two ways:
//   - the writer's next message after the idle timeout saves it first and
//     says so (loadSession), unless that message cancels it;
//   - IdleKeepJob saves it a few minutes after the timeout without waiting
//     for them, and tells them by DM with the note's card. The shop's
//     record then carries the time of the consultation, not of whenever
//     the writer next says something, and a writer who never comes back
//     loses nothing.
// The housekeeping sweep strips idle drafts only IdleKeepGrace after the
// timeout, so that the job has come by first.

// IdleKeepJobName names the job in the scheduler's records.
const IdleKeepJobName = "idle-keep"

// DefaultIdleKeepSpec looks for idle flows to keep every five minutes.
const DefaultIdleKeepSpec = "*/5 * * * *"

// IdleKeepGrace is how much longer than the idle timeout a flow's draft
// stays before the housekeeping sweep strips it: long enough for several
// runs of IdleKeepJob, a restart in between included.
const IdleKeepGrace = 30 * time.Minute

// Draft keys of the writer of a flow that can keep its work: who the idle
// job saves it as, and whom it tells. Set by finish (noteWriter).
const (
	dWriter     = "_writer"      // the platform user id
	dWriterName = "_writer_name" // their display name, as the note names its author
	dWriterRole = "_writer_role" // the role a trusted channel (the console) said they have
)

// IdleKeepJob saves, every five minutes, what flows idle past the timeout
// hold and can keep (a note with its text written, a feedback rated), and
// DMs each writer what was saved (the note's card, the thanks). The note and the DM are recorded in one
// transaction, the DM in the outbox: it goes at least once, and the note
// is never saved twice (the session goes with it).
func (e *Engine) IdleKeepJob(deliver func(context.Context, Reply) error) Job {
	return Job{
		Name: IdleKeepJobName, Spec: DefaultIdleKeepSpec, Loc: e.loc, MaxLate: 4 * time.Minute, // shorter than the interval (Job.MaxLate)
		Posts:   e.IdleKept,
		Deliver: deliver,
		Check:   true,           // it reads the sessions as they are at its run
		Due:     e.idleKeepNext, // check_due.go
	}
}

// IdleKept saves what every flow idle since before at minus the idle
// timeout holds and can keep, and returns the DMs telling its writers. A
// flow whose writer is no longer staff, or that holds too little to
// keep, is left to the housekeeping sweep and to its writer's next message
// (told it was cancelled).
func (e *Engine) IdleKept(ctx context.Context, at time.Time) ([]Reply, error) {
	keeping := keepingFlows()
	before := at.Add(-e.timeout)
	// Looked for in a read first: nearly always there is nothing to save,
	// and the shared write transaction is not held for the look.
	var found bool
	if err := e.store.View(ctx, func(tx *ledger.Tx) error {
		idle, err := tx.IdleSessions(before, keeping...)
		found = len(idle) > 0
		return err
	}); err != nil {
		return nil, fmt.Errorf("dialog: idle flows: %w", err)
	}
	if !found {
		return nil, nil
	}
	var out []Reply
	err := e.store.Update(ctx, func(tx *ledger.Tx) error {
		out = out[:0] // Update may run this more than once
		idle, err := tx.IdleSessions(before, keeping...)
		if err != nil {
			return err
		}
		for _, s := range idle {
			if s.Draft[dWriter] == "" {
				continue // written before drafts named their writer
			}
			rs, err := e.keepIdleSession(ctx, tx, s, at)
			if err != nil {
				return err
			}
			out = append(out, rs...)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("dialog: keep idle flows: %w", err)
	}
	return out, nil
}

// keepingFlows names the flows with a keep: what the idle-keep job saves.
func keepingFlows() []string {
	var keeping []string
	for name, f := range flows {
		if f.keep != nil {
			keeping = append(keeping, name)
		}
	}
	return keeping
}

// keepIdleSession saves what s holds as its writer would have, and returns
// the replies to send: the writer's as DMs, in the outbox.
func (e *Engine) keepIdleSession(ctx context.Context, tx *ledger.Tx, s ledger.Session, at time.Time) ([]Reply, error) {
	channel, conv, ok := strings.Cut(s.Key, ":")
	if !ok {
		return nil, nil
	}
	m := Message{
		Channel: channel, ConversationID: conv,
		UserID: s.Draft[dWriter], UserName: s.Draft[dWriterName], Role: ledger.Role(s.Draft[dWriterRole]),
		Lang: s.Lang,
		// The outbox's entries for this save are known by it; a
		// session is saved once (it goes with the save).
		EventID: "idle-keep:" + s.Key + ":" + strconv.FormatInt(s.Updated.UnixNano(), 10),
	}
	t := e.newTurn(ctx, tx, m, s.Key, at)
	if err := t.resolveRole(); err != nil {
		return nil, err
	}
	if f := flows[s.Flow]; f == nil || !slices.Contains(f.roles, t.role) {
		return nil, nil // no longer staff, say: nothing saved in their name
	}
	kept, err := t.keepIdle(s)
	if err != nil || !kept {
		return nil, err
	}
	if err := tx.DeleteSession(s.Key); err != nil {
		return nil, fmt.Errorf("delete session: %w", err)
	}
	for i := range t.replies {
		if r := &t.replies[i]; r.To == ToConversation {
			// Its conversation may be a channel others read, and nobody
			// asked there: the writer alone is told.
			r.To, r.Channel, r.UserID = ToUser, m.Channel, m.UserID
		}
	}
	if err := t.stash(); err != nil {
		return nil, err
	}
	return t.replies, nil
}

// keepIdle saves what the expired session s holds, when its flow can keep
// it, with a notice before the flow's own confirmation, and reports
// whether it did. t.sess is empty afterwards either way.
func (t *turn) keepIdle(s ledger.Session) (bool, error) {
	f := flows[s.Flow]
	if f == nil || f.keep == nil || t.ro || !slices.Contains(f.roles, t.role) {
		return false, nil
	}
	t.sess = s
	at := len(t.replies)
	// Saved as of the writer's last answer, not of whenever it is saved:
	// a consultation written at 23:50 is that day's visit.
	now := t.now
	t.now, t.idleKeeping = s.Updated, true
	kept, err := f.keep(t)
	t.now, t.idleKeeping = now, false
	t.sess = ledger.Session{Key: t.key}
	if err != nil || !kept {
		return false, err
	}
	t.keptIdle = true
	id := "core.flow.kept_idle"
	if f.keptIdle != "" {
		id = f.keptIdle
	}
	n := t.mk(t.text(id, map[string]any{
		"Flow":    t.text(t.flowTitle(s), nil),
		"Minutes": int(t.e.timeout / time.Minute),
	}))
	t.replies = slices.Insert(t.replies, at, n)
	return true, nil
}

// asksCancel reports whether the message is a cancel (/cancel, 취소, a
// [취소] button): a writer who comes back to cancel the flow is not given
// it saved.
func (t *turn) asksCancel() bool {
	text := strings.TrimSpace(t.m.Text)
	if t.m.Action != nil {
		return t.isButton(input{payload: strings.TrimSpace(t.m.Action.Payload)}, "cancel", "core.btn.cancel")
	}
	if cmd, _, _, ok := t.readCommand(text, true); ok && cmd == "cancel" {
		return true
	}
	return t.isButton(input{text: text}, "cancel", "core.btn.cancel") // the button's label typed, as a flow reads it
}

// noteWriter records in the draft of a flow that can keep its work who is
// writing it, for IdleKeepJob.
func (t *turn) noteWriter() {
	if f := flows[t.sess.Flow]; f == nil || f.keep == nil {
		return
	}
	if t.sess.Draft == nil {
		t.sess.Draft = map[string]string{}
	}
	t.sess.Draft[dWriter] = t.m.UserID
	t.setDraft(dWriterName, t.m.UserName)
	t.setDraft(dWriterRole, string(t.m.Role))
}

// setDraft sets draft key k to v, or removes it for an empty v.
func (t *turn) setDraft(k, v string) {
	if v == "" {
		delete(t.sess.Draft, k)
		return
	}
	t.sess.Draft[k] = v
}
