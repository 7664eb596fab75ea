package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestImport_LastVisitWithoutCount: a 최근방문 with no 방문횟수 (no such
// column, or the cell left empty) is one visit on that day, so the card,
// the at-risk and win-back lists and the retention period start from it;
// a count of 0 beside a date is read the same way and listed in the
// report, dry run or not. dangol's JSON export takes the same road: a
// customer without "visits" is a sheet row without the count. Before, all
// of these imported as never visited, and retention counted from the
// registration date (years before the last visit).
func TestImport_LastVisitWithoutCount(t *testing.T) {
	seoul, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		t.Fatal(err)
	}
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, seoul) }
	type want struct {
		visits int
		last   time.Time
	}
	for _, tt := range []struct {
		name, file, content string
		// report are lines the dry run and the import each print (their
		// wording of the zero-count line differs, so it is in dry and real).
		report, dry, real []string
		want              map[string]want // by phone
	}{
		{
			name: "NoCountColumn", file: "ledger.csv",
			content: "고객명,연락처,첫방문,최근방문\n" +
				"김하늘,010-1234-5678,2020-01-05,2026-11-20\n" +
				"이영희,010-3333-4444,,2026-10-01\n" +
				"박새손,010-5555-6666,2026-11-01,\n",
			report: []string{"방문 기록을 옮긴 고객: 3명 중 2명"},
			want: map[string]want{
				"01012345678": {1, day(2026, 11, 20)},
				"01033334444": {1, day(2026, 10, 1)},
				"01055556666": {0, time.Time{}},
			},
		},
		{
			name: "EmptyCountCell", file: "ledger.csv",
			content: "고객명,연락처,첫방문,최근방문,방문횟수\n" +
				"김하늘,010-1234-5678,2020-01-05,2026-11-20,\n" +
				"이단골,010-7777-8888,2025-01-10,2026-11-21,6\n",
			report: []string{"방문 기록을 옮긴 고객: 2명 중 2명"},
			want: map[string]want{
				"01012345678": {1, day(2026, 11, 20)},
				"01077778888": {6, day(2026, 11, 21)},
			},
		},
		{
			name: "ZeroCountWithDate", file: "ledger.csv",
			content: "고객명,연락처,첫방문,최근방문,방문횟수\n" +
				"김하늘,010-1234-5678,2020-01-05,2026-11-20,0\n" +
				"박새손,010-5555-6666,2026-11-01,,0\n",
			report: []string{"방문 기록을 옮긴 고객: 2명 중 1명"},
			dry:    []string{"방문횟수가 0인데 최근 방문일이 있는 1행은 그날 1회 방문으로 옮겨요: 2행 (2026-11-20). 방문한 적이 없는 고객이면 최근 방문일을 지우고 가져오세요"},
			real:   []string{"방문횟수가 0인데 최근 방문일이 있는 1행은 그날 1회 방문으로 옮겼어요: 2행 (2026-11-20)"},
			want: map[string]want{
				"01012345678": {1, day(2026, 11, 20)},
				"01055556666": {0, time.Time{}},
			},
		},
		{
			name: "JSONWithoutVisits", file: "export.json",
			content: `{"customers":[` +
				`{"name":"김하늘","phone":"010-1234-5678","last_visit":"2026-11-20T15:04:00+09:00","created_at":"2020-01-05T00:00:00+09:00"},` +
				`{"name":"이단골","phone":"010-7777-8888","visits":6,"last_visit":"2026-11-21T10:00:00+09:00","created_at":"2025-01-10T00:00:00+09:00"},` +
				`{"name":"박새손","phone":"010-5555-6666","visits":0,"last_visit":null,"created_at":"2026-11-01T00:00:00+09:00"}]}`,
			report: []string{"방문 기록을 옮긴 고객: 3명 중 2명"},
			want: map[string]want{
				"01012345678": {1, time.Date(2026, 11, 20, 15, 4, 0, 0, seoul)},
				"01077778888": {6, time.Date(2026, 11, 21, 10, 0, 0, 0, seoul)},
				"01055556666": {0, time.Time{}},
			},
		},
		{
			name: "JSONZeroVisitsWithDate", file: "export.json",
			content: `{"customers":[` +
				`{"name":"김하늘","phone":"010-1234-5678","visits":0,"last_visit":"2026-11-20T15:04:00+09:00","created_at":"2020-01-05T00:00:00+09:00"}]}`,
			report: []string{"방문 기록을 옮긴 고객: 1명 중 1명"},
			dry:    []string{"방문횟수가 0인데 최근 방문일이 있는 1행은 그날 1회 방문으로 옮겨요: 1행 (2026-11-20)"},
			real:   []string{"방문횟수가 0인데 최근 방문일이 있는 1행은 그날 1회 방문으로 옮겼어요: 1행 (2026-11-20)"},
			want: map[string]want{
				"01012345678": {1, time.Date(2026, 11, 20, 15, 4, 0, 0, seoul)},
			},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			db, sheet := filepath.Join(dir, "shop.db"), writeFile(t, filepath.Join(dir, tt.file), []byte(tt.content))
			env := map[string]string{"DANGOL_DB": db}
			for _, run := range []struct {
				args  []string
				lines []string
			}{
				{[]string{"import", sheet, "--dry-run"}, append(append([]string{}, tt.report...), tt.dry...)},
				{[]string{"import", sheet}, append(append([]string{}, tt.report...), tt.real...)},
			} {
				r := runMainAt(t, seededNow, env, run.args...)
				if r.err != nil {
					t.Fatalf("%v: %v\n%s", run.args, r.err, r.stderr)
				}
				for _, l := range run.lines {
					if !strings.Contains(r.stdout, l) {
						t.Errorf("%v: the report lacks %q:\n%s", run.args, l, r.stdout)
					}
				}
			}
			st := readLedger(t, db)
			for phone, w := range tt.want {
				c, ok := st.byPhone[phone]
				if !ok {
					t.Errorf("%s was not imported", phone)
					continue
				}
				if c.Visits != w.visits || !c.LastVisit.Equal(w.last) {
					t.Errorf("%s %s: %d visits, last %s; want %d, %s", phone, c.Name, c.Visits, c.LastVisit, w.visits, w.last)
				}
			}
		})
	}
}
