package main

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/dialog"
)

// DANGOL_FEEDBACK_AFTER takes a duration; unset is 3h; 0 and off turn the
// rating requests off; a bad one is refused naming the variable.
func TestConfigFeedbackAfter(t *testing.T) {
	for _, tt := range []struct {
		value string
		want  time.Duration
		bad   bool
	}{
		{"", dialog.DefaultFeedbackAfter, false},
		{"90m", 90 * time.Minute, false},
		{"0", -1, false},
		{"OFF", -1, false},
		{"세시간", 0, true},
		{"10s", 0, true},
		{"200h", 0, true},
	} {
		t.Run(tt.value, func(t *testing.T) {
			cfg, err := validatedConfig(map[string]string{"DANGOL_FEEDBACK_AFTER": tt.value})
			if tt.bad {
				wantUsage(t, err, "care.err.feedback_after", map[string]any{"Setting": "DANGOL_FEEDBACK_AFTER", "Value": tt.value})
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.FeedbackAfter != tt.want {
				t.Errorf("FeedbackAfter = %v, want %v", cfg.FeedbackAfter, tt.want)
			}
		})
	}
}

// linkedThenNote is a console script's start: staff 민지 registers 김하늘
// (010-4815-1623), who links as customer 4242 and consents, and 민지 notes
// a consultation, her visit.
var linkedThenNote = []string{
	":as staff 민지",
	"/customer new 010-4815-1623 김하늘",
	"/link 010-4815-1623",
	":as customer 4242",
	"/start", "1", "815887",
	":as staff 민지",
	"/note 010-4815-1623 펌 상담",
}

// TestChat_RatingRequest is the rating request's console script, in Korean
// and English, on the console's clock: a linked customer's visit (a note)
// at 14:00 is asked about at 17:00, not before; the customer taps four
// stars and writes a comment at the score question, which finishes the
// feedback; a day later nothing more is asked. Goldens (from the note on,
// so the linking's texts are other tests' business):
// testdata/rating.<lang>.golden.
func TestChat_RatingRequest(t *testing.T) {
	t.Parallel() // its own ledger and Main
	for _, lang := range []string{"ko", "en"} {
		t.Run(lang, func(t *testing.T) {
			comment := "친절하게 설명해 주셔서 좋았어요"
			if lang == "en" {
				comment = "Thank you for explaining it so kindly"
			}
			script := strings.Join(append(slices.Clone(linkedThenNote),
				":time +2h59m",
				":time +1m",
				":as customer 4242",
				"4", comment, // words at the score question are the comment
				":as staff 민지",
				":time +1d",
			), "\n") + "\n"
			tr := shopChat(t, lang, script)
			ask := testCatalog.Text(lang, "console.to.customer", map[string]any{"User": "4242"}) + " " + testCatalog.Text(lang, "care.rating.ask", map[string]any{"Shop": "단골미용실"})
			if n := strings.Count(tr, ask); n != 1 {
				t.Errorf("the rating request is made %d times, want once:\n%s", n, tr)
			}
			assertGoldenFrom(t, tr, "> /note ", "rating."+lang+".golden")
		})
	}
}
