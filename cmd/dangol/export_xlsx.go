package main

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/dangol/dangol/ledger"
)

// xlsxNumbers are the csvHeader columns an Excel sheet gets as numbers,
// so a shop can sum and sort them: points, visits, stamps, coupons. The
// phone stays text, or Excel drops its leading 0.
var xlsxNumbers = map[int]bool{3: true, 4: true, 10: true, 11: true}

// exportXLSX writes the CSV export's rows as one sheet of an Excel
// workbook, named in the shop's language. Texts are cells of their own,
// never formulas, so nothing needs cell's apostrophe.
func (m *Main) exportXLSX(ctx context.Context, tx *ledger.Tx, w io.Writer, damaged damagedRecords) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := m.Catalog.Text(m.Config.Lang, "cli.export.sheet", nil)
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("export xlsx: %w", err)
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("export xlsx: %w", err)
	}
	n := 0
	err = m.customerRows(ctx, tx, func(s string) string { return s }, func(row []string) error {
		n++
		vals := make([]any, len(row))
		for i, v := range row {
			vals[i] = v
			if x, err := strconv.ParseInt(v, 10, 64); err == nil && xlsxNumbers[i] && n > 1 {
				vals[i] = x
			}
		}
		at, err := excelize.CoordinatesToCellName(1, n)
		if err != nil {
			return err
		}
		return sw.SetRow(at, vals)
	}, damaged)
	if err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("export xlsx: %w", err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("export xlsx: %w", err)
	}
	return nil
}
