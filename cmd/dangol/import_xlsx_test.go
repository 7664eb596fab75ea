package main

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/dangol/dangol/ledger"
)

// newXLSX builds a workbook in the test with excelize, as Excel would save
// it, and returns its bytes. build gets the file and its first sheet.
func newXLSX(t testing.TB, build func(f *excelize.File, sheet string)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	build(f, f.GetSheetList()[0])
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// must fails the test on an error of excelize while building a workbook.
func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// style is a new style with a built-in (id) or custom (code) number format.
func style(t testing.TB, f *excelize.File, id int, code string) int {
	t.Helper()
	s := &excelize.Style{NumFmt: id}
	if code != "" {
		s.CustomNumFmt = &code
	}
	n, err := f.NewStyle(s)
	must(t, err)
	return n
}

func writeFile(t *testing.T, path string, b []byte) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// shopWorkbook is the shop's 고객관리장부 as Excel keeps it: a title merged
// across the columns above the header, Korean headers, a birthday and a
// first visit typed as dates (a built-in and two custom date formats), a
// phone that became a number and lost its 0, one typed as float text,
// points as a formatted number, a row without a name, and styled but empty
// rows and a column after the list.
func shopWorkbook(t testing.TB) []byte {
	return newXLSX(t, func(f *excelize.File, sh string) {
		must(t, f.SetSheetName(sh, "고객목록"))
		sh = "고객목록"
		must(t, f.SetCellValue(sh, "A1", "고객관리장부 (2025년)"))
		must(t, f.MergeCell(sh, "A1", "H1"))
		must(t, f.SetSheetRow(sh, "A3", &[]any{" 고객명 ", "연락처", "생년월일", "선호사항", "특이사항", "분류", "첫방문", "적립금"}))
		day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
		must(t, f.SetSheetRow(sh, "A4", &[]any{"김하늘", 1012345678, day(1990, 3, 15), "따뜻한 물", "두피 민감", "VIP, 펌", day(2024, 5, 1), 1750}))
		must(t, f.SetSheetRow(sh, "A5", &[]any{"이서연", "010-9876-5432", day(1985, 12, 1), "", "", "#단골 #커트", day(2024, 6, 3), 300}))
		must(t, f.SetSheetRow(sh, "A6", &[]any{"박민준", "1.055556666E9", "3/15", "", "", "", nil, 2200}))
		must(t, f.SetSheetRow(sh, "A7", &[]any{"최유나", 212345678, "03-15", "", "메모, 쉼표 포함\n두 줄"}))
		must(t, f.SetSheetRow(sh, "A8", &[]any{"", "010-2222-3333"}))
		must(t, f.SetCellStyle(sh, "C4", "C4", style(t, f, 14, "")))
		must(t, f.SetCellStyle(sh, "C5", "C5", style(t, f, 0, `yyyy"년" m"월" d"일"`)))
		must(t, f.SetCellStyle(sh, "G4", "G5", style(t, f, 0, "yyyy-mm-dd;@")))
		must(t, f.SetCellStyle(sh, "H4", "H6", style(t, f, 0, `#,##0"점"`)))
		must(t, f.SetCellStyle(sh, "B4", "B7", style(t, f, 0, "000-0000-0000")))
		must(t, f.SetCellStyle(sh, "A9", "J30", style(t, f, 0, "@")))
		must(t, f.SetColWidth(sh, "I", "J", 20))
	})
}

// shopCSV is shopWorkbook saved as CSV by hand: what the cells say, typed.
const shopCSV = "고객관리장부 (2025년),,,,,,,\n" +
	",,,,,,,\n" +
	" 고객명 ,연락처,생년월일,선호사항,특이사항,분류,첫방문,적립금\n" +
	"김하늘,1012345678,1990-03-15,따뜻한 물,두피 민감,\"VIP, 펌\",2024-05-01,\"1,750\"\n" +
	"이서연,010-9876-5432,1985년 12월 1일,,,#단골 #커트,2024. 6. 3.,300점\n" +
	"박민준,1.055556666E9,3/15,,,,,2200\n" +
	"최유나,212345678,03-15,,\"메모, 쉼표 포함\n두 줄\",,,\n" +
	",010-2222-3333,,,,,,\n" +
	",,,,,,,\n,,,,,,,\n"

// TestImportXLSX_LikeCSV is the done-when of the .xlsx import: the shop's
// workbook imports exactly like its CSV twin — the same report under the
// title, the same ledger to the byte of its export.
func TestImportXLSX_LikeCSV(t *testing.T) {
	dir := t.TempDir()
	// Both twins are named alike and without an extension: the format is
	// told from the content, and the audit trail names the same file.
	xlsx := writeFile(t, filepath.Join(dir, "x", "고객관리장부"), shopWorkbook(t))
	csvPath := writeFile(t, filepath.Join(dir, "c", "고객관리장부"), []byte(shopCSV))
	run := func(path string) (report, export string) {
		db := filepath.Join(t.TempDir(), "shop.db")
		env := map[string]string{"DANGOL_DB": db}
		r := runMainAt(t, seededNow, env, "import", path)
		if r.err != nil {
			t.Fatalf("import %s: %v\n%s", path, r.err, r.stderr)
		}
		e := runMainAt(t, seededNow, env, "export")
		if e.err != nil {
			t.Fatal(e.err)
		}
		return r.stdout, e.stdout
	}
	xReport, xExport := run(xlsx)
	cReport, cExport := run(csvPath)

	xTitle, xRest, _ := strings.Cut(xReport, "\n")
	cTitle, cRest, _ := strings.Cut(cReport, "\n")
	if want := "고객 명부 가져오기: 고객관리장부 (엑셀 고객목록 시트, 머리글 3행)"; xTitle != want {
		t.Errorf("xlsx title %q, want %q", xTitle, want)
	}
	if want := "고객 명부 가져오기: 고객관리장부 (UTF-8, 머리글 3행)"; cTitle != want {
		t.Errorf("csv title %q, want %q", cTitle, want)
	}
	if xRest != cRest {
		t.Errorf("the reports differ under the title:\nxlsx:\n%s\ncsv:\n%s", xRest, cRest)
	}
	if xExport != cExport {
		t.Errorf("the ledgers differ:\nxlsx:\n%s\ncsv:\n%s", xExport, cExport)
	}
	for _, want := range []string{
		"가져옴 4명 · 건너뜀 0명 (이미 있는 전화번호) · 제외 1행",
		"옮기는 포인트 잔액: 모두 4,250P",
		"  8행: 이름이 비어 있어요",
	} {
		if !strings.Contains(xReport, want) {
			t.Errorf("the report lacks %q:\n%s", want, xReport)
		}
	}

	// The twins agree, and on what is right.
	db := filepath.Join(t.TempDir(), "shop.db")
	if r := runMainAt(t, seededNow, map[string]string{"DANGOL_DB": db}, "import", xlsx); r.err != nil {
		t.Fatal(r.err)
	}
	st := readLedger(t, db)
	seoul, _ := time.LoadLocation("Asia/Seoul")
	tests := []struct {
		phone, name string
		birthday    time.Time
		created     time.Time
		points      int64
	}{
		{"01012345678", "김하늘", birthday(1990, 3, 15), time.Date(2024, 5, 1, 0, 0, 0, 0, seoul), 1750},
		{"01098765432", "이서연", birthday(1985, 12, 1), time.Date(2024, 6, 3, 0, 0, 0, 0, seoul), 300},
		{"01055556666", "박민준", birthday(0, 3, 15), seededNow, 2200},
		{"0212345678", "최유나", birthday(0, 3, 15), seededNow, 0},
	}
	for _, tt := range tests {
		c, ok := st.byPhone[tt.phone]
		switch {
		case !ok:
			t.Errorf("no customer with phone %s (have %v)", tt.phone, st.byPhone)
		case c.Name != tt.name || !c.Birthday.Equal(tt.birthday) || !c.CreatedAt.Equal(tt.created) || st.balances[c.ID] != tt.points:
			t.Errorf("%s = %s, birthday %s, created %s, %d points; want %s, %s, %s, %d",
				tt.phone, c.Name, c.Birthday, c.CreatedAt, st.balances[c.ID], tt.name, tt.birthday, tt.created, tt.points)
		}
	}
	if c := st.byPhone["0212345678"]; c.Remarks != "메모, 쉼표 포함\n두 줄" {
		t.Errorf("remarks %q, want the two lines of the cell", c.Remarks)
	}
}

// TestImportXLSX_Report: numbers in the report are grouped and carry
// chat's units in each language.
func TestImportXLSX_Report(t *testing.T) {
	t.Parallel() // its own ledger, Main and fakes
	path := writeFile(t, filepath.Join(t.TempDir(), "big.xlsx"), newXLSX(t, func(f *excelize.File, sh string) {
		must(t, f.SetSheetRow(sh, "A1", &[]any{"이름", "전화번호", "포인트"}))
		for i := range 1200 {
			must(t, f.SetSheetRow(sh, fmt.Sprintf("A%d", i+2), &[]any{fmt.Sprintf("고객%d", i), fmt.Sprintf("010-7000-%04d", i), 1000}))
		}
	}))
	tests := []struct {
		lang string
		want []string
	}{
		{"ko", []string{"가져옴 1,200명 ·", "모두 1,200,000P (", "(엑셀 Sheet1 시트, 머리글 1행)", "등록일이 없는 1,200명은"}},
		{"en", []string{"Imported 1,200 ·", "carried over: 1,200,000 points in all", "(Excel, sheet Sheet1, header on row 1)"}},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			env := map[string]string{"DANGOL_DB": filepath.Join(t.TempDir(), "shop.db"), "DANGOL_LANG": tt.lang}
			r := runMainAt(t, seededNow, env, "import", path)
			if r.err != nil {
				t.Fatal(r.err)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("the report lacks %q:\n%s", w, r.stdout)
				}
			}
		})
	}
}

// TestImportXLSX_Sheet: the first sheet by default, another with --sheet,
// and a wrong name lists the sheets there are.
func TestImportXLSX_Sheet(t *testing.T) {
	path := writeFile(t, filepath.Join(t.TempDir(), "book.xlsx"), newXLSX(t, func(f *excelize.File, sh string) {
		must(t, f.SetSheetName(sh, "안내"))
		must(t, f.SetCellValue("안내", "A1", "이 파일은 고객 명부예요"))
		_, err := f.NewSheet("Customers 2025")
		must(t, err)
		must(t, f.SetSheetRow("Customers 2025", "A1", &[]any{"name", "phone"}))
		must(t, f.SetSheetRow("Customers 2025", "A2", &[]any{"Jane Kim", "010-3333-4444"}))
	}))
	tests := []struct {
		name  string
		args  []string
		want  string // in the report, or in the error
		isErr bool
	}{
		{"FirstSheetHasNoHeader", nil, "머리글 행을 찾지 못했어요. 처음 10행 안에 이름 열(이름, 고객명, 성명, name)과 전화번호 열(전화번호, 연락처, 휴대폰, 핸드폰, 전화, phone, mobile)이 함께 있는 행이 있어야 해요. 명부가 다른 시트에 있으면 --sheet 로 골라 주세요. 있는 시트: \"안내\", \"Customers 2025\".", true},
		{"OK", []string{"--sheet", "Customers 2025"}, "(엑셀 Customers 2025 시트, 머리글 1행)", false},
		{"OKFoldedName", []string{"--sheet", " customers 2025"}, "가져옴 1명", false},
		{"ErrNoSuchSheet", []string{"--sheet", "고객"}, `book.xlsx: "고객" 시트가 없어요. 있는 시트: "안내", "Customers 2025". --sheet 에 이 중 하나를 적어 주세요.`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "shop.db")
			r := runMainAt(t, seededNow, map[string]string{"DANGOL_DB": db}, append(append([]string{"import"}, tt.args...), path)...)
			if tt.isErr {
				if r.err == nil || !strings.Contains(r.err.Error(), tt.want) || isUsage(r.err) {
					t.Fatalf("err = %v, want one containing %q", r.err, tt.want)
				}
				return
			}
			if r.err != nil || !strings.Contains(r.stdout, tt.want) {
				t.Fatalf("err %v, report lacks %q:\n%s", r.err, tt.want, r.stdout)
			}
		})
	}
}

// zipOf is a zip holding the named files.
func zipOf(t testing.TB, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		must(t, err)
		_, err = w.Write([]byte(body))
		must(t, err)
	}
	must(t, zw.Close())
	return buf.Bytes()
}

// TestImportXLSX_BadFiles: a file that is not a readable workbook, or not
// a spreadsheet at all, never panics and gets a message saying what it is
// and what to save it as; nothing is created.
func TestImportXLSX_BadFiles(t *testing.T) {
	good := shopWorkbook(t)
	titleOnly := newXLSX(t, func(f *excelize.File, sh string) {
		must(t, f.SetCellValue(sh, "A1", "고객관리장부 2025"))
		must(t, f.MergeCell(sh, "A1", "F1"))
	})
	empty := newXLSX(t, func(*excelize.File, string) {})
	// A workbook.xml that is not XML: a zip that claims to be a workbook.
	badParts := zipOf(t, map[string]string{"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook><sheets><sheet name=", "xl/worksheets/sheet1.xml": "x"})
	tests := []struct {
		name string
		file string
		data []byte
		args []string
		want string
	}{
		{"Truncated", "cut.xlsx", good[:len(good)/2], nil, "cut.xlsx: 파일이 손상됐거나 끝까지 저장·전송되지 않았어요"},
		{"TruncatedHeader", "cut.xlsx", good[:10], nil, "cut.xlsx: 파일이 손상됐거나 끝까지 저장·전송되지 않았어요"},
		{"ZipNotXLSX", "list.xlsx", zipOf(t, map[string]string{"customers.csv": "이름,전화번호\n"}), nil, "list.xlsx: 압축(zip) 파일이지만 엑셀 통합 문서(.xlsx)가 아니에요"},
		{"Word", "list.docx", zipOf(t, map[string]string{"word/document.xml": "<w/>"}), nil, "워드나 파워포인트 문서일 수도 있어요"},
		{"ODS", "list.ods", zipOf(t, map[string]string{"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<x/>"}), nil, "list.ods: 오픈오피스·리브레오피스 스프레드시트(.ods)예요"},
		{"Numbers", "list.numbers", zipOf(t, map[string]string{"Index/Document.iwa": "x", "Metadata/Properties.plist": "x"}), nil, "list.numbers: 애플 Numbers 문서예요"},
		{"BrokenParts", "bad.xlsx", badParts, nil, "bad.xlsx: 엑셀 파일(.xlsx)을 읽을 수 없어요. 손상됐을 수 있어요 ("},
		{"EmptyWorkbook", "empty.xlsx", empty, nil, `empty.xlsx: Sheet1 시트가 비어 있어요. 있는 시트: "Sheet1".`},
		{"OnlyATitle", "title.xlsx", titleOnly, nil, "title.xlsx: 머리글 행을 찾지 못했어요."},
		{"OldXLS", "list.xls", append([]byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), make([]byte, 504)...), nil, "list.xls: 예전 엑셀 형식(.xls, Excel 97–2003)이거나 암호가 걸린 엑셀 파일이에요. 엑셀에서 열어 [다른 이름으로 저장] → 'Excel 통합 문서(*.xlsx)' 또는 'CSV UTF-8(쉼표로 분리)'로"},
		{"PDF", "list.pdf", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), nil, "list.pdf: PDF 문서예요."},
		{"PNG", "list.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), nil, "list.png: 그림 파일(PNG)이에요."},
		{"JPEG", "IMG_0001.csv", []byte("\xff\xd8\xff\xe0\x00\x10JFIF"), nil, "IMG_0001.csv: 그림 파일(JPEG)이에요."},
		{"HEIC", "IMG_0002.HEIC", []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00"), nil, "그림 파일(HEIC)이에요."},
		{"HTMLNamedXLS", "report.xls", []byte("<html xmlns:x=\"urn:schemas-microsoft-com:office:excel\"><table><tr><td>이름</td></tr></table></html>"), nil, "report.xls: 표처럼 보이지만 웹 페이지(HTML)"},
		{"XMLSpreadsheet2003", "list.xml", []byte("<?xml version=\"1.0\"?>\n<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\">"), nil, "'XML 스프레드시트 2003'"},
		{"XLSXWithFormatCSV", "customers.xlsx", good, []string{"--format", "csv"}, "customers.xlsx: CSV 가 아니라 엑셀 통합 문서(.xlsx)예요. --format csv 를 빼면(또는 --format xlsx) 이 파일 그대로 가져와요."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, filepath.Join(t.TempDir(), tt.file), tt.data)
			db := filepath.Join(t.TempDir(), "shop.db")
			r := runMainAt(t, seededNow, map[string]string{"DANGOL_DB": db}, append(append([]string{"import"}, tt.args...), path)...)
			if r.err == nil || !strings.Contains(r.err.Error(), tt.want) || isUsage(r.err) {
				t.Fatalf("err = %v\nwant one containing %q", r.err, tt.want)
			}
			if _, err := os.Stat(db); err == nil {
				t.Errorf("a refused import created %s", db)
			}
		})
	}
	t.Run("English", func(t *testing.T) {
		path := writeFile(t, filepath.Join(t.TempDir(), "list.xls"), []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"))
		r := runMainAt(t, seededNow, map[string]string{"DANGOL_DB": filepath.Join(t.TempDir(), "shop.db"), "DANGOL_LANG": "en"}, "import", path)
		if want := "list.xls: an old Excel file (.xls, Excel 97–2003)"; r.err == nil || !strings.Contains(r.err.Error(), want) {
			t.Fatalf("err = %v, want %q", r.err, want)
		}
	})
	t.Run("NumbersFolder", func(t *testing.T) {
		// A Numbers document saved as a package is a folder.
		dir := filepath.Join(t.TempDir(), "고객.numbers")
		writeFile(t, filepath.Join(dir, "Index", "Document.iwa"), []byte("x"))
		r := runMainAt(t, seededNow, map[string]string{"DANGOL_DB": filepath.Join(t.TempDir(), "shop.db")}, "import", dir)
		if want := "애플 Numbers 문서예요"; r.err == nil || !strings.Contains(r.err.Error(), want) {
			t.Fatalf("err = %v, want %q", r.err, want)
		}
	})
	t.Run("Missing", func(t *testing.T) {
		// A mistyped path: the shop's words, the system's reason kept.
		path := filepath.Join(t.TempDir(), "고객목록.xlsx")
		r := runMainAt(t, seededNow, map[string]string{"DANGOL_DB": filepath.Join(t.TempDir(), "shop.db")}, "import", path)
		want, _, _ := strings.Cut(testCatalog.Text("ko", "cli.import.err.open", map[string]any{"File": path, "Err": "x"}), "\n")
		if !errors.Is(r.err, fs.ErrNotExist) || !strings.HasPrefix(r.err.Error(), want) {
			t.Fatalf("err = %v, want %q", r.err, want)
		}
	})
	// Every cut of a good workbook is refused or read, never a panic.
	t.Run("EveryCut", func(t *testing.T) {
		for n := 0; n < len(good); n += max(1, len(good)/97) {
			if kind, _ := sniffFile(good[:n]); kind == kindXLSX {
				if _, err := readXLSX(good[:n], ""); err == nil && n < len(good) {
					t.Errorf("a workbook cut at %d of %d bytes read without an error", n, len(good))
				}
			}
		}
	})
}

// FuzzReadXLSX: whatever the bytes, telling the kind and reading a
// workbook return, with an error or rows, and never panic.
func FuzzReadXLSX(f *testing.F) {
	f.Add(shopWorkbook(f))
	f.Add([]byte("PK\x03\x04"))
	f.Add(zipOf(f, map[string]string{"xl/workbook.xml": "<workbook/>"}))
	f.Fuzz(func(t *testing.T, b []byte) {
		if kind, _ := sniffFile(b); kind == kindXLSX {
			readXLSX(b, "")
		}
	})
}

func TestXLSXCells(t *testing.T) {
	t.Run("DateFormat", func(t *testing.T) {
		tests := []struct {
			id   int
			code string
			want bool
		}{
			{14, "", true}, {22, "", true}, {31, "", true}, {57, "", true}, {45, "", true},
			{0, "", false}, {1, "", false}, {3, "", false}, {49, "", false}, {10, "", false},
			{0, "yyyy-mm-dd", true},
			{0, `yyyy"년" m"월" d"일"`, true},
			{0, "[$-412]yyyy\"년\" mmmm d\"일\" dddd", true},
			{0, "[h]:mm", true},
			{0, "h:mm AM/PM", true},
			{0, `#,##0"원"`, false},
			{0, `#,##0"day"`, false},
			{0, "000-0000-0000", false},
			{0, "0.00E+00", false},
			{0, `_-* #,##0_-;\-* #,##0_-;_-* "-"_-;_-@_-`, false},
			{0, "[Red]#,##0", false},
			{0, `\d0`, false},
			{0, "@", false},
			{0, "General", false},
		}
		for _, tt := range tests {
			if got := isDateFormat(tt.id, tt.code); got != tt.want {
				t.Errorf("isDateFormat(%d, %q) = %t, want %t", tt.id, tt.code, got, tt.want)
			}
		}
	})
	t.Run("Number", func(t *testing.T) {
		for in, want := range map[float64]string{
			1012345678: "1012345678", 1750: "1750", 0.5: "0.5", 1750.0000000000002: "1750", 1e15: "1000000000000000", -3: "-3",
		} {
			if got := numberText(in); got != want {
				t.Errorf("numberText(%v) = %q, want %q", in, got, want)
			}
		}
	})
	t.Run("Date", func(t *testing.T) {
		for in, want := range map[time.Time]string{
			time.Date(1990, 3, 15, 0, 0, 0, 0, time.UTC):              "1990-03-15",
			time.Date(1990, 3, 14, 23, 59, 59, 999_000_000, time.UTC): "1990-03-15",
			time.Date(2024, 5, 1, 10, 30, 0, 0, time.UTC):             "2024-05-01 10:30:00",
			time.Date(2024, 5, 1, 10, 30, 0, 400_000_000, time.UTC):   "2024-05-01 10:30:00",
		} {
			if got := dateText(in); got != want {
				t.Errorf("dateText(%s) = %q, want %q", in, got, want)
			}
		}
	})
	t.Run("PhoneExponent", func(t *testing.T) {
		tests := []struct {
			in, want string // want "": refused
			lost     bool   // refused as a number that lost its digits
		}{
			{"1.012345678E9", "01012345678", false},
			{"1.012345678E+09", "01012345678", false},
			{"1.012345678e9", "01012345678", false},
			{"2.12345678E8", "0212345678", false},
			{"1.01235E+09", "", true},
			{"1.01E+10", "", true},
			{"1.5E0", "", true},
			{"E9", "", false},
			{"1.2.3E4", "", false},
		}
		for _, tt := range tests {
			rec := []string{"김", tt.in}
			row, reasons := parseRow(rec, map[field][]int{fieldName: {0}, fieldPhone: {1}}, []string{"이름", "전화번호"}, time.UTC, seededNow)
			switch {
			case tt.want != "" && (len(reasons) > 0 || row.customer.Phone != tt.want):
				t.Errorf("phone %q = %q %v, want %q", tt.in, row.customer.Phone, reasons, tt.want)
			case tt.want == "" && (len(reasons) != 1 || (reasons[0].id == "cli.import.reason.phone_exponent") != tt.lost):
				t.Errorf("phone %q: reasons %v, want refused (lost digits: %t)", tt.in, reasons, tt.lost)
			}
		}
	})
}

// TestImport_FailedWrite: an import whose commit fails as on a full disk
// removes the data file it created, and leaves an existing one as it was.
// The failure is injected after every customer was written in the
// transaction, so what bbolt rolls back is a whole import.
func TestImport_FailedWrite(t *testing.T) {
	diskFull := fmt.Errorf("write shop.db: %w", syscall.ENOSPC)
	saved := importUpdate
	t.Cleanup(func() { importUpdate = saved })
	calls := 0
	importUpdate = func(s *ledger.Store, ctx context.Context, fn func(*ledger.Tx) error) error {
		calls++
		return s.Update(ctx, func(tx *ledger.Tx) error {
			if err := fn(tx); err != nil {
				return err
			}
			return diskFull
		})
	}
	xlsx := writeFile(t, filepath.Join(t.TempDir(), "customers.xlsx"), shopWorkbook(t))

	t.Run("NewFileRemoved", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "shop.db")
		r := runMainAt(t, seededNow, map[string]string{"DANGOL_DB": db}, "import", xlsx)
		for _, want := range []string{
			"customers.xlsx: 가져오지 못했어요. 장부에는 아무것도 저장하지 않았어요 (",
			"디스크 공간이 부족해요.",
			"이번에 새로 만들던 데이터 파일 " + db + " 도 지웠어요.",
		} {
			if r.err == nil || !strings.Contains(r.err.Error(), want) {
				t.Errorf("err = %v, want one containing %q", r.err, want)
			}
		}
		if !errors.Is(r.err, syscall.ENOSPC) {
			t.Errorf("err = %v does not wrap ENOSPC", r.err)
		}
		if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the data file the import created is still there (stat: %v)", err)
		}
	})
	t.Run("ExistingFileKept", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "shop.db")
		seed(t, db)
		env := map[string]string{"DANGOL_DB": db}
		before := runMainAt(t, seededNow, env, "export").stdout
		audit := len(readLedger(t, db).audit)
		r := runMainAt(t, seededNow, env, "import", xlsx)
		if r.err == nil || !errors.Is(r.err, syscall.ENOSPC) || strings.Contains(r.err.Error(), "지웠어요") {
			t.Fatalf("err = %v, want the disk full error, the file not removed", r.err)
		}
		if after := runMainAt(t, seededNow, env, "export").stdout; after != before {
			t.Errorf("a failed import left something in the ledger:\n%s\nwant\n%s", after, before)
		}
		if n := len(readLedger(t, db).audit); n != audit {
			t.Errorf("a failed import left %d audit entries", n-audit)
		}
	})
	t.Run("DryRunUntouched", func(t *testing.T) {
		// A dry run fails on purpose (errDryRun); that is no failure.
		db := filepath.Join(t.TempDir(), "shop.db")
		importUpdate = saved
		defer func() { importUpdate = saved }()
		r := runMainAt(t, seededNow, map[string]string{"DANGOL_DB": db}, "import", "--dry-run", xlsx)
		if r.err != nil || !strings.Contains(r.stdout, "가져올 고객 4명") {
			t.Fatalf("err %v:\n%s", r.err, r.stdout)
		}
	})
	if calls < 2 {
		t.Errorf("the injected commit ran %d times: the import does not go through importUpdate", calls)
	}
}

// rewriteSheet returns the workbook b with the first sheet's XML passed
// through edit: cells excelize cannot write, as other programs do.
func rewriteSheet(t *testing.T, b []byte, edit func(string) string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	must(t, err)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		rc, err := f.Open()
		must(t, err)
		body, err := io.ReadAll(rc)
		rc.Close()
		must(t, err)
		if f.Name == "xl/worksheets/sheet1.xml" {
			edited := edit(string(body))
			if edited == string(body) {
				t.Fatalf("the edit changed nothing in %s", body)
			}
			body = []byte(edited)
		}
		w, err := zw.Create(f.Name)
		must(t, err)
		_, err = w.Write(body)
		must(t, err)
	}
	must(t, zw.Close())
	return buf.Bytes()
}

// TestImportXLSX_Dates: a date cell is the day it shows, whatever the
// workbook's epoch (1900 or the Mac's 1904), with its time of day where it
// has one, and as an ISO 8601 cell (t="d") as some programs write it.
func TestImportXLSX_Dates(t *testing.T) {
	seoul, _ := time.LoadLocation("Asia/Seoul")
	row := func(f *excelize.File, sh string) {
		must(t, f.SetSheetRow(sh, "A1", &[]any{"이름", "전화번호", "생일", "등록일"}))
		must(t, f.SetSheetRow(sh, "A2", &[]any{"김하늘", "010-1234-5678",
			time.Date(1990, 3, 15, 0, 0, 0, 0, time.UTC), time.Date(2024, 5, 1, 10, 30, 0, 0, time.UTC)}))
		must(t, f.SetCellStyle(sh, "C2", "C2", style(t, f, 14, "")))
		must(t, f.SetCellStyle(sh, "D2", "D2", style(t, f, 22, "")))
	}
	tests := []struct {
		name string
		book func(t *testing.T) []byte
	}{
		{"Epoch1900", func(t *testing.T) []byte { return newXLSX(t, row) }},
		{"Epoch1904", func(t *testing.T) []byte {
			return newXLSX(t, func(f *excelize.File, sh string) {
				yes := true
				must(t, f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}))
				row(f, sh)
			})
		}},
		{"ISOCells", func(t *testing.T) []byte {
			b := newXLSX(t, func(f *excelize.File, sh string) {
				must(t, f.SetSheetRow(sh, "A1", &[]any{"이름", "전화번호", "생일", "등록일"}))
				must(t, f.SetSheetRow(sh, "A2", &[]any{"김하늘", "010-1234-5678", 11111, 22222}))
			})
			return rewriteSheet(t, b, func(x string) string {
				x = strings.Replace(x, "<v>11111</v>", "<v>1990-03-15T00:00:00Z</v>", 1)
				x = strings.Replace(x, "<v>22222</v>", "<v>2024-05-01T10:30:00Z</v>", 1)
				return strings.NewReplacer(`r="C2"`, `r="C2" t="d"`, `r="D2"`, `r="D2" t="d"`).Replace(x)
			})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, filepath.Join(t.TempDir(), "dates.xlsx"), tt.book(t))
			db := filepath.Join(t.TempDir(), "shop.db")
			r := runMainAt(t, seededNow, map[string]string{"DANGOL_DB": db}, "import", path)
			if r.err != nil || !strings.Contains(r.stdout, "가져옴 1명") {
				t.Fatalf("err %v:\n%s", r.err, r.stdout)
			}
			c := readLedger(t, db).byPhone["01012345678"]
			if want := birthday(1990, 3, 15); !c.Birthday.Equal(want) {
				t.Errorf("birthday %s, want %s", c.Birthday, want)
			}
			if want := time.Date(2024, 5, 1, 10, 30, 0, 0, seoul); !c.CreatedAt.Equal(want) {
				t.Errorf("registered %s, want %s", c.CreatedAt, want)
			}
		})
	}
}
