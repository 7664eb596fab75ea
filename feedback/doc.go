// Package feedback turns the ledger's notes, points and feedback into the
// manager's week: activity, loyalty, satisfaction (CSAT, NPS), topics, and who
// needs care (follow-ups, birthdays, regulars at risk), plus a chart of it.
package feedback
