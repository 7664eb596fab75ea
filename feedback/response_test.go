package feedback

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
)

// TestRenderOutreach: the care section's line of the messages the shop
// started in W48, worked out by hand. 김하늘 gets a birthday greeting
// (Mon) and the campaign (Wed), replies on Thu and visits on Fri; 이서준
// a follow-up (Tue) and nothing after; 박지훈 a win-back (Sat 11:00) and a
// visit that afternoon (back after the message); 정다은 the campaign and a
// visit on 12/3, the next week but within 14 days. 최유나 is skipped by the
// campaign for want of consent and visits on 11/30: the baseline. Sent 5
// to 4 customers; 1 replied; 3 came back (75%).
func TestRenderOutreach(t *testing.T) {
	s := mustOpen(t)
	var haneul string
	write(t, s, func(f fixture) {
		created := day(time.October, 1, 10, 0)
		haneul = f.customer("김하늘", created, time.Time{}, true)
		seojun := f.customer("이서준", created, time.Time{}, true)
		jihun := f.customer("박지훈", created, time.Time{}, true)
		daeun := f.customer("정다은", created, time.Time{}, true)
		yuna := f.customer("최유나", created, time.Time{}, true)
		for _, o := range []ledger.Outreach{
			{Kind: ledger.OutreachBirthday, CustomerID: haneul, At: day(time.November, 23, 10, 0), Points: 2000},
			{Kind: ledger.OutreachFollowUp, CustomerID: seojun, At: day(time.November, 24, 15, 0)},
			{Kind: ledger.OutreachWinBack, CustomerID: jihun, At: day(time.November, 28, 11, 0)},
		} {
			f.check(f.tx.RecordOutreach(o))
		}
		c := ledger.Campaign{Text: "이번 주 펌 20% 할인", SendAt: day(time.November, 25, 12, 0), CreatedAt: day(time.November, 25, 11, 0), CreatedBy: "slack:M1"}
		f.check(f.tx.AddCampaign(&c, []string{haneul, daeun}, map[string]string{yuna: ledger.SkipNoConsent}))
		_, err := f.tx.ScheduleCampaign(c.Number, c.SendAt)
		f.check(err)
		for _, id := range []string{haneul, daeun} {
			_, err := f.tx.MarkRecipient(c.Number, id, ledger.RecipientSent, "", c.SendAt, kst)
			f.check(err)
		}
		th := ledger.Thread{Kind: ledger.ThreadQuestion, CustomerID: haneul, SenderID: "telegram:1", Lang: "ko", OpenedAt: day(time.November, 26, 13, 0)}
		f.check(f.tx.OpenThread(&th, "예약 가능할까요?"))
		f.note(haneul, jimin, day(time.November, 27, 14, 0), time.Time{}, "펌")
		f.note(jihun, jimin, day(time.November, 28, 16, 0), time.Time{}, "커트")
		f.note(daeun, jimin, day(time.December, 3, 14, 0), time.Time{}, "펌")
		f.note(yuna, sehoon, day(time.November, 30, 14, 0), time.Time{}, "커트")
	})
	sum, err := Weekly(context.Background(), s, w48, Options{Loc: kst, Now: day(time.December, 5, 9, 0)})
	if err != nil {
		t.Fatal(err)
	}
	want := ledger.ResponseFigures{Sent: 5, Customers: 4, Replied: 1, Visited: 3, WithBenefit: 1, Baseline: 1, BaselineVisited: 1}
	if sum.Outreach != want {
		t.Errorf("Outreach\n got %+v\nwant %+v", sum.Outreach, want)
	}
	cat := catalog(t)
	for _, lang := range []string{"ko", "en"} {
		t.Run(lang, func(t *testing.T) {
			golden(t, "outreach."+lang+".golden", []byte(sum.Text(cat, lang, ForStaff)+"\n"))
		})
	}
	_, secs := sum.Render(cat, "ko", ForPublic)
	care := strings.Join(secs[2].Lines, "\n")
	// 5 messages to 4 customers; the 75% is 3 of those 4, said so.
	if line := "보낸 메시지 5건 (고객 4명) · 답장 1명 · 14일 내 재방문 4명 중 3명 (75%)"; !strings.Contains(care, line) {
		t.Errorf("public care section lacks %q:\n%s", line, care)
	}
	if m := cat.Missing(); len(m) > 0 {
		t.Errorf("catalog misses %v", m)
	}

	t.Run("NoneSent", func(t *testing.T) {
		empty, err := Weekly(context.Background(), mustOpen(t), w48, Options{Loc: kst})
		if err != nil {
			t.Fatal(err)
		}
		if text := empty.Text(cat, "ko", ForStaff); strings.Contains(text, "보낸 메시지") {
			t.Errorf("a week without messages shows the line:\n%s", text)
		}
	})
}
