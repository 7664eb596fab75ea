package dialog

import (
	"strconv"
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
)

// TestCampaign_Restart: a campaign to campaignMany consenting customers,
// sent perRun a minute (DefaultCampaignBatch a transaction), is stopped
// after two runs, the ledger reopened and the campaign
// finished: every customer got it exactly once, the benefit once.
func TestCampaign_Restart(t *testing.T) {
	const campaignMany, perRun = 1000, 300
	h, _ := adHarness(t, "ko")
	// 100 a transaction: one big transaction of thousands of new
	// customers costs quadratic copying in bbolt's nodes.
	for from := 0; from < campaignMany; from += 100 {
		h.update(func(tx *ledger.Tx) error { return addConsenting(tx, h.now(), from, min(from+100, campaignMany)) })
	}
	runSteps(t, h, []step{
		{msg: managerMsg("/campaign : 여름 시즌 오픈 --points 100"), want: []string{"받는 분: 1,000명", "광고 수신 미동의 1명"}},
		{msg: press(managerMsg(""), "cmp:send:1")},
	})
	box := &timedBox{h: h}
	start := h.now()
	h.tickEach(h.campaignScheduler(box, perRun), start.Add(time.Minute)) // two runs
	if n := len(box.sent); n != 2*perRun {
		t.Fatalf("%d sent before the restart, want %d", n, 2*perRun)
	}
	h.reopen()
	h.tickEach(h.campaignScheduler(box, perRun), start.Add(5*time.Minute))
	got := map[string]int{}
	for _, p := range box.sent {
		got[p.r.UserID]++
	}
	if len(got) != campaignMany {
		t.Errorf("%d customers got it, want %d", len(got), campaignMany)
	}
	for user, n := range got {
		if n != 1 {
			t.Errorf("telegram:%s got it %d times", user, n)
		}
	}
	h.view(func(tx *ledger.Tx) error {
		c, err := tx.Campaign(1)
		if err != nil {
			return err
		}
		if c.State != ledger.CampaignDone || c.Counts.Sent != campaignMany {
			t.Errorf("campaign %+v", c)
		}
		return nil
	})
	if b := h.balance(h.byPhone("01071000007").ID); b != 100 {
		t.Errorf("balance %d, want the 100P once", b)
	}
}

// addConsenting creates customers from to to (not included), each linked
// in Telegram with both consents.
func addConsenting(tx *ledger.Tx, now time.Time, from, to int) error {
	for i := from; i < to; i++ {
		c := ledger.Customer{Name: "고객" + strconv.Itoa(i), Phone: "0107" + strconv.Itoa(1000000+i), CreatedAt: now}
		if err := tx.CreateCustomer(&c); err != nil {
			return err
		}
		if err := tx.LinkCustomer(c.ID, "telegram:"+strconv.Itoa(900000+i), ledger.Consent{Given: true, At: now}); err != nil {
			return err
		}
		if _, err := tx.SetMarketing(c.ID, true, ledger.ViaCommand, now); err != nil {
			return err
		}
	}
	return nil
}
