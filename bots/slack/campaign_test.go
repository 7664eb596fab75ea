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

// TestEngineCampaignModal: a manager's /campaign opens the campaign modal
// (views.open) with its five fields (golden campaign_modal); a
// submission with a wrong field is
// answered inline (response_action errors, golden
// campaign_modal_errors), nothing recorded; a right
// one closes the modal and the preview, with [발송] [취소], goes to the
// command's response_url.
func TestEngineCampaignModal(t *testing.T) {
	e := newEngineEnv(t, func(c *dialog.Config) { c.ShopName, c.ShopContact = "단골미용실", "02-123-4567" })
	err := e.store.Update(context.Background(), func(tx *ledger.Tx) error {
		if err := tx.LinkCustomer(e.customer.ID, "telegram:4242", ledger.Consent{Given: true, At: testNow}); err != nil {
			return err
		}
		_, err := tx.SetMarketing(e.customer.ID, true, ledger.ViaCommand, testNow)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	e.fake.SetLocale("U2", "ko-KR") // the manager's language: the errors' and the preview's
	if resp := e.command("U2", "C1", "/campaign", "", "TRIG1"); resp.status != http.StatusOK {
		t.Fatalf("/campaign answered %d", resp.status)
	}
	opened := e.fake.Next(t, "views.open")
	var body struct {
		View json.RawMessage `json:"view"`
	}
	if err := json.Unmarshal(opened.JSON, &body); err != nil {
		t.Fatal(err)
	}
	golden(t, "campaign_modal", e.stable(body.View))
	view := viewFrom(t, opened)
	if view["callback_id"] != "campaign" {
		t.Errorf("callback_id %v", view["callback_id"])
	}
	var blocks []string
	for _, b := range view["blocks"].([]any) {
		blocks = append(blocks, b.(map[string]any)["block_id"].(string))
	}
	if strings.Join(blocks, " ") != "audience text points coupon when" {
		t.Errorf("modal blocks %v", blocks)
	}

	resp := e.interaction(submission("U2", "TRIG2", view, map[string]string{"audience": "", "text": "이번 주 펌 20% 할인", "points": "많이"}))
	var got struct {
		ResponseAction string            `json:"response_action"`
		Errors         map[string]string `json:"errors"`
	}
	if err := json.Unmarshal([]byte(resp.body), &got); err != nil {
		t.Fatalf("answer %d %q: %v", resp.status, resp.body, err)
	}
	if got.ResponseAction != "errors" || len(got.Errors) != 1 || !strings.Contains(got.Errors["points"], "포인트") {
		t.Errorf("submission answered %+v, want one inline error on points, in Korean", got)
	}
	golden(t, "campaign_modal_errors", []byte(resp.body))

	resp = e.interaction(submission("U2", "TRIG3", view, map[string]string{"audience": "", "text": "이번 주 펌 20% 할인", "points": "500"}))
	if resp.status != http.StatusOK || resp.body != "" {
		t.Fatalf("valid submission answered %d %q, want an empty 200 (the modal closes)", resp.status, resp.body)
	}
	c := e.fake.Next(t, "response_url")
	if c.Form.Get("id") != "cmd-TRIG1" {
		t.Errorf("preview to %s, want the /campaign's response_url", c.Form.Get("id"))
	}
	text := strings.Join(blockTexts(c.Blocks(t)), "\n")
	for _, want := range []string{"캠페인 #1 미리 보기", "받는 분: 1명", "(광고) 단골미용실", "500P"} {
		if !strings.Contains(text, want) {
			t.Errorf("preview lacks %q:\n%s", want, text)
		}
	}
	for _, payload := range []string{"cmp:send:1", "cmp:drop:1"} {
		if !strings.Contains(string(c.JSON), payload) {
			t.Errorf("preview has no button %q: %s", payload, c.JSON)
		}
	}
	err = e.store.View(context.Background(), func(tx *ledger.Tx) error {
		cp, err := tx.Campaign(1)
		if err == nil && (cp.State != ledger.CampaignDraft || cp.Benefit.Points != 500 || cp.Counts.Queued != 1) {
			t.Errorf("campaign %+v, want the draft to 김민지 with 500P", cp)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
