package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/dialog"
)

// DANGOL_OPEN_HOURS and DANGOL_CLOSED_DAYS give the opening hours a
// customer's question is confirmed with; a bad one is refused naming both.
func TestConfigOpenHours(t *testing.T) {
	for _, tt := range []struct {
		hours, closed string
		span          string
		closedN       int
		err           bool
	}{
		{"", "", "10:00–20:00", 0, false},
		{"09:00-18:00", "일요일", "09:00–18:00", 1, false},
		{"11:00~21:30", "sat, sun", "11:00–21:30", 2, false},
		{"10시-8시", "", "", 0, true},
		{"", "휴일", "", 0, true},
	} {
		t.Run(tt.hours+"/"+tt.closed, func(t *testing.T) {
			cfg, err := validatedConfig(map[string]string{"DANGOL_OPEN_HOURS": tt.hours, "DANGOL_CLOSED_DAYS": tt.closed})
			if tt.err {
				wantUsage(t, err, "threads.err.hours", map[string]any{"Hours": tt.hours, "Closed": tt.closed})
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg.Hours.Span(); got != tt.span || len(cfg.Hours.Closed) != tt.closedN {
				t.Errorf("Hours = %s closed %v, want %s and %d days", got, cfg.Hours.Closed, tt.span, tt.closedN)
			}
		})
	}
}

// TestChat_QuestionThread is issue 12's console script, in Korean and
// English: a linked customer's question, sent to the staff channel; the
// staff's /reply relayed as [shop staff]; the customer's answer joining the
// thread; /inbox and the whole conversation; close with a note; the
// inbox empty after. Goldens: testdata/threads.<lang>.golden.
func TestChat_QuestionThread(t *testing.T) {
	for _, lang := range []string{"ko", "en"} {
		t.Run(lang, func(t *testing.T) {
			env := map[string]string{
				"DANGOL_DB": filepath.Join(t.TempDir(), "dangol.db"), "DANGOL_LANG": lang,
				"DANGOL_SHOP_NAME": "단골미용실", "DANGOL_OPEN_HOURS": "10:00-20:00", "DANGOL_CLOSED_DAYS": "sun",
			}
			question, answer, more, note := "내일 3시 예약 가능한가요?", "네, 3시 비어 있어요", "그럼 3시로 부탁드려요", "예약 완료"
			if lang == "en" {
				question, answer, more, note = "Is 3 pm tomorrow free?", "Yes, 3 pm is free", "Book me in, please", "booked"
			}
			r := runChat(t, env, strings.Join([]string{
				":as staff 민지",
				"/customer new 010-4815-1623 김하늘",
				"/link 010-4815-1623",
				":as customer 4242",
				"/start", "1", "815887",
				question, "1",
				":as staff 민지",
				"/reply 1 " + answer,
				":as customer 4242",
				more,
				":as staff 민지",
				"/inbox",
				"/inbox 1",
				"/inbox close 1 " + note,
				"/inbox",
			}, "\n")+"\n")
			if r.err != nil {
				t.Fatalf("chat: %v\n%s", r.err, r.stderr)
			}
			for _, w := range []string{"[단골미용실 민지] " + answer, "#1"} {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("chat output lacks %q:\n%s", w, r.stdout)
				}
			}
			assertGolden(t, filepath.Join("testdata", "threads."+lang+".golden"), r.stdout)
			// The export holds the thread with every message and the note.
			ex := runMain(t, env, "", "export")
			if ex.err != nil {
				t.Fatalf("export: %v\n%s", ex.err, ex.stderr)
			}
			for _, w := range []string{`"threads":[{"number":1,"kind":"question","state":"closed"`, question, answer, more, `"note":"` + note + `"`, `"dir":"out","staff":"console:민지"`} {
				if !strings.Contains(ex.stdout, w) {
					t.Errorf("export lacks %q:\n%s", w, ex.stdout)
				}
			}
		})
	}
}

// DANGOL_REPLY_SLA and DANGOL_RESOLVE_SLA take a duration or whole days;
// unset leaves dialog's defaults (0 here); a bad one is refused naming it.
func TestConfigSLA(t *testing.T) {
	for _, tt := range []struct {
		reply, resolve string
		want           dialog.SLA
		bad            string
	}{
		{"", "", dialog.SLA{}, ""},
		{"90m", "3d", dialog.SLA{Reply: 90 * time.Minute, Resolve: 72 * time.Hour}, ""},
		{"2h", "", dialog.SLA{Reply: 2 * time.Hour}, ""},
		{"두시간", "", dialog.SLA{}, "DANGOL_REPLY_SLA"},
		{"", "0d", dialog.SLA{}, "DANGOL_RESOLVE_SLA"},
		{"10s", "", dialog.SLA{}, "DANGOL_REPLY_SLA"},
	} {
		t.Run(tt.reply+"/"+tt.resolve, func(t *testing.T) {
			cfg, err := validatedConfig(map[string]string{"DANGOL_REPLY_SLA": tt.reply, "DANGOL_RESOLVE_SLA": tt.resolve})
			if tt.bad != "" {
				value := tt.reply
				if tt.bad == "DANGOL_RESOLVE_SLA" {
					value = tt.resolve
				}
				wantUsage(t, err, "threads.err.sla", map[string]any{"Setting": tt.bad, "Value": value})
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.SLA != tt.want {
				t.Errorf("SLA = %+v, want %+v", cfg.SLA, tt.want)
			}
		})
	}
}
