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
		{"loyalty.stamp.added", map[string]any{"Name": "Jane", "N": 1}, "Gave Jane 1 stamp."},
		{"loyalty.stamp.added", map[string]any{"Name": "Jane", "N": 3}, "Gave Jane 3 stamps."},
		{"loyalty.stamp.already", map[string]any{"N": 1, "Date": "2026-05-13"}, "The 1 stamp of 2026-05-13 was already"},
		{"loyalty.stamp.already", map[string]any{"N": 2, "Date": "2026-05-13"}, "The 2 stamps of 2026-05-13 were already"},
		{"loyalty.stamp.used", map[string]any{"N": 1, "Date": "2026-05-13"}, "The 1 stamp of 2026-05-13 went into a reward coupon already used, so it can't"},
		{"loyalty.stamp.reversed", map[string]any{"Name": "Jane", "N": 1, "Date": "2026-05-13"}, "Took back Jane's 1 stamp of"},
		{"loyalty.tier.visits", map[string]any{"N": 1}, "1 visit"},
		{"loyalty.program.expiry", map[string]any{"Months": 1}, "1 month after"},
		{"loyalty.program.expiry", map[string]any{"Months": 12}, "12 months after"},
		{"core.staff.head", map[string]any{"Count": 1}, "1 person has a role"},
		{"core.staff.head", map[string]any{"Count": "2"}, "2 people have a role"},
		{"core.followups.head", map[string]any{"Count": "1"}, "1 follow-up is due."},
		{"core.followups.head", map[string]any{"Count": 4}, "4 follow-ups are due."},
		{"summary.nps_answers", map[string]any{"Count": 1}, " · 1 answer"},
		{"summary.at_risk_item", map[string]any{"Name": "Jane", "Visits": 1, "Last": "5/1", "Every": 1}, "Jane — 1 visit, last 5/1 (usually every day)"},
		{"summary.at_risk_item", map[string]any{"Name": "Jane", "Visits": 6, "Last": "5/1", "Every": 21}, "Jane — 6 visits, last 5/1 (usually every 21 days)"},
		{"threads.week.questions", map[string]any{"N": 1, "Answered": 1, "Median": "5m", "P90": "5m"}, "1 question · 1 answered"},
		{"cli.import.counts", map[string]any{"Imported": 3, "Skipped": 0, "Rejected": 1}, "rejected 1 row"},
		{"response.none", map[string]any{"Days": 1, "From": "12/1", "To": "12/1"}, "in the last 1 day ("},
		{"loyalty.program.confirm.stamps", map[string]any{"N": 1}, "the stamp card of 1 customer is full"},
		{"loyalty.program.confirm.stamps", map[string]any{"N": 3}, "the stamp cards of 3 customers are full"},
		{"loyalty.program.confirm.tier_drop", map[string]any{"Tier": "VIP", "To": "Regular", "N": 2, "Lower": 1, "Days": 30}, "1 below its thresholds is told"},
		{"loyalty.program.confirm.tier_drop", map[string]any{"Tier": "VIP", "To": "Regular", "N": 2, "Lower": 2, "Days": 30}, "2 below its thresholds are told"},
		{"loyalty.program.stamps_filled", map[string]any{"N": 1, "Told": 1}, "1 customer's card was full"},
		{"loyalty.program.stamps_filled", map[string]any{"N": 2, "Told": 2}, "2 customers' cards were full"},
		{"loyalty.program.stamps_kept", map[string]any{"N": 1, "Goal": 10}, "1 customer keeps their stamps"},
		{"core.fmt.points", map[string]any{"N": "1"}, "1 point"},
		{"core.fmt.points", map[string]any{"N": "-1"}, "-1 point"},
		{"core.fmt.points", map[string]any{"N": "0"}, "0 points"},
		{"core.fmt.points", map[string]any{"N": "2,750"}, "2,750 points"},
		{"campaign.gift_coupon", map[string]any{"Benefit": "10% off", "Days": 1}, "(valid 1 day)"},
		{"campaign.gift_coupon", map[string]any{"Benefit": "10% off", "Days": 30}, "(valid 30 days)"},
		{"core.link.too_many_attempts", map[string]any{"Minutes": 1}, "again in 1 minute,"},
		{"linking.code.paused", map[string]any{"Minutes": 1}, "again in 1 minute."},
		{"threads.sent_idle", map[string]any{"Minutes": 1}, "for 1 minute,"},
		{"customers.audit.unit.d", map[string]any{"N": 1}, "1 day"},
		{"customers.audit.unit.mo", map[string]any{"N": 1}, "1 month"},
		{"customers.audit.unit.v", map[string]any{"N": 1}, "1 visit"},
		{"customers.audit.unit.v", map[string]any{"N": 3}, "3 visits"},
		{"media.kept", map[string]any{"Count": 1}, "The photo goes along"},
		{"media.kept", map[string]any{"Count": 2}, "The 2 photos go along"},
		{"media.mine.photos", map[string]any{"Count": 1, "Names": "photo-1.jpg"}, "You sent 1 photo ("},
		{"cli.import.more", map[string]any{"Count": 1}, "and 1 more row"},
		{"keys.migrate.up_to_date", map[string]any{"DB": "d.db", "From": 3, "Customers": 1, "Notes": 1, "Points": 1, "Feedback": 1}, "1 customer, 1 note, 1 points entry and 1 feedback"},
		{"keys.migrate.done", map[string]any{"DB": "d.db", "From": 2, "To": 3, "Records": 1, "Size": "1 KB", "After": "1 KB"}, "3, 1 record)"},
	} {
		if got := c.Text("en", tt.id, tt.data); !strings.Contains(got, tt.want) {
			t.Errorf("%s %v = %q, want it to contain %q", tt.id, tt.data, got, tt.want)
		}
	}
	if got := c.Text("ko", "core.card.tier", map[string]any{"Tier": "일반", "Visits": 1}); !strings.Contains(got, "1회") {
		t.Errorf("Korean tier line %q lost its count", got)
	}
}
