package slack

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/dangol/dangol/dialog"
	"github.com/dangol/dangol/ledger"
)

// TestEngineWinBackModal: [안부 메시지] on a regular at risk posts the
// message as the customer will get it ("(광고)" and the shop first),
// privately, and opens a modal filled with the greeting (views.open); the
// submission sends the edited words, recorded once as win-back outreach.
func TestEngineWinBackModal(t *testing.T) {
	e := newEngineEnv(t, func(c *dialog.Config) { c.ShopName, c.ShopContact = "하늘미용실", "02-123-4567" })
	c := ledger.Customer{Name: "이서준", Phone: "01055556666", CreatedAt: testNow.AddDate(-1, 0, 0)}
	err := e.store.Update(context.Background(), func(tx *ledger.Tx) error {
		if err := tx.CreateCustomer(&c); err != nil {
			return err
		}
		if err := tx.LinkCustomer(c.ID, "telegram:7001", ledger.Consent{Given: true, At: c.CreatedAt, Purpose: "loyalty+feedback"}); err != nil {
			return err
		}
		if _, err := tx.SetMarketing(c.ID, true, ledger.ViaCommand, c.CreatedAt); err != nil {
			return err
		}
		for _, days := range []int{-90, -80, -70} {
			if err := tx.RecordVisit(c.ID, testNow.AddDate(0, 0, days)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	click := buttonClick("U1", "C1", "TRIG2", "dangol_btn_0", "wb:"+c.ID, "안부 메시지: 이서준", true, e.fake.ResponseURL("summary"))
	if resp := e.interaction(click); resp.status != http.StatusOK {
		t.Fatalf("click answered %d", resp.status)
	}
	preview := e.fake.Next(t, "response_url")
	if s := string(preview.JSON); !strings.Contains(s, "(광고) 하늘미용실") || !strings.Contains(s, "이서준님, 요즘 뵙기 어려워") {
		t.Errorf("preview lacks the message as it goes: %s", s)
	}
	view := viewFrom(t, e.fake.Next(t, "views.open"))
	raw, _ := json.Marshal(view)
	if view["callback_id"] != "wb:"+c.ID || !strings.Contains(string(raw), "이서준님, 요즘 뵙기 어려워") {
		t.Fatalf("modal %v, want the win-back form with the greeting", view)
	}
	if resp := e.interaction(submission("U1", "TRIG3", view, map[string]string{"text": "서준님, 오랜만이에요!"})); resp.status != http.StatusOK {
		t.Fatalf("submission answered %d %q", resp.status, resp.body)
	}
	var os []ledger.Outreach
	err = e.store.View(context.Background(), func(tx *ledger.Tx) (err error) { os, err = tx.OutreachOf(c.ID, 0); return err })
	if err != nil || len(os) != 1 || os[0].Kind != ledger.OutreachWinBack || os[0].Skipped != "" {
		t.Errorf("outreach = %+v, %v; want one win-back sent", os, err)
	}
}
