package dialog

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/dangol/dangol/ledger"
)

// Customers who blocked the bot (issue 12). A platform that refuses to
// deliver to a person at all (Telegram's 403 "bot was blocked by the
// user") makes the adapter's Send return an error wrapping ErrBlocked; the
// caller hands the reply to Engine.Blocked, which marks the person
// unreachable in the ledger, takes the reply out of the outbox (failed:
// it is never sent again) and, the first time, tells their thread in the
// staff channel. The person's next message clears the mark; until then a
// staff member relaying to them is told first.

// ErrBlocked is returned (wrapped) by an adapter's Send when the platform
// refuses every message to that person, for good until they act: a
// Telegram user who blocked the bot. Retrying does not help; pass the
// reply to Engine.Blocked.
var ErrBlocked = errors.New("dialog: the person blocked the bot")

// Blocked records that r, a reply to the person userID on channel (for a
// Telegram private chat, the chat id), failed with ErrBlocked: the person
// is marked unreachable, r leaves the outbox (it is not sent, nor tried
// again), a campaign's message counts its recipient failed (once; see
// GaveUp), and the first time they are so marked it returns a post for the
// staff channel in their thread ("전달 실패: 고객이 봇을 차단했어요") — the
// thread r relays to (Reply.Thread), else their latest thread still open;
// none when there is none. The caller sends what it returns.
func (e *Engine) Blocked(ctx context.Context, channel, userID string, r Reply) ([]Reply, error) {
	if channel == "" || userID == "" {
		return nil, fmt.Errorf("dialog: blocked: no one named")
	}
	pid := channel + ":" + userID
	var posts []Reply
	err := e.store.Update(ctx, func(tx *ledger.Tx) error {
		posts = nil // Update may run this again
		if err := e.failSent(tx, r, ledger.FailBlocked, e.now()); err != nil {
			return err
		}
		fresh, err := tx.MarkUnreachable(pid, e.now())
		if err != nil || !fresh {
			return err
		}
		t := e.newTurn(ctx, tx, Message{Channel: channel, UserID: userID}, "", e.now())
		th, ok, err := t.blockedThread(r.Thread)
		if err != nil || !ok {
			return err
		}
		posts = append(posts, t.blockedPost(th))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("dialog: blocked: %w", err)
	}
	if r.OutboxID != "" {
		if err := e.Delivered(ctx, r.OutboxID); err != nil {
			return posts, fmt.Errorf("dialog: blocked: %w", err)
		}
		e.log.WarnContext(ctx, "outbox: a reply to someone who blocked the bot is given up", "outbox_id", r.OutboxID, "channel", channel)
	}
	return posts, nil
}

// blockedThread is the thread to tell that its customer blocked the bot:
// number (a relayed reply's Reply.Thread), else the sender's latest
// thread if not closed.
func (t *turn) blockedThread(number string) (ledger.Thread, bool, error) {
	if n, err := strconv.ParseInt(number, 10, 64); err == nil && n > 0 {
		th, err := t.tx.Thread(n)
		if errors.Is(err, ledger.ErrNotFound) {
			return ledger.Thread{}, false, nil
		}
		if err != nil {
			return ledger.Thread{}, false, fmt.Errorf("dialog: read thread: %w", err)
		}
		return th, true, nil
	}
	c, _, err := t.linkedCustomer()
	if err != nil {
		return ledger.Thread{}, false, err
	}
	th, ok, err := t.tx.LatestThreadOf(c.ID, t.pid)
	if err != nil {
		return ledger.Thread{}, false, fmt.Errorf("dialog: latest thread: %w", err)
	}
	return th, ok && th.State != ledger.ThreadClosed, nil
}

// reachable clears the sender's unreachable mark: they wrote, so the
// platform delivers to them again. Without a mark it writes nothing (a
// read-only turn stays one).
func (t *turn) reachable() error {
	if _, err := t.tx.ClearUnreachable(t.pid); err != nil {
		return fmt.Errorf("dialog: reachable: %w", err)
	}
	return nil
}

// warnBlocked tells a staff member, before their replies go, that a
// customer they write to (a relayed answer, a resolution's message) has
// blocked the bot, so it may not reach them: one notice per person, put
// ahead of the first reply to them.
func (t *turn) warnBlocked() error {
	told := map[string]bool{}
	for i := 0; i < len(t.replies); i++ {
		r := t.replies[i]
		pid := r.Channel + ":" + r.UserID
		if r.To != ToUser || r.UserID == "" || told[pid] {
			continue
		}
		since, blocked, err := t.tx.Unreachable(pid)
		if err != nil {
			return fmt.Errorf("dialog: unreachable: %w", err)
		}
		if !blocked {
			continue
		}
		told[pid] = true
		warn := t.mk(t.text("media.reply.blocked", map[string]any{"Since": t.when(since)}))
		t.replies = append(t.replies[:i], append([]Reply{warn}, t.replies[i:]...)...)
		i++
	}
	return nil
}

// onReach handles the platform's word that the sender blocked the bot or
// allowed it again (Message.Reach): blocked marks them unreachable and,
// the first time, tells their open thread; allowed clears the mark.
// Nothing is said to the sender, who may not be reached.
func (t *turn) onReach(reach string) error {
	if t.role != ledger.RoleCustomer {
		return nil
	}
	switch reach {
	case ReachAllowed:
		return t.reachable()
	case ReachBlocked:
		fresh, err := t.tx.MarkUnreachable(t.pid, t.now)
		if err != nil || !fresh {
			return err
		}
		th, ok, err := t.blockedThread("")
		if err != nil || !ok {
			return err
		}
		t.add(t.blockedPost(th))
	}
	return nil
}

// blockedPost tells th in the staff channel that its customer blocked the
// bot: "전달 실패: 고객이 봇을 차단했어요".
func (t *turn) blockedPost(th ledger.Thread) Reply {
	lang := t.e.lang
	return t.staffPost(th, t.e.cat.Text(lang, "media.staff.blocked", map[string]any{"Tag": t.threadTag(lang, th)}))
}
