package dialog

import (
	"errors"
	"time"

	"github.com/dangol/dangol/ledger"
)

// This file answers a message the disk had no room for (ledger.ErrNoSpace):
// nothing of it was saved, and trying again at once will not help, so the
// sender is told so instead of being asked to retry, and the shop hears of
// it when it is customers' messages that are being lost.

// NoSpaceAlertEvery is how often, at most, the staff channel is told that
// customers' messages are not being saved for want of disk space.
const NoSpaceAlertEvery = 10 * time.Minute

// noSpaceReplies are the answers to a message the full disk kept from
// being saved, in lang: staff and managers are told the disk is full and
// what to do; a customer that nothing was kept and to send it again later,
// and the staff channel is alerted at most every NoSpaceAlertEvery. t is
// nil when the turn never began (the sender is then taken for a customer).
func (e *Engine) noSpaceReplies(t *turn, lang string) []Reply {
	if t != nil && t.staffish() {
		return []Reply{{Lang: lang, Text: e.cat.Text(lang, "core.err.no_space", nil)}}
	}
	rs := []Reply{{Lang: lang, Text: e.cat.Text(lang, "core.err.no_space_customer", nil)}}
	if e.claimNoSpaceAlert() {
		// Staff read it: the shop's language. It cannot go through the
		// outbox (the disk is full); it is sent like any failed turn's
		// replies, from memory.
		rs = append(rs, Reply{To: ToStaffChannel, Lang: e.lang, Text: e.cat.Text(e.lang, "core.err.no_space_alert", nil)})
	}
	return rs
}

// claimNoSpaceAlert reports whether the staff channel is due a no-space
// alert now, and if so counts it sent: one caller wins among concurrent
// ones.
func (e *Engine) claimNoSpaceAlert() bool {
	now := e.now().UnixNano()
	for {
		last := e.noSpaceAlerted.Load()
		if last != 0 && now-last < int64(NoSpaceAlertEvery) && now >= last {
			return false
		}
		if e.noSpaceAlerted.CompareAndSwap(last, now) {
			return true
		}
	}
}

// isNoSpace reports whether err is the ledger saying the disk is full.
func isNoSpace(err error) bool { return errors.Is(err, ledger.ErrNoSpace) }
