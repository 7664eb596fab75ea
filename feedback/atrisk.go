package feedback

import (
	"time"

	"github.com/dangol/dangol/ledger"
)

// IsAtRisk reports whether a customer with visit stats v is a regular at
// risk at now: the rule the weekly summary counts (at least 3 visits, and
// away more than twice their average interval), so a staff list of 뜸한
// customers and the summary's count always agree.
func IsAtRisk(v ledger.VisitStats, now time.Time) bool { return atRisk(v, now) }
