package locales

import (
	"strings"
	"testing"
)

// TestEnglishCounts: an English message about a count says "1 visit", not
// "1 visits", whether the count comes as an int or as digits already
// grouped ("1", "1,204"); Korean needs no form of its own.
func TestEnglishCounts(t *testing.T) {
	c := MustLoad()
	for _, tt := range []struct {
		id   string
		data map[string]any
		want string
	}{
		{"core.card.tier", map[string]any{"Tier": "Member", "Visits": 1}, "Tier: Member (1 visit)"},
		{"core.card.tier", map[string]any{"Tier": "Member", "Visits": 0}, "Tier: Member (0 visits)"},
		{"core.card.tier", map[string]any{"Tier": "VIP", "Visits": 12}, "Tier: VIP (12 visits)"},
		{"core.card.short", map[string]any{"Name": "Jane", "Masked": "010-****-3333", "Tier": "Member", "Visits": 1, "Points": "0 pts"}, "Jane (010-****-3333) · Member · 1 visit · 0 pts"},
		{"customers.head", map[string]any{"Count": "1", "Filter": "#perm", "From": 1, "To": 1}, "1 customer (#perm)"},
		{"customers.head", map[string]any{"Count": "1,204", "Filter": "#perm", "From": 1, "To": 20}, "1,204 customers (#perm)"},
		{"customers.csv.sent", map[string]any{"Count": "1"}, "the list of 1 customer to you"},
		{"corrections.void.no_entry", map[string]any{"Name": "Jane", "N": 4, "Count": 1}, "(1 entry)."},
		{"corrections.void.no_entry", map[string]any{"Name": "Jane", "N": 4, "Count": 3}, "(3 entries)."},
		{"corrections.note.no_note", map[string]any{"Name": "Jane", "N": 4, "Count": 1}, "(1 note)."},
		{"loyalty.stamp.no_entry", map[string]any{"Name": "Jane", "N": 4, "Count": 1}, "(1 entry)."},
		{"ads.birthday.no_shop", map[string]any{"Count": 1}, "1 customer has their birthday today"},
		{"ads.birthday.no_shop", map[string]any{"Count": 2}, "2 customers have their birthday today"},
		{"cli.import.undated", map[string]any{"Count": "1"}, "1 customer without a registration date is recorded"},
		{"cli.import.undated", map[string]any{"Count": "30"}, "30 customers without a registration date are recorded"},
	} {
		if got := c.Text("en", tt.id, tt.data); !strings.Contains(got, tt.want) {
			t.Errorf("%s %v = %q, want it to contain %q", tt.id, tt.data, got, tt.want)
		}
	}
	if got := c.Text("ko", "core.card.tier", map[string]any{"Tier": "일반", "Visits": 1}); !strings.Contains(got, "1회") {
		t.Errorf("Korean tier line %q lost its count", got)
	}
}
