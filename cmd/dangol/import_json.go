package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/dangol/dangol/ledger"
)

// dangol import reads dangol export's own JSON as it reads the CSV export:
// each customer becomes a row of the CSV's columns, and the one row
// pipeline (sheetFromRecords, parseRow, applyImport) takes it from there,
// so a JSON move restores exactly what a CSV move does. What the JSON has
// besides (notes, the points entries, stamp entries, feedback, threads,
// the audit trail) is not imported: a note or an earn recorded again
// would count a visit on its day on top of the visits carried over, and
// the points come over as the balance, as from a sheet. Nothing is
// imported twice: a second import skips every customer whose phone is
// there already.

// jsonHeader are the columns a JSON export's customers are read into:
// csvHeader's names, which headerAliases knows, without those the import
// does not read (id, consent, coupons_valid).
var jsonHeader = []string{"name", "phone", "points", "visits", "last_visit", "tags", "created_at",
	"tier", "tier_pinned", "stamps", "coupons", "birthday", "preferences", "remarks"}

// jsonExport is what the import reads of dangol export's JSON.
type jsonExport struct {
	Customers []jsonCustomer `json:"customers"`
}

// jsonCustomer is what the import reads of a customer of the JSON export
// (exportCustomer).
type jsonCustomer struct {
	Name   string `json:"name"`
	Phone  string `json:"phone"`
	Points int64  `json:"points"`
	// Visits is nil when the customer has no "visits" (an export edited
	// by hand): a row without the count, not one of 0 (visitRange).
	Visits      *int           `json:"visits"`
	LastVisit   *string        `json:"last_visit"`
	Tags        []string       `json:"tags"`
	CardTags    []string       `json:"card_tags"`
	CreatedAt   *string        `json:"created_at"`
	Birthday    *string        `json:"birthday"`
	Preferences string         `json:"preferences"`
	Remarks     string         `json:"remarks"`
	Erased      bool           `json:"erased"`
	Loyalty     *exportLoyalty `json:"loyalty"`
}

// jsonRecords reads dangol export's JSON in b into rows of jsonHeader's
// columns, the header first, with each row's number as the report gives
// it: the customer's place in the export's customers, from 1 (the header
// is row 0).
func (m *Main) jsonRecords(b []byte) (records [][]string, rows []int, err error) {
	var ex jsonExport
	if err := json.Unmarshal(bytes.TrimPrefix(b, []byte("\uFEFF")), &ex); err != nil {
		return nil, nil, fmt.Errorf("%w: dangol export JSON: %w", errBadSheet, err)
	}
	records, rows = [][]string{jsonHeader}, []int{0}
	for i, c := range ex.Customers {
		records, rows = append(records, m.jsonRow(c)), append(rows, i+1)
	}
	return records, rows, nil
}

// jsonRow is a customer of the JSON export in jsonHeader's columns, each
// as the CSV export writes it, so the import reads it the same way.
func (m *Main) jsonRow(c jsonCustomer) []string {
	if c.Erased {
		// Nothing of theirs is kept: a row without a name or a phone,
		// passed over and counted (nameless), as in the CSV export.
		c.Name, c.Phone = "", ""
	}
	opt := func(s *string) string {
		if s == nil {
			return ""
		}
		return *s
	}
	tags := c.CardTags
	if tags == nil {
		tags = c.Tags // an export from before card_tags
	}
	visits := ""
	if c.Visits != nil {
		visits = strconv.Itoa(*c.Visits)
	}
	tier, pinned, stamps := "", "", ""
	var coupons []string
	if l := c.Loyalty; l != nil {
		if l.Tier != nil {
			tier = l.Tier.Tier
			if l.Tier.Pinned {
				pinned = "yes"
			}
		}
		if l.Stamps != nil {
			stamps = strconv.Itoa(l.Stamps.OnCard)
		}
		for _, cp := range l.Coupons {
			if cp.State == string(ledger.CouponValid) {
				coupons = append(coupons, m.couponLine(ledger.Coupon{Benefit: cp.Benefit, LastDay: cp.LastDay, Code: cp.Code}))
			}
		}
	}
	return []string{
		c.Name, c.Phone, strconv.FormatInt(c.Points, 10), visits, opt(c.LastVisit),
		strings.Join(tags, ", "), opt(c.CreatedAt), tier, pinned, stamps, strings.Join(coupons, "\n"),
		opt(c.Birthday), c.Preferences, c.Remarks,
	}
}
