package feedback

import (
	"errors"
	"fmt"
	"time"

	"github.com/dangol/dangol/ledger"
)

// IsAtRisk reports whether a customer with visit stats v is a regular at
// risk at now: the rule the weekly summary counts (at least 3 visits, and
// away more than twice their average interval), so a staff list of 뜸한
// customers and the summary's count always agree.
func IsAtRisk(v ledger.VisitStats, now time.Time) bool { return atRisk(v, now) }

// AtRiskRegulars returns the regulars at risk at now as the summary lists
// them (the most visits first, then the longest away), at most limit (0:
// DefaultLimit), with their names, and how many there are in all; erased
// customers are neither listed nor counted, as in the summary. It reads every customer's visit
// stats and the records of those it returns only: what staff need to act
// on each (dialog's [안부 메시지]) without computing a whole week.
func AtRiskRegulars(tx *ledger.Tx, now time.Time, limit int) ([]AtRisk, int, error) {
	if limit <= 0 {
		limit = DefaultLimit
	}
	list := topN[AtRisk]{n: limit, less: func(a, c AtRisk) bool {
		if a.Visits != c.Visits {
			return a.Visits > c.Visits
		}
		return a.Last.Before(c.Last)
	}}
	n := 0
	err := tx.ScanLiveVisitStats(func(v ledger.VisitStats) error {
		if atRisk(v, now) {
			n++
			list.push(AtRisk{
				Customer: CustomerRef{ID: v.CustomerID}, Visits: v.Visits, First: v.First, Last: v.Last,
				Interval: v.Last.Sub(v.First) / time.Duration(v.Visits-1), Away: now.Sub(v.Last),
			})
		}
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("feedback: regulars at risk: %w", err)
	}
	for i := range list.items {
		ref := &list.items[i].Customer
		c, err := tx.Customer(ref.ID)
		switch {
		case errors.Is(err, ledger.ErrCustomerNotFound):
			ref.Erased = true
		case err != nil:
			return nil, 0, fmt.Errorf("feedback: regulars at risk: %w", err)
		case c.Erased:
			ref.Erased = true
		default:
			ref.Name = c.Name
		}
	}
	return list.items, n, nil
}
