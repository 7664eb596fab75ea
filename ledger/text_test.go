package ledger

import (
	"errors"
	"testing"
)

func TestControlError(t *testing.T) {
	tests := []struct {
		name  string
		err   error
		field string // "" = accepted
	}{
		{"OK/NameHangul", (&Customer{Name: "김하늘", CreatedAt: t0}).Validate(), ""},
		{"ErrNameNUL", (&Customer{Name: "김\x00하늘", CreatedAt: t0}).Validate(), "name"},
		{"ErrNameNewline", (&Customer{Name: "김\n하늘", CreatedAt: t0}).Validate(), "name"},
		{"ErrNameEscape", (&Customer{Name: "\x1b[31m김하늘", CreatedAt: t0}).Validate(), "name"},
		{"ErrNameBidiOverride", (&Customer{Name: "김\u202e하늘", CreatedAt: t0}).Validate(), "name"},
		{"ErrNameInvalidUTF8", (&Customer{Name: "김\xff", CreatedAt: t0}).Validate(), "name"},
		{"OK/RemarksLines", (&Customer{Name: "김하늘", Remarks: "알레르기\n\t두피 민감", CreatedAt: t0}).Validate(), ""},
		{"ErrRemarksNUL", (&Customer{Name: "김하늘", Remarks: "a\x00", CreatedAt: t0}).Validate(), "remarks"},
		{"ErrPreferencesBell", (&Customer{Name: "김하늘", Preferences: "a\a", CreatedAt: t0}).Validate(), "preferences"},
		{"ErrTagNUL", (&Customer{Name: "김하늘", Tags: []string{"VIP\x00"}, CreatedAt: t0}).Validate(), "tag"},
		{"OK/NoteLines", (&Note{CustomerID: "C1", StaffID: "slack:U1", At: t0, Text: "커트\n다음엔 펌"}).Validate(), ""},
		{"ErrNoteNUL", (&Note{CustomerID: "C1", StaffID: "slack:U1", At: t0, Text: "커트\x00"}).Validate(), "text"},
		{"ErrNoteTagDEL", (&Note{CustomerID: "C1", StaffID: "slack:U1", At: t0, Text: "커트", Tags: []string{"펌\x7f"}}).Validate(), "tag"},
		{"ErrFeedbackC1", (&Feedback{At: t0, Rating: 3, NPS: NoNPS, Comment: "좋아요\u0085"}).Validate(), "comment"},
		{"ErrReasonNewline", (&PointsEntry{CustomerID: "C1", At: t0, ActorID: "slack:U1", Kind: PointsEarn, Points: 10, Reason: "커트\n"}).Validate(), "reason"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.field == "" {
				if tt.err != nil {
					t.Fatalf("refused: %v", tt.err)
				}
				return
			}
			var ce *ControlError
			if !errors.As(tt.err, &ce) || ce.Field != tt.field {
				t.Fatalf("err = %v, want a ControlError on %s", tt.err, tt.field)
			}
			if !errors.Is(tt.err, ErrInvalid) {
				t.Errorf("%v does not match ErrInvalid", tt.err)
			}
		})
	}
}
