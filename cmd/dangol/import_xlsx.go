package main

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"
)

// The .xlsx side of dangol import: what a file is (sniffFile) and an Excel
// workbook's sheet as the rows of text the CSV path reads too
// (readXLSX). Cells are turned into the text a CSV export of the same sheet
// would hold at its best: a date cell becomes 1990-03-15, a number 1012345678,
// never Excel's displayed "03-15-90" or "1.01E+09".

// fileKind is what a file to import turned out to be, from its content.
type fileKind int

const (
	kindText      fileKind = iota // anything else: read as CSV text
	kindXLSX                      // an Office Open XML workbook (.xlsx, .xlsm)
	kindOLE2                      // Excel 97–2003 .xls, or a password-protected workbook
	kindPDF                       // a PDF document
	kindImage                     // a photo or a screenshot of the list
	kindODS                       // OpenDocument (LibreOffice) .ods
	kindNumbers                   // Apple Numbers
	kindWebSheet                  // Excel's "web page" or "XML Spreadsheet 2003", often named .xls
	kindZip                       // another zip (Word, PowerPoint, a folder zipped)
	kindBrokenZip                 // a zip cut short or damaged (.xlsx is a zip)
	kindExport                    // dangol export's JSON, which import reads (import_json.go)
	kindLedger                    // a dangol data file or backup (bbolt)
)

// kindMessages are the locale ids telling the user what the file is and
// what to save it as instead; text and .xlsx have none, they are read.
var kindMessages = map[fileKind]string{
	kindOLE2:      "cli.import.err.xls",
	kindPDF:       "cli.import.err.pdf",
	kindImage:     "cli.import.err.image",
	kindODS:       "cli.import.err.ods",
	kindNumbers:   "cli.import.err.numbers",
	kindWebSheet:  "cli.import.err.websheet",
	kindZip:       "cli.import.err.zip",
	kindBrokenZip: "cli.import.err.zip_broken",
	kindLedger:    "cli.import.err.ledger",
}

// imageMagic are the first bytes of the pictures a list is photographed or
// captured as, with the name the message shows.
var imageMagic = []struct {
	offset int
	magic  string
	name   string
}{
	{0, "\x89PNG\r\n\x1a\n", "PNG"},
	{0, "\xff\xd8\xff", "JPEG"},
	{0, "GIF8", "GIF"},
	{0, "II*\x00", "TIFF"},
	{0, "MM\x00*", "TIFF"},
	{8, "WEBP", "WebP"},
	{4, "ftypheic", "HEIC"},
	{4, "ftypheix", "HEIC"},
	{4, "ftypmif1", "HEIC"},
}

// sniffFile tells what b is from its content alone, so a workbook renamed
// .csv is still read as one and a .xlsx that is not one is named. For an
// image, detail is its format.
func sniffFile(b []byte) (kind fileKind, detail string) {
	for _, im := range imageMagic {
		if len(b) >= im.offset+len(im.magic) && string(b[im.offset:im.offset+len(im.magic)]) == im.magic {
			return kindImage, im.name
		}
	}
	switch {
	case bytes.HasPrefix(b, []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")):
		return kindOLE2, ""
	case bytes.HasPrefix(b, []byte("%PDF")):
		return kindPDF, ""
	case bytes.HasPrefix(b, []byte("PK\x03\x04")), bytes.HasPrefix(b, []byte("PK\x05\x06")):
		return sniffZip(b), ""
	case len(b) >= 20 && string(b[16:20]) == "\xed\xda\x0c\xed":
		// bbolt's meta page magic: a data file or a backup, which restore
		// takes (it read as text that is neither UTF-8 nor CP949).
		return kindLedger, ""
	case exportOpening.Match(b[:min(len(b), 512)]):
		// dangol export's JSON, also as an editor indents it: a CSV
		// parser's "bare \" in non-quoted field" said nothing useful.
		return kindExport, ""
	}
	head := strings.ToLower(string(bytes.TrimLeft(b[:min(len(b), 512)], "\xef\xbb\xbf \t\r\n")))
	for _, p := range []string{"<!doctype html", "<html", "<table", "<?xml"} {
		if strings.HasPrefix(head, p) && (p != "<?xml" || strings.Contains(head, "urn:schemas-microsoft-com:office:spreadsheet") || strings.Contains(head, "<html")) {
			return kindWebSheet, ""
		}
	}
	return kindText, ""
}

// exportOpening is how dangol export's JSON opens, after a byte order
// mark and any spaces.
var exportOpening = regexp.MustCompile(`^(?:\x{FEFF})?\s*\{\s*"customers"\s*:`)

// sniffZip tells an Excel workbook from the other zips a shop may have: an
// OpenDocument file names its type in "mimetype", Numbers keeps its tables
// under Index/.
func sniffZip(b []byte) fileKind {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return kindBrokenZip
	}
	kind := kindZip
	for _, f := range zr.File {
		name := strings.ToLower(strings.ReplaceAll(f.Name, "\\", "/"))
		switch {
		case name == "xl/workbook.xml":
			return kindXLSX
		case name == "mimetype":
			if rc, err := f.Open(); err == nil {
				mt, _ := io.ReadAll(io.LimitReader(rc, 100))
				rc.Close()
				if bytes.HasPrefix(mt, []byte("application/vnd.oasis.opendocument")) {
					kind = kindODS
				}
			}
		case strings.HasPrefix(name, "index/") && strings.HasSuffix(name, ".iwa"):
			kind = kindNumbers
		}
	}
	return kind
}

// maxXLSXUnzipped bounds what a workbook may unpack to, so a zip bomb is
// refused instead of filling memory; a shop's list unpacks to a few MB.
const maxXLSXUnzipped = 256 << 20

var (
	// errXLSXBroken is returned (wrapped) when a workbook's parts cannot be
	// read.
	errXLSXBroken = fmt.Errorf("%w: damaged workbook", errBadSheet)
	// errNoSheets is returned when a workbook has no worksheet at all.
	errNoSheets = fmt.Errorf("%w: workbook without sheets", errBadSheet)
	// errNoSuchSheet is returned when --sheet names a sheet the workbook
	// does not have.
	errNoSuchSheet = fmt.Errorf("%w: no such sheet", errBadSheet)
)

// workbook is a sheet of an .xlsx as rows of cell text, and the sheets the
// workbook has (for messages).
type workbook struct {
	sheet   string
	sheets  []string
	records [][]string
}

// readXLSX reads the sheet named want (the first sheet when want is empty)
// of the workbook in b. A workbook that cannot be read returns an error
// wrapping errXLSXBroken; a missing sheet one wrapping errNoSuchSheet, with
// the sheets that are there in the workbook returned.
func readXLSX(b []byte, want string) (wb *workbook, err error) {
	// The file comes from anywhere and excelize is a large parser: should
	// it panic on some damaged part, that is a damaged workbook to report,
	// not a crash of the command.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", errXLSXBroken, r)
		}
	}()
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: maxXLSXUnzipped})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errXLSXBroken, err)
	}
	defer f.Close() // removes the temporary files of large sheets
	wb = &workbook{sheets: f.GetSheetList()}
	if len(wb.sheets) == 0 {
		return wb, errNoSheets
	}
	if wb.sheet = pickSheet(wb.sheets, want); wb.sheet == "" {
		return wb, fmt.Errorf("%w: %q", errNoSuchSheet, want)
	}
	props, err := f.GetWorkbookProps()
	if err != nil {
		return wb, fmt.Errorf("%w: %w", errXLSXBroken, err)
	}
	date1904 := props.Date1904 != nil && *props.Date1904
	raw, err := f.GetRows(wb.sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return wb, fmt.Errorf("%w: sheet %q: %w", errXLSXBroken, wb.sheet, err)
	}
	isDate := dateStyles(f)
	wb.records = make([][]string, len(raw))
	for i, row := range raw {
		rec := make([]string, len(row))
		for j, v := range row {
			if v == "" {
				continue
			}
			cell, err := excelize.CoordinatesToCellName(j+1, i+1)
			if err != nil {
				return wb, fmt.Errorf("%w: %w", errXLSXBroken, err)
			}
			rec[j], err = cellText(f, wb.sheet, cell, v, date1904, isDate)
			if err != nil {
				return wb, fmt.Errorf("%w: cell %s: %w", errXLSXBroken, cell, err)
			}
		}
		wb.records[i] = rec
	}
	return wb, nil
}

// pickSheet is the sheet want names, matched as written or, failing that,
// ignoring case, spaces around it and Unicode normal form (a name typed on
// a Mac is NFD); the first sheet when want is empty; "" when none matches.
func pickSheet(sheets []string, want string) string {
	if want == "" {
		return sheets[0]
	}
	for _, s := range sheets {
		if s == want {
			return s
		}
	}
	fold := func(s string) string { return norm.NFC.String(strings.TrimSpace(s)) }
	for _, s := range sheets {
		if strings.EqualFold(fold(s), fold(want)) {
			return s
		}
	}
	return ""
}

// cellText is the text of a cell whose raw value is v. Excel keeps a date
// as a day number with a date format, and a phone typed as a number as that
// number: both are turned into the text a person would have typed.
func cellText(f *excelize.File, sheet, cell, v string, date1904 bool, isDate func(styleID int) bool) (string, error) {
	typ, err := f.GetCellType(sheet, cell)
	if err != nil {
		return "", err
	}
	switch typ {
	case excelize.CellTypeDate:
		// An ISO 8601 date cell (t="d"), as some programs write them.
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999", "2006-01-02T15:04:05", "2006-01-02"} {
			if t, err := time.Parse(layout, v); err == nil {
				return dateText(t), nil
			}
		}
		return v, nil
	case excelize.CellTypeUnset, excelize.CellTypeNumber:
		n, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return v, nil
		}
		style, err := f.GetCellStyle(sheet, cell)
		if err != nil {
			return "", err
		}
		if isDate(style) {
			if t, err := excelize.ExcelDateToTime(n, date1904); err == nil {
				return dateText(t), nil
			}
		}
		return numberText(n), nil
	default:
		return v, nil
	}
}

// dateText writes a date as parseDay and parseBirthday read it: the day
// alone when it has no time of day, else with the time.
func dateText(t time.Time) string {
	t = t.Round(time.Second)
	if h, m, s := t.Clock(); h == 0 && m == 0 && s == 0 {
		return t.Format("2006-01-02")
	}
	return t.Format("2006-01-02 15:04:05")
}

// numberText writes a number in full without an exponent: 1012345678, 1750,
// 0.5. Excel keeps 15 significant digits; what lies beyond them is binary
// noise (1750.0000000000002) and is dropped.
func numberText(n float64) string {
	if math.IsInf(n, 0) || math.IsNaN(n) {
		return strconv.FormatFloat(n, 'g', -1, 64)
	}
	n, _ = strconv.ParseFloat(strconv.FormatFloat(n, 'g', 15, 64), 64)
	return strconv.FormatFloat(n, 'f', -1, 64)
}

// dateStyles returns whether a style id formats its number as a date or a
// time. Styles are few and cells many, so each id is looked up once.
func dateStyles(f *excelize.File) func(int) bool {
	seen := map[int]bool{}
	return func(id int) bool {
		if d, ok := seen[id]; ok {
			return d
		}
		d := false
		if id > 0 {
			if st, err := f.GetStyle(id); err == nil && st != nil {
				code := ""
				if st.CustomNumFmt != nil {
					code = *st.CustomNumFmt
				}
				d = isDateFormat(st.NumFmt, code)
			}
		}
		seen[id] = d
		return d
	}
}

// isDateFormat reports whether a number format shows a date or a time: one
// of Excel's built-in date formats (14–22, 45–47, and the East Asian and
// Thai ones, 27–36, 50–58, 71–81), or a custom code with a year, day, hour
// or second in it once its quoted text, escapes, fills and [colour] or
// [$-412] parts are taken out ("yyyy\"년\" m\"월\" d\"일\"" is a date,
// "#,##0\"원\"" is not).
func isDateFormat(id int, custom string) bool {
	if custom == "" {
		return (14 <= id && id <= 22) || (27 <= id && id <= 36) || (45 <= id && id <= 47) ||
			(50 <= id && id <= 58) || (71 <= id && id <= 81)
	}
	var b strings.Builder
	for i := 0; i < len(custom); i++ {
		switch c := custom[i]; c {
		case '"':
			if j := strings.IndexByte(custom[i+1:], '"'); j >= 0 {
				i += j + 1
			} else {
				i = len(custom)
			}
		case '[':
			if j := strings.IndexByte(custom[i+1:], ']'); j >= 0 {
				// [h], [mm], [ss]: elapsed time, still a time.
				if inner := strings.ToLower(custom[i+1 : i+1+j]); strings.Trim(inner, "hms") == "" {
					b.WriteString(inner)
				}
				i += j + 1
			} else {
				i = len(custom)
			}
		case '\\', '_', '*':
			i++ // the next character is shown, padded or repeated as is
		default:
			b.WriteByte(c)
		}
	}
	return strings.ContainsAny(strings.ToLower(b.String()), "ydhs")
}

// xlsxError turns an error of readXLSX for the sheet want into what the
// user reads: what is wrong with the workbook, and the sheets it has.
func xlsxError(text func(string, map[string]any) string, wb *workbook, want string, err error) error {
	switch {
	case errors.Is(err, errNoSheets):
		return &localError{text("cli.import.err.no_sheets", map[string]any{}), err}
	case errors.Is(err, errNoSuchSheet):
		return &localError{text("cli.import.err.no_such_sheet", map[string]any{"Sheet": want, "Sheets": quoteList(wb.sheets)}), err}
	default:
		detail := strings.TrimPrefix(err.Error(), errXLSXBroken.Error()+": ")
		return &localError{text("cli.import.err.xlsx_broken", map[string]any{"Err": detail}), err}
	}
}

// quoteList lists names as "a", "b", so a name with a comma or a space in
// it reads as one.
func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}
