package slack

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/dangol/dangol/ledger"
)

// TestEngineCustomerEditModal: the card's [수정] opens a modal (views.open)
// with the record's current values, and a submission with an invalid phone
// is answered inline, with nothing saved.
func TestEngineCustomerEditModal(t *testing.T) {
	e := newEngineEnv(t)
	if resp := e.command("U1", "C1", "/customer", "김민지", "TRIG1"); resp.status != http.StatusOK {
		t.Fatalf("/customer answered %d", resp.status)
	}
	card := e.fake.Next(t, "response_url")
	edit := "cedit:" + e.customer.ID
	if !strings.Contains(string(card.JSON), edit) {
		t.Fatalf("card has no [수정] button %q: %s", edit, card.JSON)
	}
	if resp := e.interaction(buttonClick("U1", "C1", "TRIG2", "dangol_btn_0", edit, "수정", true, e.fake.ResponseURL("card"))); resp.status != http.StatusOK {
		t.Fatalf("click answered %d", resp.status)
	}
	view := viewFrom(t, e.fake.Next(t, "views.open"))
	if view["callback_id"] != "customer_edit:"+e.customer.ID {
		t.Errorf("callback_id %v", view["callback_id"])
	}
	initial := map[string]string{}
	blocks, _ := view["blocks"].([]any)
	for _, b := range blocks {
		m, _ := b.(map[string]any)
		el, _ := m["element"].(map[string]any)
		if v, ok := el["initial_value"].(string); ok {
			initial[m["block_id"].(string)] = v
		}
	}
	want := map[string]string{"name": "김민지", "phone": "010-1234-5678", "preferences": "애쉬 브라운, 주말 오전", "remarks": "두피 민감 <!channel>", "tags": "염색"}
	for k, v := range want {
		if initial[k] != v {
			t.Errorf("modal field %s starts as %q, want %q (all: %q)", k, initial[k], v, initial)
		}
	}

	resp := e.interaction(submission("U1", "TRIG3", view, map[string]string{
		"name": "김민지", "phone": "010-123-456", "preferences": "라떼", "remarks": "두피 민감", "tags": "염색",
	}))
	var got slack.ViewSubmissionResponse
	if err := json.Unmarshal([]byte(resp.body), &got); err != nil {
		t.Fatalf("answer %d %q: %v", resp.status, resp.body, err)
	}
	if got.ResponseAction != slack.RAErrors || len(got.Errors) != 1 || !strings.Contains(got.Errors["phone"], "9") {
		t.Errorf("submission answered %+v, want one inline error on phone", got)
	}
	err := e.store.View(context.Background(), func(tx *ledger.Tx) error {
		c, err := tx.Customer(e.customer.ID)
		if err == nil && (c.Phone != "01012345678" || c.Preferences != "애쉬 브라운, 주말 오전") {
			t.Errorf("a refused submission changed the customer: %+v", c)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
