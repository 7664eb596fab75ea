package dialog

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
)

// TestBlocked: a relayed answer refused because the customer blocked the
// bot marks them unreachable, leaves the outbox for good and tells the
// thread once; a staff member writing to them is told first; their next
// message clears it all.
func TestBlocked(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	h.cfg.Outbox = true
	h.reopen()
	seed(h)
	runSteps(t, h, append(linkMinji(h),
		step{msg: custMsg("내일 3시 예약 가능한가요?")},
		step{msg: press(custMsg(""), questionSend)},
	))
	relayOf := func(rs []Reply) Reply {
		t.Helper()
		out := repliesTo(rs, ToUser)
		if len(out) != 1 || out[0].UserID != custTG || out[0].OutboxID == "" || out[0].Thread != "1" {
			t.Fatalf("relayed %+v, want one reply to the customer of thread 1 kept in the outbox", out)
		}
		return out[0]
	}
	warning := func(rs []Reply) bool {
		return strings.Contains(allText(rs), h.text("media.reply.blocked", map[string]any{"Since": "2026-05-13 14:05"}))
	}
	h.advance(5 * time.Minute)
	first := relayOf(h.send(staffMsg("/reply 1 네, 가능해요")))
	ctx := context.Background()

	posts, err := h.eng.Blocked(ctx, ChannelTelegram, custTG, first)
	if err != nil {
		t.Fatal(err)
	}
	want := h.text("media.staff.blocked", map[string]any{"Tag": "[문의 #1]"})
	if len(posts) != 1 || posts[0].To != ToStaffChannel || posts[0].Thread != "1" || posts[0].Text != want || !strings.Contains(want, "전달 실패: 고객이 봇을 차단했어요") {
		t.Fatalf("posts %+v, want the thread told %q", posts, want)
	}
	h.view(func(tx *ledger.Tx) error {
		since, ok, err := tx.Unreachable("telegram:" + custTG)
		if err != nil || !ok || !since.Equal(t0.Add(5*time.Minute)) {
			t.Errorf("unreachable = %v %v %v, want since the refusal", since, ok, err)
		}
		return nil
	})
	unsent, err := h.eng.Unsent(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range unsent {
		if o.Reply.OutboxID == first.OutboxID {
			t.Errorf("the refused reply is still in the outbox: it would be sent again")
		}
	}

	// Told first, then relayed all the same; a second refusal tells the
	// thread nothing more.
	h.advance(time.Minute)
	rs := h.send(staffMsg("/reply 1 혹시 보셨나요?"))
	if !warning(rs) {
		t.Errorf("no warning before relaying to a customer who blocked the bot:\n%s", allText(rs))
	}
	if rs[0].To != ToConversation || !warning(rs[:1]) {
		t.Errorf("the warning is not the first reply: %q", allText(rs[:1]))
	}
	second := relayOf(rs)
	if posts, err := h.eng.Blocked(ctx, ChannelTelegram, custTG, second); err != nil || len(posts) != 0 {
		t.Errorf("second refusal: %+v %v, want nothing more for the thread", posts, err)
	}

	// The customer writes again: the mark goes, and so does the warning.
	h.send(custMsg("이제 보여요"))
	h.view(func(tx *ledger.Tx) error {
		if _, ok, _ := tx.Unreachable("telegram:" + custTG); ok {
			t.Error("still unreachable after writing")
		}
		return nil
	})
	if rs := h.send(staffMsg("/reply 1 다행이에요")); warning(rs) {
		t.Errorf("warned about a customer who wrote again:\n%s", allText(rs))
	}
	// Blocked again later: told again, once.
	third := relayOf(h.send(staffMsg("/reply 1 한 번 더")))
	if posts, err := h.eng.Blocked(ctx, ChannelTelegram, custTG, third); err != nil || len(posts) != 1 {
		t.Errorf("blocked again: %+v %v, want the thread told again", posts, err)
	}
}

// TestBlocked_NoThread: a reply that is no thread's relay to someone
// without an open thread marks them, and tells no thread.
func TestBlocked_NoThread(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	seed(h)
	runSteps(t, h, linkMinji(h))
	posts, err := h.eng.Blocked(context.Background(), ChannelTelegram, custTG, Reply{To: ToUser, Channel: ChannelTelegram, UserID: custTG, Text: "쿠폰이 도착했어요"})
	if err != nil || len(posts) != 0 {
		t.Fatalf("posts %+v %v, want none", posts, err)
	}
	h.view(func(tx *ledger.Tx) error {
		if _, ok, _ := tx.Unreachable("telegram:" + custTG); !ok {
			t.Error("not marked unreachable")
		}
		return nil
	})
	if _, err := h.eng.Blocked(context.Background(), "", "", Reply{}); err == nil {
		t.Error("Blocked of no one: no error")
	}
}

// TestLoyaltyJob_Blocked: a loyalty message refused because the customer
// blocked the bot is not an error the scheduler retries (or the next day
// repeats); any other failure still is.
func TestLoyaltyJob_Blocked(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	r := Reply{To: ToUser, Channel: ChannelTelegram, UserID: custTG, Text: "포인트가 곧 소멸돼요"}
	for _, tc := range []struct {
		name string
		err  error
		want bool // an error back
	}{
		{"OKBlockedDropped", fmt.Errorf("relay: send to telegram:user: %w", ErrBlocked), false},
		{"ErrOtherRetried", errors.New("relay: timeout"), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			job := h.eng.LoyaltyJob(func(context.Context, Reply) error { return tc.err })
			if err := job.Deliver(context.Background(), r); (err != nil) != tc.want {
				t.Errorf("Deliver = %v, want an error: %v", err, tc.want)
			}
		})
	}
}

// TestReach: the platform's word that a customer blocked the bot marks
// them and tells their open thread once, saying nothing to them; its word
// that they allowed it again clears the mark.
func TestReach(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	seed(h)
	runSteps(t, h, append(linkMinji(h),
		step{msg: custMsg("주차 되나요?")},
		step{msg: press(custMsg(""), questionSend)},
	))
	reach := func(r string) Message { m := custMsg(""); m.Reach = r; return m }
	unreachable := func() bool {
		var ok bool
		h.view(func(tx *ledger.Tx) (err error) { _, ok, err = tx.Unreachable("telegram:" + custTG); return err })
		return ok
	}
	rs := h.send(reach(ReachBlocked))
	if len(rs) != 1 || rs[0].To != ToStaffChannel || rs[0].Thread != "1" || !strings.Contains(rs[0].Text, "전달 실패: 고객이 봇을 차단했어요") {
		t.Fatalf("replies %+v, want only the thread told", rs)
	}
	if !unreachable() {
		t.Error("not marked")
	}
	if rs := h.send(reach(ReachBlocked)); len(rs) != 0 {
		t.Errorf("blocked twice: %q, want nothing more", allText(rs))
	}
	if rs := h.send(reach(ReachAllowed)); len(rs) != 0 || unreachable() {
		t.Errorf("allowed again: replies %q, unreachable %v; want none, cleared", allText(rs), unreachable())
	}
	// A stranger's (or staff's) word changes nothing and says nothing.
	m := staffMsg("")
	m.Reach = ReachBlocked
	if rs := h.send(m); len(rs) != 0 {
		t.Errorf("staff's reach: %q", allText(rs))
	}
}
