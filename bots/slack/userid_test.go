package slack

import (
	"strings"
	"testing"
)

// TestIsUserID: a mention, as incomingText passes it on, is a user id the
// engine may grant a role to; a display name typed as text is not.
func TestIsUserID(t *testing.T) {
	tests := []struct {
		typed string // as Slack sends it in the command's text
		want  bool
	}{
		{"<@U0123ABCD|minji>", true},
		{"<@W0123ABCD>", true},
		{"@민지", false},
		{"민지", false},
		{"@minji", false},
		{"U", false},
		{"u0123abcd", false},
		{"<#C0123|general>", false},
	}
	for _, tt := range tests {
		id := strings.TrimPrefix(incomingText(tt.typed), "@")
		if got := IsUserID(id); got != tt.want {
			t.Errorf("IsUserID(%q from %q) = %v, want %v", id, tt.typed, got, tt.want)
		}
	}
}
