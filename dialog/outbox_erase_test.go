package dialog

import (
	"bytes"
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/dangol/dangol/ledger"
)

// TestOutboxErasure: 김민지's thanks and the staff alert quoting her
// (her complaint thread) wait unsent, and she is erased before they go:
// after a crash nothing of hers is sent again, her re-delivered message
// finds no replies, and the file holds none of their words; 박지훈's
// thanks, written as hers and waiting too, still goes.
func TestOutboxErasure(t *testing.T) {
	h := mustOpenOutbox(t)
	done := h.linkAndRate(t) // 김민지's thanks and the alert, not sent
	var f fixture
	if err := h.store.View(context.Background(), func(tx *ledger.Tx) error {
		m, err := tx.CustomerByPhone("01012345678")
		if err != nil {
			return err
		}
		j, err := tx.CustomerByPhone("01022223333")
		f.minji, f.jihoon1 = m.ID, j.ID
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := h.store.Update(context.Background(), func(tx *ledger.Tx) error {
		return tx.LinkCustomer(f.jihoon1, ChannelTelegram+":"+custTG2, ledger.Consent{Given: true, At: h.now(), Purpose: "loyalty+feedback"})
	}); err != nil {
		t.Fatal(err)
	}
	h.delivered(h.at("fb2-1", cust2Msg("피드백")))
	h.delivered(h.at("fb2-2", press(cust2Msg(""), "rate:5")))
	h.delivered(h.at("fb2-3", press(cust2Msg(""), "nps:10")))
	other := h.at("fb2-done", cust2Msg("박지훈입니다 친절했어요"))
	if len(other) == 0 {
		t.Fatal("박지훈's comment has no reply")
	}

	if err := h.store.Update(context.Background(), func(tx *ledger.Tx) error {
		return tx.EraseCustomer(f.minji, h.now())
	}); err != nil {
		t.Fatal(err)
	}
	h.crash()

	out, err := h.eng.Unsent(context.Background(), "", 0)
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, o := range out {
		left = append(left, o.Reply.OutboxID)
	}
	var want []string
	for _, r := range other {
		want = append(want, r.OutboxID)
	}
	if !slices.Equal(left, want) {
		t.Errorf("after the erasure the outbox sends %q (%q), want only 박지훈's %q", left, textsOf(out), want)
	}
	for _, r := range done {
		if slices.Contains(left, r.OutboxID) {
			t.Errorf("김민지's reply %q would still be sent", r.Text)
		}
	}
	if rs := h.at("fb-done", custMsg("너무 오래 기다렸어요")); len(rs) != 0 {
		t.Errorf("her re-delivered message is answered with %q", texts(rs))
	}
	data, err := os.ReadFile(h.path)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range done {
		for _, line := range strings.Split(r.Text, "\n") {
			if len(line) > 8 && bytes.Contains(data, []byte(line)) {
				t.Errorf("the file holds %q in the clear", line)
			}
		}
	}
	for _, v := range []string{"너무 오래 기다렸어요", "김민지", "01012345678"} {
		if bytes.Contains(data, []byte(v)) {
			t.Errorf("the file holds %q in the clear", v)
		}
	}
}

func textsOf(out []Outgoing) []string {
	var s []string
	for _, o := range out {
		s = append(s, o.Reply.Text)
	}
	return s
}
