package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/dangol/dangol/ledger"
)

// An export of a file with a damaged record (one that does not decode or
// does not open: ledger.ErrCorrupt) writes every other record and counts
// the damaged ones; it used to stop at the first with an English error and
// write nothing, so the shop could not even rescue its other customers.
// The count is told at the end, and the command fails, so a script notices
// the file needs restoring even though the export itself is complete.

// damagedRecords counts the records an export passed over, by kind.
type damagedRecords map[ledger.RecordKind]int

// add counts one damaged record of kind: Tx.SkipDamaged's callback.
func (d damagedRecords) add(kind ledger.RecordKind, _ error) { d[kind]++ }

// customer counts a customer whose own record read but one their export
// needs (a tier, a coupon, a thread) did not: with part of them missing,
// none of them is written.
func (d damagedRecords) customer(err error) bool {
	if !errors.Is(err, ledger.ErrCorrupt) {
		return false
	}
	d[ledger.RecordCustomer]++
	return true
}

// damagedProblem is the warning told once the export is written, or nil when
// nothing was passed over.
func (m *Main) damagedProblem(d damagedRecords) error {
	if len(d) == 0 {
		return nil
	}
	lang := m.Config.Lang
	var parts []string
	total := 0
	for _, kind := range []ledger.RecordKind{ledger.RecordCustomer, ledger.RecordNote, ledger.RecordPoints, ledger.RecordFeedback, ledger.RecordAudit} {
		n := d[kind]
		if n == 0 {
			continue
		}
		total += n
		data := map[string]any{"Count": n}
		var part string
		switch kind {
		case ledger.RecordCustomer:
			part = m.Catalog.Text(lang, "cli.export.damaged.customer", data)
		case ledger.RecordNote:
			part = m.Catalog.Text(lang, "cli.export.damaged.note", data)
		case ledger.RecordPoints:
			part = m.Catalog.Text(lang, "cli.export.damaged.points", data)
		case ledger.RecordFeedback:
			part = m.Catalog.Text(lang, "cli.export.damaged.feedback", data)
		case ledger.RecordAudit:
			part = m.Catalog.Text(lang, "cli.export.damaged.audit", data)
		}
		parts = append(parts, part)
	}
	return &localError{m.Catalog.Text(lang, "cli.export.damaged", map[string]any{
		"List": strings.Join(parts, ", "), "DB": m.Config.DB,
	}), fmt.Errorf("export: %d damaged records passed over: %w", total, ledger.ErrCorrupt)}
}
