package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/bots/relay"
	"github.com/dangol/dangol/dialog"
	"github.com/dangol/dangol/ledger"
)

// TestChat_Campaign, console goldens campaign.{ko,en}: a customer linked
// with advertising consent, a second one without it, the manager's
// one-line /campaign with its preview (counts, the first message as it
// goes, the time), [발송], the send by :time as '→ [고객 4242] (광고) …'
// with [수신 거부], nothing to the other customer, and /campaign list.
func TestChat_Campaign(t *testing.T) {
	t.Parallel() // its own ledger and Main
	for _, lang := range []string{"ko", "en"} {
		t.Run(lang, func(t *testing.T) {
			script := strings.Join([]string{
				":as manager 사장",
				":as staff 민지",
				"/customer new 010-4815-1623 김하늘",
				"/link 010-4815-1623",
				":as customer 4242",
				"/start", "1", "815887",
				"1", // [받을게요]
				":as staff 민지",
				"/customer new 010-1111-2222 이바다",
				":as manager 사장",
				"/campaign : 이번 주 펌 20% 할인해 드려요 --points 500",
				"1", // [발송]
				":time +2m",
				"/campaign list",
			}, "\n") + "\n"
			tr := shopChat(t, lang, script)
			to := testCatalog.Text(lang, "console.to.customer", map[string]any{"User": "4242"})
			ad := to + " " + testCatalog.Text(lang, "ads.header", map[string]any{"Shop": "단골미용실"})
			if n := strings.Count(tr, ad); n != 1 {
				t.Errorf("advertising messages: %d, want the one campaign message:\n%s", n, tr)
			}
			_, from, ok := strings.Cut(tr, "> :as manager 사장")
			if !ok {
				t.Fatalf("no script in the transcript:\n%s", tr)
			}
			assertGolden(t, filepath.Join("testdata", "campaign."+lang+".golden"), "> :as manager 사장"+from)
		})
	}
}

// refusingTelegram is a Telegram that refuses every message: blocked
// (403: dialog.ErrBlocked) to the users in blocked, down to the others.
type refusingTelegram struct{ blocked map[string]bool }

// Send implements relay.Sender.
func (f refusingTelegram) Send(_ context.Context, to relay.Address, _ dialog.Reply) error {
	if f.blocked[to.User] || f.blocked[to.Conversation] {
		return fmt.Errorf("telegram: forbidden: %w", dialog.ErrBlocked)
	}
	return errors.New("telegram: down")
}

// TestCampaignFailed: a campaign to two consenting customers through the
// outbox and serve's router, on a Telegram that refuses both: the one who
// blocked the bot is failed (blocked) at once, through blockedSender and
// Engine.Blocked; the other's message waits in the outbox and is failed
// (gave up) when the resender gives it up after outboxGiveUp. Each counts
// once, whichever path reports again; /campaign 1 shows it, and the next
// campaign skips the blocked customer as unreachable.
func TestCampaignFailed(t *testing.T) {
	t.Parallel() // its own ledger
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "dangol.db")
	store, err := ledger.Open(path, testLedgerOptions(t, path))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	now := adminNow
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	eng, err := dialog.New(dialog.Config{Store: store, Catalog: testCatalog, Logger: log, Outbox: true, ShopName: "단골미용실",
		Managers: []string{"slack:U2"}, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	err = store.Update(ctx, func(tx *ledger.Tx) error {
		for i, name := range []string{"김하늘", "이바다"} {
			c := ledger.Customer{Name: name, Phone: fmt.Sprintf("0104815%04d", i), CreatedAt: now}
			if err := tx.CreateCustomer(&c); err != nil {
				return err
			}
			if err := tx.LinkCustomer(c.ID, fmt.Sprintf("telegram:%d", 4242+i), ledger.Consent{Given: true, At: now}); err != nil {
				return err
			}
			if _, err := tx.SetMarketing(c.ID, true, ledger.ViaCommand, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	manager := func(text, payload string) string {
		t.Helper()
		m := dialog.Message{Channel: "slack", UserID: "U2", ConversationID: "DU2", EventID: "ev-" + text + payload, Private: true, Lang: "ko", Text: text}
		if payload != "" {
			m.Action = &dialog.Action{Payload: payload}
		}
		rs, err := eng.Handle(ctx, m)
		if err != nil || len(rs) == 0 {
			t.Fatalf("%q %q: %v %+v", text, payload, err, rs)
		}
		for _, r := range rs { // shown to the manager: out of the outbox
			if err := eng.Delivered(ctx, r.OutboxID); err != nil {
				t.Fatal(err)
			}
		}
		return rs[0].Text
	}
	manager("/campaign : 이번 주 펌 20% 할인해 드려요", "")
	manager("", "cmp:send:1")

	r := newOutboxRouter(log, eng)
	watchBlocked(r, "telegram", refusingTelegram{blocked: map[string]bool{"4242": true}}, eng, log)
	job := eng.CampaignJob(0, 0, r.Deliver)
	rs, err := job.Posts(ctx, now)
	if err != nil || len(rs) != 2 {
		t.Fatalf("campaign sends: %v, %d messages", err, len(rs))
	}
	for _, reply := range rs {
		if reply.OutboxID == "" || reply.Origin == "" {
			t.Errorf("campaign message without outbox id or origin: %+v", reply)
		}
		err := job.Deliver(ctx, reply)
		if (reply.UserID == "4242") != (err == nil) {
			t.Errorf("deliver to %s: %v (a block is done with, a failure is not)", reply.UserID, err)
		}
	}
	counts := func() ledger.CampaignCounts {
		t.Helper()
		var c ledger.Campaign
		if err := store.View(ctx, func(tx *ledger.Tx) (err error) { c, err = tx.Campaign(1); return err }); err != nil {
			t.Fatal(err)
		}
		return c.Counts
	}
	if c := counts(); c.Sent != 1 || c.Failed != 1 || c.FailedBy[ledger.FailBlocked] != 1 {
		t.Errorf("after the sends: %+v, want 1 sent and 1 failed (blocked)", c)
	}
	if n := eng.Pending(); n != 1 {
		t.Errorf("%d replies wait in the outbox, want the one that failed", n)
	}

	res := &resender{engine: eng, send: r.Send, now: func() time.Time { return now.Add(outboxGiveUp) }, every: time.Hour, logger: log}
	for range 2 { // the second sweep finds nothing
		if _, _, err := res.sweep(ctx, now.Add(outboxGiveUp)); err != nil {
			t.Fatal(err)
		}
	}
	for _, reply := range rs { // both paths report both again: nothing moves
		if err := eng.GaveUp(ctx, reply); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := eng.Blocked(ctx, "telegram", "4242", rs[0]); err != nil {
		t.Fatal(err)
	}
	want := ledger.CampaignCounts{Failed: 2, FailedBy: map[string]int{ledger.FailBlocked: 1, ledger.FailGaveUp: 1}}
	if c := counts(); fmt.Sprint(c) != fmt.Sprint(want) {
		t.Errorf("counts %+v, want %+v", c, want)
	}
	if n := eng.Pending(); n != 0 {
		t.Errorf("%d replies wait in the outbox after the give-up", n)
	}
	show := manager("/campaign 1", "")
	if line := testCatalog.Text("ko", "campaign.failed", map[string]any{"Failed": 2, "Blocked": 1, "GaveUp": 1}); !strings.Contains(show, line) {
		t.Errorf("/campaign 1 says\n%s\nwant %q", show, line)
	}
	if preview := manager("/campaign : 두 번째 소식", ""); !strings.Contains(preview, "받는 분: 1명") || !strings.Contains(preview, "연락 불가 1명") {
		t.Errorf("the next campaign's preview:\n%s\nwant the blocked customer skipped as unreachable", preview)
	}
}
