package dialog

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
)

// TestResponse: /response after a rating request that 김민지 answered
// with a question and followed with a visit the next day, and 박지훈's
// birthday skipped for want of consent with a visit two days later (the
// baseline). Bad day counts get the usage, staff the managers-only
// refusal, a shop that sent nothing says so.
func TestResponse(t *testing.T) {
	for _, lang := range []string{"ko", "en"} {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			f := seed(h)
			runSteps(t, h, linkMinji(h))
			h.send(staffMsg("/note 김민지 펌 상담"))
			rs, err := h.eng.RatingRequests(context.Background(), t0.Add(3*time.Hour), DefaultFeedbackAfter)
			if err != nil || len(rs) != 1 {
				t.Fatalf("RatingRequests = %+v, %v; want one", rs, err)
			}
			h.update(func(tx *ledger.Tx) error {
				return tx.RecordOutreach(ledger.Outreach{Kind: ledger.OutreachBirthday, CustomerID: f.jihoon1, At: t0, Skipped: ledger.SkipNoConsent})
			})
			h.advance(4 * time.Hour)
			h.send(custMsg("다음 주 예약 되나요?"))
			h.send(press(custMsg(""), questionSend))
			h.advance(20 * time.Hour)
			h.send(staffMsg("/note 김민지 펌 마무리"))
			h.advance(24 * time.Hour)
			h.update(func(tx *ledger.Tx) error {
				return tx.AddNote(&ledger.Note{CustomerID: f.jihoon1, StaffID: "slack:" + staffID, At: h.now(), Text: "커트"})
			})

			got := allText(h.send(managerMsg("/response")))
			from := midnight(h.now(), seoul).AddDate(0, 0, -29).Format(time.DateOnly)
			for _, want := range []string{
				h.text("response.head", map[string]any{"Days": 30, "From": from, "To": h.now().Format(time.DateOnly)}),
				h.text("response.kind.rating", nil) + ": " + h.text("response.summary", map[string]any{"Sent": 1, "Customers": 1, "Replied": 1, "Visited": 1, "Pct": 100}),
				// Messages, then customers, each share with its base.
				map[string]string{
					"ko": "보낸 메시지 1건 (고객 1명) · 답장 1명 · 14일 내 재방문 1명 중 1명 (100%)",
					"en": "Messages sent 1 to 1 customer · 1 replied · back within 14 days: 1 of 1 (100%)",
				}[lang],
				h.text("response.kind.birthday", nil) + ": " + h.text("response.summary", map[string]any{"Sent": 0, "Customers": 0, "Replied": 0, "Visited": 0, "Pct": 0}) +
					h.text("response.baseline_short", map[string]any{"Count": 1, "Visited": 1, "Pct": 100}),
				h.text("response.help_line", nil),
			} {
				if !strings.Contains(got, want) {
					t.Errorf("/response lacks %q:\n%s", want, got)
				}
			}
			for _, kind := range []string{"followup", "winback", "campaign"} {
				if k := h.text("response.kind."+kind, nil) + ":"; strings.Contains(got, k) {
					t.Errorf("/response shows %q, which sent nothing:\n%s", k, got)
				}
			}
			if got := allText(h.send(managerMsg("/response 1"))); !strings.Contains(got, h.text("response.none", map[string]any{"Days": 1, "From": h.now().Format(time.DateOnly), "To": h.now().Format(time.DateOnly)})) {
				t.Errorf("/response 1 (today, nothing sent) = %q", got)
			}
			for _, bad := range []string{"abc", "0", "367", "-3"} {
				if got := allText(h.send(managerMsg("/response " + bad))); !strings.Contains(got, h.text("response.usage", map[string]any{"Max": responseMaxDays})) {
					t.Errorf("/response %s = %q, want the usage", bad, got)
				}
			}
			if got := allText(h.send(staffMsg("/response"))); !strings.Contains(got, h.text("core.command.manager_only", nil)) {
				t.Errorf("staff /response = %q, want the managers-only refusal", got)
			}
		})
	}
}

func TestParseResponseDays(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"", 30, true}, {"7", 7, true}, {"14일", 14, true}, {"90 days", 90, true}, {"１０d", 10, true}, {"366", 366, true},
		{"0", 0, false}, {"367", 0, false}, {"한달", 0, false}, {"7 8", 0, false},
	}
	for _, tt := range tests {
		if got, ok := parseResponseDays(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("parseResponseDays(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// TestResponse_FollowUp: [메시지 보내기] of a follow-up records its
// outreach in the turn that sends it; the customer's answer in the thread
// is a reply, and a repeated press records nothing more.
func TestResponse_FollowUp(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	f := seed(h)
	runSteps(t, h, linkMinji(h))
	id := followUpNote(h, f.minji, "펌 상담", "펌")
	h.send(press(staffMsg(""), followUpAction+":"+id))
	sentToCustomer(t, h.send(press(staffMsg(""), followUpSendBtn)))
	h.send(press(staffMsg(""), followUpAction+":"+id)) // done already: nothing sent
	got := h.outreachOf(f.minji)
	if len(got) != 1 || got[0].Kind != ledger.OutreachFollowUp || !got[0].At.Equal(h.now()) {
		t.Fatalf("outreach = %+v, want one follow-up at %v", got, h.now())
	}
	h.advance(time.Hour)
	h.send(custMsg("네, 다음 주에 갈게요"))
	var fig ledger.ResponseFigures
	h.view(func(tx *ledger.Tx) (err error) {
		fig, err = tx.OutreachFigures(ledger.ResponseQuery{From: t0.Add(-time.Hour), To: h.now()})
		return err
	})
	if want := (ledger.ResponseFigures{Sent: 1, Customers: 1, Replied: 1}); fig != want {
		t.Errorf("figures %+v, want %+v", fig, want)
	}
}
