package dialog

import (
	"testing"

	"github.com/dangol/dangol/ledger"
)

// TestLinkKeepsLanguage: the language a customer links in (their
// platform's, which every live reply already uses) is kept as theirs,
// because the messages the shop starts (campaigns, rating requests,
// follow-ups) read only the stored one; a language they chose with /lang
// before linking wins over it.
func TestLinkKeepsLanguage(t *testing.T) {
	for _, tt := range []struct {
		name, writes, chose, want string
	}{
		{"Platform", "en", "", "en"},
		{"ShopsOwn", "ko", "", "ko"},
		{"Chosen", "en", "ko", "ko"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := mustOpenHarness(t, nil, "ko")
			id := h.customer("김민지", "01012345678")
			cust := func(text string) Message {
				m := custMsg(text)
				m.Lang = tt.writes
				return m
			}
			steps := []step{{msg: staffMsg("/link 김민지")}}
			if tt.chose != "" {
				steps = append(steps, step{msg: cust("/lang " + tt.chose)})
			}
			steps = append(steps, step{msg: cust("/start 100000"), payloads: []string{"yes", "no"}},
				step{msg: press(cust(""), "yes"), want: []string{"김민지"}})
			runSteps(t, h, steps)
			h.view(func(tx *ledger.Tx) error {
				c, err := tx.Customer(id)
				if err == nil && c.Lang != tt.want {
					t.Errorf("the customer's language %q, want %q", c.Lang, tt.want)
				}
				return err
			})
		})
	}
}
