package dialog

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"log/slog"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/dangol/dangol/feedback"
	"github.com/dangol/dangol/feedback/charttest"
	"github.com/dangol/dangol/ledger"
)

// addFollowUp records a note by staffID about customerID with a follow-up
// due on due's date, and returns the note's id.
func addFollowUp(h *harness, customerID, staffID, text string, due time.Time, done bool) string {
	h.tb.Helper()
	y, m, d := due.In(seoul).Date()
	n := ledger.Note{
		CustomerID: customerID, StaffID: staffID, StaffName: "직원", At: due.AddDate(0, 0, -7),
		Text: text, FollowUp: time.Date(y, m, d, 0, 0, 0, 0, seoul),
	}
	h.update(func(tx *ledger.Tx) error {
		if err := tx.AddNote(&n); err != nil {
			return err
		}
		if done {
			return tx.SetFollowUpDone(n.ID)
		}
		return nil
	})
	return n.ID
}

func (h *harness) note(id string) ledger.Note {
	h.tb.Helper()
	var n ledger.Note
	h.view(func(tx *ledger.Tx) error {
		var err error
		n, err = tx.Note(id)
		return err
	})
	return n
}

// TestFollowUpPosts: each staff member with follow-ups due that day, or
// overdue and not done, gets one DM in their language, with a working
// "done" button per follow-up, an overdue one marked with its day; nobody
// else gets anything.
func TestFollowUpPosts(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	f := seed(h)
	today := time.Date(2026, 5, 13, 0, 0, 0, 0, seoul)
	long := strings.Repeat("두피 케어 상담 후 다음 방문 때 제품 사용감 여쭤보기. ", 10)
	gone := h.customer("탈퇴고객", "01099998888")
	n := map[string]string{
		"u1Today":    addFollowUp(h, f.minji, "slack:"+staffID, "펌 예약 확인", today, false),
		"u1Long":     addFollowUp(h, f.jihoon1, "slack:"+staffID, long, today, false),
		"u1Tomorrow": addFollowUp(h, f.anna, "slack:"+staffID, "내일", today.AddDate(0, 0, 1), false),
		"u1Done":     addFollowUp(h, f.jihoon2, "slack:"+staffID, "이미 함", today, true),
		"u2Past":     addFollowUp(h, f.anna, "slack:"+staff2ID, "어제", today.AddDate(0, 0, -1), false),
		"u2Erased":   addFollowUp(h, gone, "slack:"+staff2ID, "지워질 고객", today, false),
		"manager":    addFollowUp(h, f.anna, "slack:"+managerID, "VIP 안내", today, false),
		"granted":    addFollowUp(h, f.minji, "slack:UG", "시술 후 상태", today, false),
		"leaver":     addFollowUp(h, f.minji, "slack:UZ", "퇴사자", today, false),
	}
	h.update(func(tx *ledger.Tx) error {
		if err := tx.EraseCustomer(gone, t0); err != nil {
			return err
		}
		if err := tx.PutStaff(ledger.StaffMember{ID: "slack:UG", Role: ledger.RoleStaff, GrantedBy: "slack:" + managerID, At: t0}); err != nil {
			return err
		}
		return tx.PutProfile(ledger.Profile{ID: "slack:" + managerID, Lang: "en"})
	})

	// Any time of the day, in any zone, names the shop's day.
	rs, err := h.eng.FollowUpPosts(context.Background(), time.Date(2026, 5, 12, 20, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		user, lang string
		notes      []string
	}{
		{staffID, "ko", []string{n["u1Today"], n["u1Long"]}},
		{staff2ID, "ko", []string{n["u2Past"]}}, // yesterday's, not done: named again
		{"UG", "ko", []string{n["granted"]}},
		{managerID, "en", []string{n["manager"]}},
	}
	if len(rs) != len(want) {
		t.Fatalf("got %d DMs, want %d:\n%s", len(rs), len(want), allText(rs))
	}
	for i, w := range want {
		r := rs[i]
		if r.To != ToUser || r.Channel != ChannelSlack || r.UserID != w.user || r.Lang != w.lang {
			t.Errorf("DM %d goes to %v %s:%s in %s, want slack:%s in %s", i, r.To, r.Channel, r.UserID, r.Lang, w.user, w.lang)
		}
		if head := h.cat.Text(w.lang, "core.followups.dm_head", map[string]any{"Count": len(w.notes)}); r.Text != head {
			t.Errorf("DM %d head %q, want %q", i, r.Text, head)
		}
		var got []string
		for _, b := range r.Buttons {
			if id, ok := strings.CutPrefix(b.Payload, "fs:"); ok { // [메시지 보내기] after its [완료]
				if len(got) == 0 || got[len(got)-1] != id || b.Label == "" {
					t.Errorf("DM %d: send button %+v not after its note's done button", i, b)
				}
				continue
			}
			got = append(got, strings.TrimPrefix(b.Payload, "fu:"))
			if len(b.Payload) > 64 || !strings.HasPrefix(b.Payload, "fu:") || b.Label == "" {
				t.Errorf("DM %d: bad button %+v", i, b)
			}
		}
		if strings.Join(got, ",") != strings.Join(w.notes, ",") {
			t.Errorf("DM %d buttons for notes %v, want %v", i, got, w.notes)
		}
		if len(r.Sections) != 1 || len(r.Sections[0].Lines) != len(w.notes) {
			t.Errorf("DM %d sections %+v", i, r.Sections)
		}
	}
	if u2 := allText(rs[1:2]); !strings.Contains(u2, "어제 (2026-05-12까지였어요)") {
		t.Errorf("U2's DM does not mark yesterday's follow-up overdue:\n%s", u2)
	}
	u1 := allText(rs[:1])
	for _, s := range []string{"김민지", "010-****-5678", "펌 예약 확인", "박지훈", "…", "완료: 김민지"} {
		if !strings.Contains(u1, s) {
			t.Errorf("U1's DM lacks %q:\n%s", s, u1)
		}
	}
	for _, s := range []string{"내일", "이미 함", long} {
		if strings.Contains(u1, s) {
			t.Errorf("U1's DM shows %q:\n%s", s, u1)
		}
	}
	if l := rs[0].Sections[0].Lines[1]; utf8.RuneCountInString(l) > noteClip+40 {
		t.Errorf("a long note is not clipped: %q", l)
	}
	if all := allText(rs); strings.Contains(all, "지워질") || strings.Contains(all, "퇴사자") {
		t.Errorf("DMs show what they must not:\n%s", all)
	}

	// Every customer shown was audited as read by the one it was shown to.
	var audited []string
	for _, a := range h.audits() {
		if a.Detail == "followups-dm" {
			audited = append(audited, a.ActorID+" "+a.CustomerID)
		}
		if a.CustomerID == gone {
			t.Errorf("the erased customer was audited: %+v", a)
		}
	}
	if len(audited) != 5 { // U1's two, U2's overdue one, UG's and the manager's
		t.Errorf("audited %v, want 5 reads", audited)
	}

	// Pressing "done" in the DM works like /followups' button.
	rs2 := h.send(press(staffMsg(""), rs[0].Buttons[0].Payload))
	if w := h.text("core.followups.done", map[string]any{"Name": "김민지"}); allText(rs2) != w+"\n" {
		t.Errorf("pressing done answered %q, want %q", allText(rs2), w)
	}
	if !h.note(n["u1Today"]).FollowUpDone {
		t.Error("the follow-up is not marked done in the ledger")
	}
	rs3 := h.send(press(managerMsg(""), rs[3].Buttons[0].Payload))
	if !strings.Contains(allText(rs3), "Anna Lee") || !h.note(n["manager"]).FollowUpDone {
		t.Errorf("the manager's done answered %q", allText(rs3))
	}
	rs, err = h.eng.FollowUpPosts(context.Background(), today)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 3 || rs[0].UserID != staffID || len(rs[0].Buttons) != 2 || rs[0].Buttons[0].Payload != "fu:"+n["u1Long"] {
		t.Errorf("after done, DMs are %+v", rs)
	}

	// A day with nothing due, and nothing overdue within followUpWindow
	// (as /followups looks back), sends nothing.
	rs, err = h.eng.FollowUpPosts(context.Background(), today.AddDate(0, 0, 40))
	if err != nil || len(rs) != 0 {
		t.Errorf("a quiet day: %v, %d DMs", err, len(rs))
	}
}

// TestFollowUpPostsMany: a long list shows maxFollowUps with buttons and
// counts them all; a customer left out of the list is not audited as read.
func TestFollowUpPostsMany(t *testing.T) {
	h := mustOpenHarness(t, nil, "en")
	f := seed(h)
	today := time.Date(2026, 5, 13, 0, 0, 0, 0, seoul)
	for range maxFollowUps + 2 {
		addFollowUp(h, f.anna, "slack:"+staffID, "call back", today, false)
	}
	// Written a day after the others, so it comes last, past the cut.
	h.update(func(tx *ledger.Tx) error {
		return tx.AddNote(&ledger.Note{CustomerID: f.minji, StaffID: "slack:" + staffID, StaffName: "직원",
			At: today.AddDate(0, 0, -6), Text: "not shown", FollowUp: today})
	})
	rs, err := h.eng.FollowUpPosts(context.Background(), today)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || len(rs[0].Buttons) != 2*maxFollowUps || len(rs[0].Sections[0].Lines) != maxFollowUps || // [완료] [메시지 보내기] each
		rs[0].Text != h.cat.Text("ko", "core.followups.dm_head", map[string]any{"Count": maxFollowUps + 3}) {
		t.Errorf("got %+v", rs)
	}
	if all := allText(rs); strings.Contains(all, "not shown") {
		t.Errorf("the note past the cut is shown:\n%s", all)
	}
	var audited []string
	for _, a := range h.audits() {
		if a.Detail == "followups-dm" {
			audited = append(audited, a.CustomerID)
		}
	}
	if len(audited) != 1 || audited[0] != f.anna {
		t.Errorf("audited %v, want only the shown customer %s", audited, f.anna)
	}
}

// TestWeeklyPost: the staff channel's post is /summary's answer in the
// engine's default language, with a chart that decodes as a PNG. This is
// dialog's one test of the real chart (Config.Chart nil), drawn in Korean,
// the default language; the English post carries charttest's stand-in,
// feedback's own tests drawing the chart in both languages.
func TestWeeklyPost(t *testing.T) {
	t.Parallel() // its own ledgers; draws the real chart
	for _, lang := range []string{"ko", "en"} {
		t.Run(lang, func(t *testing.T) {
			h := mustOpenHarness(t, nil, lang)
			h.cfg.Lang = lang
			real := lang == "ko"
			if real {
				h.cfg.Chart = nil
			}
			h.reopen()
			seed(h)
			runSteps(t, h, []step{
				{msg: staffMsg("/note 김민지 커트 #커트")},
				{msg: staffMsg("/points add 김민지 30000")},
				{msg: cust2Msg("/feedback")},
				{msg: press(cust2Msg(""), "rate:2")},
				{msg: press(cust2Msg(""), "skip")},
				{msg: press(cust2Msg(""), "skip")},
			})
			// The manager reads Korean; the channel still gets the shop's language.
			h.update(func(tx *ledger.Tx) error {
				return tx.PutProfile(ledger.Profile{ID: "slack:" + managerID, Lang: map[string]string{"ko": "en", "en": "ko"}[lang]})
			})
			w := feedback.WeekOf(t0, seoul)
			r, err := h.eng.WeeklyPost(context.Background(), w)
			if err != nil {
				t.Fatal(err)
			}
			if r.To != ToStaffChannel || r.Lang != lang || !strings.Contains(r.Text, "2026-W20") || len(r.Sections) < 5 {
				t.Errorf("post %+v", r)
			}
			if r.Image == nil || r.Image.Name != "week-2026-W20.png" {
				t.Fatalf("image %v", r.Image)
			}
			if real {
				charttest.Real(t, r.Image.PNG)
			} else if _, err := png.Decode(bytes.NewReader(r.Image.PNG)); err != nil {
				t.Fatalf("the chart does not decode: %v", err)
			}
			// The same words as /summary, for a manager in that language.
			h.update(func(tx *ledger.Tx) error { return tx.DeleteProfile("slack:" + managerID) })
			m := managerMsg("/summary 2026-W20")
			m.Lang = lang
			rs := h.send(m)
			if len(rs) != 1 || rs[0].Text != r.Text || len(rs[0].Sections) != len(r.Sections) || rs[0].Sections[0].Title != r.Sections[0].Title {
				t.Errorf("/summary says %q, the post %q", allText(rs), r.Text)
			}
			if _, err := h.eng.WeeklyPost(context.Background(), feedback.Week{Year: 2026, Week: 60}); err == nil {
				t.Error("a week that does not exist is no error")
			}
		})
	}
}

func TestClipText(t *testing.T) {
	cases := []struct{ in, want string }{
		{"짧은 메모", "짧은 메모"},
		{"  두 줄\n메모  ", "두 줄…"},
		{" a\n b ", "a b"},
		{"가나다라마바사", "가나다라…"},
		{"abcde", "abcde"},
		{"ab   cdefgh", "ab c…"},
	}
	for _, c := range cases {
		if got := clipText(c.in, 5); got != c.want {
			t.Errorf("clipText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestWeeklyPostChartFails: a chart that fails to draw is logged and left
// out; the numbers are still posted, and /summary still answers.
func TestWeeklyPostChartFails(t *testing.T) {
	h := mustOpenHarness(t, nil, "ko")
	var logs bytes.Buffer
	h.cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	h.cfg.Chart = func(*feedback.Summary, feedback.Translator, string) ([]byte, error) {
		return nil, errors.New("no font")
	}
	h.reopen()
	seed(h)
	r, err := h.eng.WeeklyPost(context.Background(), feedback.WeekOf(t0, seoul))
	if err != nil {
		t.Fatal(err)
	}
	if r.Image != nil || r.Text == "" || len(r.Sections) == 0 {
		t.Errorf("post %+v", r)
	}
	rs := h.send(managerMsg("/summary"))
	if len(rs) != 1 || rs[0].Image != nil || len(rs[0].Sections) == 0 {
		t.Errorf("/summary = %+v", rs)
	}
	if got := strings.Count(logs.String(), "dialog: summary chart"); got != 2 || !strings.Contains(logs.String(), "no font") {
		t.Errorf("logged %d chart failures:\n%s", got, logs.String())
	}
}
