package dialog

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dangol/dangol/ledger"
)

// mustOpenRetention is the harness with retention r, the shop named shop,
// and the console's owner among those told of erasures.
func mustOpenRetention(t *testing.T, lang string, r ledger.Retention, shop string) *harness {
	t.Helper()
	h := mustOpenHarness(t, nil, lang)
	h.cfg.Retention, h.cfg.ShopName, h.cfg.Notify = r, shop, []string{"console:사장"}
	h.reopen()
	return h
}

// timedBox is a Deliver that keeps each post with the clock's time, which
// the scheduler's Advance sets to the post's occurrence.
type timedBox struct {
	h    *harness
	mu   sync.Mutex
	sent []timedPost
}

type timedPost struct {
	at time.Time
	r  Reply
}

func (b *timedBox) deliver(_ context.Context, r Reply) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.sent = append(b.sent, timedPost{b.h.now(), r})
	return nil
}

// dms returns the posts to channel:user that contain s.
func (b *timedBox) dms(channel, user, s string) []timedPost {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []timedPost
	for _, p := range b.sent {
		if p.r.To == ToUser && p.r.Channel == channel && p.r.UserID == user && strings.Contains(allText([]Reply{p.r}), s) {
			out = append(out, p)
		}
	}
	return out
}

// retentionScheduler is the schedule serve runs, the retention run and its
// notice first,
// with the summary off (its charts are slow and beside the point here).
func (h *harness) retentionScheduler(box *timedBox) *Scheduler {
	h.tb.Helper()
	j, ok := h.eng.RetentionJob()
	if !ok {
		h.tb.Fatal("RetentionJob: off")
	}
	n, _ := h.eng.RetentionNoticeJob(box.deliver)
	s, err := NewScheduler(SchedulerConfig{
		Store:  h.store,
		Jobs:   append([]Job{j, n}, h.eng.Jobs(SpecOff, "", box.deliver)...),
		Loc:    seoul,
		Now:    h.now,
		Logger: quiet,
	})
	if err != nil {
		h.tb.Fatal(err)
	}
	return s
}

// noticeRetention gives, at at, the notices of the retention run
// (ledger.Tx.NoticeRetention), as the notice job would.
func (h *harness) noticeRetention(at time.Time) {
	h.tb.Helper()
	h.update(func(tx *ledger.Tx) error {
		_, err := tx.NoticeRetention(h.cfg.Retention, seoul, at)
		return err
	})
}

func (h *harness) advanceTo(s *Scheduler, to time.Time) {
	h.tb.Helper()
	if err := s.Advance(context.Background(), to, h.setClock); err != nil {
		h.tb.Fatalf("Advance to %v: %v", to, err)
	}
}

func (h *harness) customerByID(id string) ledger.Customer {
	h.tb.Helper()
	var c ledger.Customer
	h.view(func(tx *ledger.Tx) error {
		var err error
		c, err = tx.Customer(id)
		return err
	})
	return c
}

// TestRetentionDoneWhen is issue 9's retention, end to end on the engine's
// clock: two customers visit on the same day; one comes back a year later.
// A month before the other's two years are up, the notice run tells them
// and the managers the day they will be erased, and from then their card
// and their /mydata say it; the daily run on that day erases them
// (audited as the retention job's), once; a restart between the run and
// the morning DM loses nothing, and the DM tells the managers (configured
// and the console's) exactly once. The one who came back is kept until
// their own two years after that visit.
func TestRetentionDoneWhen(t *testing.T) {
	h := mustOpenRetention(t, "ko", ledger.Retention{Years: 2}, "")
	const line = "보관 기간이 지난 고객 1명의 정보를 삭제했어요."
	runSteps(t, h, []step{
		{msg: staffMsg("/customer new 010-1234-5678 김하늘")},
		{msg: staffMsg("/customer new 010-2222-3333 박지훈")},
		{msg: staffMsg("/note 010-1234-5678 커트 상담")},
		{msg: staffMsg("/note 010-2222-3333 펌 상담")},
		{msg: staffMsg("/link 010-1234-5678"), want: []string{"100000"}},
		{msg: custMsg("/start 100000"), want: []string{"마지막 방문 후 2년까지"}, payloads: []string{"yes"}},
		{msg: press(custMsg(""), "yes"), want: []string{"김하늘"}},
	})
	haneul, jihoon := h.byPhone("01012345678").ID, h.byPhone("01022223333").ID
	// A year on, 박지훈 comes back.
	h.setClock(t0.AddDate(1, 0, 0))
	runSteps(t, h, []step{{msg: staffMsg("/note 010-2222-3333 재방문")}})

	expiry := t0.AddDate(2, 0, 0) // 2028-05-13 14:00
	const warn = "보관 기간 만료: 2028-05-14 삭제 예정"
	// From 2028-04-12, a month and a day before, with the daily runs.
	h.setClock(expiry.AddDate(0, 0, -RetentionWarnDays-1))
	box := &timedBox{h: h}
	sched := h.retentionScheduler(box)
	h.advanceTo(sched, time.Date(2028, 4, 13, 10, 0, 0, 0, seoul))
	runSteps(t, h, []step{
		{msg: staffMsg("/customer 010-1234-5678"), want: []string{"김하늘"}, not: []string{"삭제 예정"}},
		{msg: custMsg("/mydata"), not: []string{"삭제될 예정"}},
	})
	if got := box.dms("telegram", custTG, "삭제"); len(got) != 0 {
		t.Errorf("told before the notice run: %+v", got)
	}
	// The notice run at 11:00, a month before the day: the customer and
	// the managers are told the day.
	h.advanceTo(sched, time.Date(2028, 4, 13, 12, 0, 0, 0, seoul))
	notice := time.Date(2028, 4, 13, 11, 0, 0, 0, seoul)
	if got := box.dms("telegram", custTG, "2028-05-14에 자동으로 삭제돼요"); len(got) != 1 || !got[0].at.Equal(notice) {
		t.Errorf("the customer's notices = %+v, want one at %v with the day", got, notice)
	}
	for _, to := range []struct{ channel, user string }{{"slack", managerID}, {"console", "사장"}} {
		got := box.dms(to.channel, to.user, "· 김하늘: 2028-05-14")
		if len(got) != 1 || strings.Contains(allText([]Reply{got[0].r}), "박지훈") {
			t.Errorf("managers' notice to %s:%s = %+v, want one naming 김하늘 alone", to.channel, to.user, got)
		}
	}
	runSteps(t, h, []step{
		{msg: staffMsg("/customer 010-1234-5678"), want: []string{warn}},
		{msg: staffMsg("/customer 010-2222-3333"), want: []string{"박지훈"}, not: []string{"삭제 예정"}},
		{msg: custMsg("/mydata"), want: []string{"보관 기간이 끝나 2028-05-14에 삭제될 예정이에요. 그 전에 다시 방문하시면"}},
	})

	// Through the run on the day: 2028-05-14 04:00.
	h.advanceTo(sched, time.Date(2028, 5, 13, 23, 0, 0, 0, seoul))
	if c := h.customerByID(haneul); c.Erased {
		t.Fatalf("김하늘 erased before the day told: %+v", c)
	}
	h.advanceTo(sched, time.Date(2028, 5, 14, 5, 0, 0, 0, seoul))
	erasedAt := time.Date(2028, 5, 14, 4, 0, 0, 0, seoul)
	if c := h.customerByID(haneul); !c.Erased || !c.ErasedAt.Equal(erasedAt) {
		t.Fatalf("김하늘 after the daily run = %+v, want erased at %v", c, erasedAt)
	}
	if c := h.customerByID(jihoon); c.Erased {
		t.Fatalf("박지훈, back a year ago, was erased: %+v", c)
	}
	if got := box.dms("slack", managerID, line); len(got) != 0 {
		t.Errorf("told before the morning: %+v", got)
	}

	// A restart between the run and the DM: the count is in the ledger.
	h.reopen()
	box = &timedBox{h: h}
	sched = h.retentionScheduler(box)
	h.advanceTo(sched, time.Date(2028, 5, 16, 10, 0, 0, 0, seoul))
	dm0900 := time.Date(2028, 5, 14, 9, 0, 0, 0, seoul)
	for _, to := range []struct{ channel, user string }{{"slack", managerID}, {"console", "사장"}} {
		got := box.dms(to.channel, to.user, line)
		if len(got) != 1 || !got[0].at.Equal(dm0900) {
			t.Errorf("DMs to %s:%s saying %q: %+v, want one at %v", to.channel, to.user, line, got, dm0900)
		}
	}
	if got := box.dms("slack", staffID, "보관 기간"); len(got) != 0 {
		t.Errorf("staff were told: %+v", got)
	}
	if n, err := h.eng.ApplyRetention(context.Background()); err != nil || n != 0 {
		t.Errorf("ApplyRetention again = %d, %v; want 0 (nobody counted twice)", n, err)
	}
	var audited []ledger.AuditEntry
	h.view(func(tx *ledger.Tx) error {
		return tx.ScanAudit(erasedAt, erasedAt.Add(time.Second), func(a ledger.AuditEntry) error {
			audited = append(audited, a)
			return nil
		})
	})
	if len(audited) != 1 || audited[0].ActorID != ledger.RetentionActor || audited[0].Action != "erase" || audited[0].CustomerID != haneul {
		t.Errorf("audit at the run = %+v, want the retention job erasing %s", audited, haneul)
	}
	runSteps(t, h, []step{
		{msg: staffMsg("/customer 010-1234-5678"), not: []string{"김하늘"}},
		{msg: custMsg("/mydata"), not: []string{"김하늘", "보관 만료"}},
	})

	// 박지훈's own two years after his second visit: 2029-05-13.
	h.advanceTo(sched, time.Date(2029, 5, 12, 10, 0, 0, 0, seoul))
	if c := h.customerByID(jihoon); c.Erased {
		t.Fatalf("박지훈 erased before his time: %+v", c)
	}
	h.advanceTo(sched, time.Date(2029, 5, 15, 10, 0, 0, 0, seoul))
	if c := h.customerByID(jihoon); !c.Erased || !c.ErasedAt.Equal(time.Date(2029, 5, 14, 4, 0, 0, 0, seoul)) {
		t.Errorf("박지훈 after his two years = %+v", c)
	}
	if got := box.dms("slack", managerID, line); len(got) != 2 {
		t.Errorf("%d DMs say %q, want 2 (one per erasure day): %+v", len(got), line, got)
	}
	if got := box.dms("slack", managerID, "· 박지훈: 2029-05-14"); len(got) != 1 || !got[0].at.Equal(time.Date(2029, 4, 13, 11, 0, 0, 0, seoul)) {
		t.Errorf("managers' notice of 박지훈 = %+v, want one a month before", got)
	}
}

// TestRetentionUnannounced: a customer whose period ran out before anyone
// told them (retention just turned on) is not erased at the next night's
// run: the notice gives them the day, a month on, in their language, and
// they are erased on that day and not before (the run at 14:00 starts
// after that day's 11:00 notice, so they are told the next morning). They used to be erased the
// night after, unwarned.
func TestRetentionUnannounced(t *testing.T) {
	h := mustOpenRetention(t, "en", ledger.Retention{Years: 2}, "Cafe Dangol")
	runSteps(t, h, []step{
		{msg: staffMsg("/customer new 010-1234-5678 Jane")},
		{msg: staffMsg("/note 010-1234-5678 cut")},
		{msg: staffMsg("/link 010-1234-5678"), want: []string{"100000"}},
		{msg: custMsg("/start 100000"), payloads: []string{"yes"}},
		{msg: press(custMsg(""), "yes"), want: []string{"Jane"}},
	})
	jane := h.byPhone("01012345678").ID
	h.setClock(t0.AddDate(3, 0, 0)) // 2029-05-13 14:00: a year past
	if n, err := h.eng.ApplyRetention(context.Background()); err != nil || n != 0 {
		t.Fatalf("ApplyRetention at start = %d, %v; want 0: nobody was told", n, err)
	}
	box := &timedBox{h: h}
	sched := h.retentionScheduler(box)
	h.advanceTo(sched, time.Date(2029, 5, 15, 5, 0, 0, 0, seoul))
	const day = "on 2029-06-14"
	if got := box.dms("telegram", custTG, day); len(got) != 1 || !strings.Contains(allText([]Reply{got[0].r}), "A note from Cafe Dangol") {
		t.Errorf("the customer's notices = %+v, want one from the shop saying %q", got, day)
	}
	if c := h.customerByID(jane); c.Erased {
		t.Fatalf("erased the night after the notice: %+v", c)
	}
	h.advanceTo(sched, time.Date(2029, 6, 13, 23, 0, 0, 0, seoul))
	if c := h.customerByID(jane); c.Erased {
		t.Fatalf("erased before the day told: %+v", c)
	}
	h.advanceTo(sched, time.Date(2029, 6, 14, 5, 0, 0, 0, seoul))
	if c := h.customerByID(jane); !c.Erased || !c.ErasedAt.Equal(time.Date(2029, 6, 14, 4, 0, 0, 0, seoul)) {
		t.Errorf("on the day told: %+v, want erased at its 04:00 run", c)
	}
	if got := box.dms("telegram", custTG, "A note from"); len(got) != 1 {
		t.Errorf("told %d times, want once", len(got))
	}
}

// TestRetentionNoticeRetried: a morning DM whose sending failed is tried
// again with the same count; the managers' DM joins their follow-ups.
func TestRetentionNoticeRetried(t *testing.T) {
	h := mustOpenRetention(t, "ko", ledger.Retention{Months: 18}, "")
	f := seed(h)
	addFollowUp(h, f.minji, "slack:"+managerID, "펌 예약 확인", t0, false)
	h.setClock(t0.AddDate(2, 0, 0))
	h.noticeRetention(h.now().AddDate(0, 0, -RetentionWarnDays-1))
	n, err := h.eng.ApplyRetention(context.Background())
	if err != nil || n != 4 {
		t.Fatalf("ApplyRetention = %d, %v; want the 4 seeded customers", n, err)
	}
	// The follow-up's customer is gone, so the manager's DM is the count alone.
	box := &outbox{fail: failTimes(1, func(r Reply) bool { return r.UserID == managerID })}
	s := h.scheduler(SpecOff, "", box, nil)
	h.setClock(time.Date(2028, 5, 13, 9, 0, 0, 0, seoul))
	if err := s.Tick(context.Background()); err == nil {
		t.Fatal("the first tick's DM to the manager did not fail")
	}
	h.advance(2 * time.Minute)
	if err := s.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	var toManager []Reply
	for _, r := range box.take() {
		if r.UserID == managerID {
			toManager = append(toManager, r)
		}
	}
	if len(toManager) != 1 || !strings.Contains(allText(toManager), "보관 기간이 지난 고객 4명의 정보를 삭제했어요.") {
		t.Errorf("the manager got %q, want the count of 4 once", allText(toManager))
	}

	// Both in one DM: a follow-up due, and one more erased.
	gone := h.customer("오래된고객", "01077778888")
	h.update(func(tx *ledger.Tx) error { return tx.RecordVisit(gone, h.now().AddDate(-2, 0, 0)) })
	h.noticeRetention(h.now().AddDate(0, 0, -RetentionWarnDays-1))
	keep := h.customer("새고객", "01066667777")
	addFollowUp(h, keep, "slack:"+managerID, "새 고객 연락", time.Date(2028, 5, 14, 0, 0, 0, 0, seoul), false)
	if n, err := h.eng.ApplyRetention(context.Background()); err != nil || n != 1 {
		t.Fatalf("ApplyRetention = %d, %v; want 1", n, err)
	}
	h.setClock(time.Date(2028, 5, 14, 9, 0, 0, 0, seoul))
	if err := s.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	rs := box.take()
	if len(rs) != 2 { // the manager's, and the console owner's
		t.Fatalf("got %d DMs, want 2:\n%s", len(rs), allText(rs))
	}
	for _, r := range rs {
		if r.UserID != managerID {
			continue
		}
		if txt := allText([]Reply{r}); !strings.Contains(txt, "새 고객 연락") || !strings.Contains(txt, "보관 기간이 지난 고객 1명") || len(r.Buttons) != 2 { // [완료] [메시지 보내기]
			t.Errorf("the manager's DM:\n%s\nwant the follow-up with its button and the count", txt)
		}
	}
}

// TestConsentText: the consent question names the shop (or not, when it
// has no name), says what is kept, that consent may be refused and what
// that truly means (this account stays unlinked; points given at the
// counter are earned all the same, so it never says no points are
// earned), and takes its period from the retention setting, in both
// languages.
func TestConsentText(t *testing.T) {
	tests := []struct {
		name string
		lang string
		r    ledger.Retention
		shop string
		want []string
		not  []string
	}{
		{"TwoYearsNamed", "ko", ledger.Retention{Years: 2}, "단골미용실", []string{
			"안녕하세요, 단골미용실입니다!", "· 보관하는 곳: 단골미용실", "· 보관 기간: 마지막 방문 후 2년까지 (방문 기록이 없으면 등록 후 2년까지)",
			"동의하지 않으셔도 돼요. 그러면 이 계정은 연결되지 않아 여기서 포인트를 보거나 안내를 받으실 수 없고, 의견은 누가 남겼는지 알 수 없게 익명으로만",
			"매장에서 직원이 해 드리는 포인트 적립은 동의하지 않으셔도 그대로", "/forget",
		}, []string{"포인트는 적립되지 않"}},
		{"EighteenMonthsNeutral", "ko", ledger.Retention{Months: 18}, "", []string{
			"안녕하세요! 이 텔레그램 계정을 매장의 고객 정보와 연결하면", "마지막 방문 후 18개월까지", "동의하지 않으셔도 돼요",
		}, []string{"보관하는 곳", "입니다!"}},
		{"Mixed", "ko", ledger.Retention{Years: 1, Months: 6}, "", []string{"마지막 방문 후 1년 6개월까지"}, nil},
		{"Off", "ko", ledger.Retention{}, "", []string{"· 보관 기간: 삭제를 요청하실 때까지\n"}, []string{"마지막 방문"}},
		{"EnglishNamed", "en", ledger.Retention{Years: 2}, "Sky Salon", []string{
			"Hello from Sky Salon!", "· who keeps it: Sky Salon", "2 years after your last visit", "you may say no: this account then stays unlinked, so you can't see your points or get notices here, and can leave feedback only anonymously",
			"Points the staff give you at the shop are earned all the same",
		}, []string{"earn no points"}},
		{"EnglishOneYear", "en", ledger.Retention{Years: 1, Days: 1}, "", []string{"Hello! Linking this Telegram account", "1 year 1 day after your last visit"}, []string{"who keeps it"}},
		{"EnglishOff", "en", ledger.Retention{}, "", []string{"· how long: until you ask us to delete it\n"}, nil},
	}
	// What the ledger keeps of a customer who agrees, named in both
	// languages: the birthday (with its year), the notes and remarks staff
	// write, questions and complaints and their photos were left out.
	kept := map[string][]string{
		"ko": {"이름", "전화번호", "생일(알려 주신 경우, 연도 포함)", "텔레그램 계정", "방문·포인트·스탬프·쿠폰 기록", "상담 기록과 메모(선호, 특이사항, 태그)", "남기신 의견과 문의·불만 대화(보내신 사진 포함)", "문의 응대"},
		"en": {"your name, phone number", "birthday if you tell us (with the year)", "Telegram account", "stamps and coupons", "notes our staff write about you (preferences, remarks, tags)", "questions and complaints you send us, photos included", "answering your questions"},
	}
	for _, tt := range tests {
		tt.want = append(tt.want, kept[tt.lang]...)
		t.Run(tt.name, func(t *testing.T) {
			h := mustOpenRetention(t, tt.lang, tt.r, tt.shop)
			runSteps(t, h, []step{{msg: custMsg("/start"), want: tt.want, not: append(tt.not, "{{", "<no value>"), payloads: []string{"yes", "no"}}})
		})
	}
}

// TestDeclinedFeedbackKeepsNoID: feedback from someone who declined
// consent is kept with no platform id (nothing their erasure would need to
// reach), while someone who was never asked keeps theirs for /forget.
func TestDeclinedFeedbackKeepsNoID(t *testing.T) {
	h := mustOpenRetention(t, "ko", ledger.Retention{Years: 2}, "")
	feedback := func(m func(string) Message, comment string) []step {
		return []step{
			{msg: m("/feedback"), payloads: []string{"rate:4"}},
			{msg: press(m(""), "rate:4"), payloads: []string{"skip"}},
			{msg: press(m(""), "skip"), payloads: []string{"skip"}},
			{msg: m(comment), ids: []string{"core.feedback.thanks"}},
		}
	}
	steps := []step{
		{msg: custMsg("/start"), payloads: []string{"no"}},
		{msg: press(custMsg(""), "no"), want: []string{"/feedback 으로 의견은 익명으로"}},
	}
	steps = append(steps, feedback(custMsg, "거절한 손님의 의견")...)
	steps = append(steps, feedback(cust2Msg, "묻지 않은 손님의 의견")...)
	// Their low rating opens no complaint (nobody to answer), so they are
	// not told that an answer comes in the chat.
	// The staff can only say they saw it: the button does not promise a
	// call nobody can make.
	var fid string
	steps = append(steps,
		step{msg: custMsg("/feedback 1 별로였어요"), ids: []string{"core.feedback.thanks", "core.feedback.sorry"}, not: []string{h.text("core.feedback.sorry_thread", nil)},
			check: func(t *testing.T, h *harness, rs []Reply) {
				alert := rs[len(rs)-1]
				if alert.To != ToStaffChannel || len(alert.Buttons) != 1 || alert.Buttons[0].Label != h.cat.Text("ko", "core.btn.seen", nil) {
					t.Fatalf("alert of an anonymous low rating = %+v", alert)
				}
				fid = strings.TrimPrefix(alert.Buttons[0].Payload, "answer:")
			}},
		step{build: func() Message { return press(staffMsg(""), "answer:"+fid) }, want: []string{h.text("core.answer.seen", map[string]any{"Name": "지수"})}},
	)
	runSteps(t, h, steps)
	got := map[string]ledger.Feedback{}
	for _, f := range h.allFeedback() {
		got[f.Comment] = f
	}
	if f := got["거절한 손님의 의견"]; f.SenderID != "" || f.CustomerID != "" || f.Rating != 4 {
		t.Errorf("declined sender's feedback = %+v, want it kept with no id", f)
	}
	if f := got["묻지 않은 손님의 의견"]; f.SenderID != "telegram:"+custTG2 {
		t.Errorf("unasked sender's feedback = %+v, want their id kept for /forget", f)
	}
	h.update(func(tx *ledger.Tx) error {
		if n, err := tx.EraseSender("telegram:" + custTG); err != nil || n != 0 {
			t.Errorf("EraseSender(declined) = %d, %v; want nothing tied to them", n, err)
		}
		return nil
	})
}
