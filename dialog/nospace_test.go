package dialog

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
)

// TestNoSpaceAnswers: a message the full disk kept from being saved is
// answered with what happened and what to do, by who sent it (staff: the
// disk is full, free space; a customer: nothing was kept, send it later),
// and the staff channel hears of customers' lost messages once every
// NoSpaceAlertEvery, in the shop's language. Any other failure is still
// the plain apology.
func TestNoSpaceAnswers(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	full := fmt.Errorf("ledger: commit: %w: write dangol.db: no space left on device", ledger.ErrNoSpace)
	staff, customer := &turn{role: ledger.RoleStaff}, &turn{role: ledger.RoleCustomer, lang: "en"}
	alert := Reply{To: ToStaffChannel, Lang: "ko", Text: h.text("core.err.no_space_alert", nil)}
	enText := func(id string) string { return h.cat.Text("en", id, nil) }
	steps := []struct {
		name  string
		after time.Duration // the clock moves on this much first
		t     *turn
		err   error
		want  []Reply
	}{
		{"Staff", 0, staff, full, []Reply{{Lang: "ko", Text: h.text("core.err.no_space", nil)}}},
		{"CustomerAlerts", 0, customer, full, []Reply{{Lang: "en", Text: enText("core.err.no_space_customer")}, alert}},
		{"CustomerWithinTheWait", NoSpaceAlertEvery / 2, customer, full, []Reply{{Lang: "en", Text: enText("core.err.no_space_customer")}}},
		{"NoTurnIsACustomer", NoSpaceAlertEvery/2 - time.Second, nil, full, []Reply{{Lang: "ko", Text: h.text("core.err.no_space_customer", nil)}}},
		{"AlertAgain", time.Second, customer, full, []Reply{{Lang: "en", Text: enText("core.err.no_space_customer")}, alert}},
		{"OtherFailure", 0, customer, errors.New("ledger: commit: input/output error"), []Reply{{Lang: "en", Text: enText("core.err.internal")}}},
	}
	for _, s := range steps {
		h.advance(s.after)
		m := custMsg("/feedback 5 좋아요")
		if s.t == staff {
			m = staffMsg("/note 010-1234-5678 커트")
		}
		rs, err := h.eng.fail(context.Background(), s.t, m, "k", nil, s.err)
		if !errors.Is(err, s.err) {
			t.Errorf("%s: error %v lost %v", s.name, err, s.err)
		}
		if fmt.Sprint(rs) != fmt.Sprint(s.want) {
			t.Errorf("%s: replies\n%+v\nwant\n%+v", s.name, rs, s.want)
		}
	}
}
