package feedback

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestRenderCrafted(t *testing.T) {
	s := mustOpen(t)
	craft(t, s)
	sum, err := Weekly(context.Background(), s, w48, Options{Loc: kst, Now: now48})
	if err != nil {
		t.Fatal(err)
	}
	cat := catalog(t)
	tests := []struct {
		lang     string
		audience Audience
		golden   string
	}{
		{"ko", ForStaff, "crafted.ko.golden"},
		{"en", ForStaff, "crafted.en.golden"},
		{"ko", ForPublic, "crafted.public.ko.golden"},
		{"en", ForPublic, "crafted.public.en.golden"},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			text := sum.Text(cat, tt.lang, tt.audience)
			golden(t, tt.golden, []byte(text+"\n"))
			if tt.audience == ForPublic {
				for _, name := range []string{"김민지", "이수진", "박서준", "정하늘", "강다은", "임도윤", jimin.name, sehoon.name, "대기 시간"} {
					if strings.Contains(text, name) {
						t.Errorf("public summary names %q:\n%s", name, text)
					}
				}
			}
			if strings.Contains(text, "최유나") {
				t.Errorf("erased customer named:\n%s", text)
			}
		})
	}
	if m := cat.Missing(); len(m) > 0 {
		t.Errorf("catalog misses %v", m)
	}

	headline, sections := sum.Render(cat, "ko", ForStaff)
	if headline != "2026-W48 주간 요약 (11/23–11/29)" {
		t.Errorf("headline = %q", headline)
	}
	want := map[string]string{
		"활동":        "방문 5 (전주 2, 8주 평균 0.5) ▲3",
		"만족도":       "평균 평점 3.0 (전주 4.0, 8주 평균 4.5) ▼1.0",
		"챙겨야 할 고객":  "이 주 후속 연락 1건",
		"포인트":       "적립 포인트 800 (전주 100, 8주 평균 13) ▲700", // whole points, as points show
		"자주 나온 이야기": "상담 태그: 커트 3 · 염색 2 · 펌 1",
	}
	for _, sec := range sections {
		if first, ok := want[sec.Title]; !ok || len(sec.Lines) == 0 || sec.Lines[0] != first {
			t.Errorf("section %q starts with %q, want %q", sec.Title, sec.Lines, first)
		}
		delete(want, sec.Title)
	}
	for title := range want {
		t.Errorf("no section %q", title)
	}
	care := strings.Join(sections[2].Lines, "\n")
	// An erased customer's follow-up is nobody's to do: not listed, not
	// even as a placeholder.
	if strings.Contains(care, "11/28") || strings.Contains(care, "(삭제된 고객) (담당") {
		t.Errorf("erased customer's follow-up still in the care list:\n%s", care)
	}
}

func TestFormatNumber(t *testing.T) {
	tests := []struct {
		v    float64
		d    int
		want string
	}{
		{0, 0, "0"},
		{999, 0, "999"},
		{1000, 0, "1,000"},
		{1234567, 0, "1,234,567"},
		{-1234.5, 1, "-1,234.5"},
		{35.05, 1, "35.1"},
		{-0.01, 1, "0.0"},
		{12345.678, 1, "12,345.7"},
	}
	for _, tt := range tests {
		if got := formatNumber(tt.v, tt.d); got != tt.want {
			t.Errorf("formatNumber(%v, %d) = %q, want %q", tt.v, tt.d, got, tt.want)
		}
	}
	for n, want := range map[int64]string{0: "0", 12: "12", 1000: "1,000", -1000000: "-1,000,000", 123456789: "123,456,789"} {
		if got := formatInt(n); got != want {
			t.Errorf("formatInt(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestDelta(t *testing.T) {
	tests := []struct {
		k         kind
		cur, prev opt
		want      string
	}{
		{count, some(42), some(38), " ▲4"},
		{count, some(38), some(42), " ▼4"},
		{count, some(5), some(5), " ="},
		{rating, some(4.33), some(4.31), " ="}, // equal as displayed
		{rating, some(4.36), some(4.31), " ▲0.1"},
		{score, some(40), opt{}, ""},
		{percent, opt{}, some(50), ""},
		// A share's change is in percentage points, and says so.
		{percent, some(33), some(75), " ▼42%p"},
		{percent, some(80), some(75), " ▲5%p"},
		{percent, some(75), some(75), " ="},
		{points, some(1812.5), some(1800), " ▲13"},
	}
	p := printer{t: catalog(t), lang: "ko"}
	for _, tt := range tests {
		if got := p.delta(tt.k, tt.cur, tt.prev); got != tt.want {
			t.Errorf("delta(%v, %v, %v) = %q, want %q", tt.k, tt.cur, tt.prev, got, tt.want)
		}
	}
	if got := (printer{t: catalog(t), lang: "en"}).delta(percent, some(33), some(75)); got != " ▼42pp" {
		t.Errorf("en delta of a share = %q, want \" ▼42pp\"", got)
	}
}

// TestAvgWeeks: a count's average covers the weeks since the first week
// with any figure, at most 8, and says how many: a shop that opened 3
// weeks before W48 averages its visits over 3 weeks ("3주 평균 2"), not 8
// ("8주 평균 0.8"); one with nothing before the week has no average. A
// shop whose last visits were before the 8 weeks averages 0 over 8 of
// them, as one with a visit in the first of them averages 0.3: it read –.
func TestAvgWeeks(t *testing.T) {
	for _, c := range []struct {
		name   string
		start  int // first week with data, weeks before W48; 0: none before
		last   int // last week with data before W48 (0: the week before)
		weeks  int
		ko, en string
	}{
		{"3 weeks", 3, 0, 3, "방문 1 (전주 2, 3주 평균 2) ▼1", "Visits 1 (week before 2, 3-week avg 2) ▼1"},
		{"10 weeks", 10, 0, 8, "방문 1 (전주 2, 8주 평균 2) ▼1", "Visits 1 (week before 2, 8-week avg 2) ▼1"},
		{"quiet 8 weeks", 12, 9, 8, "방문 1 (전주 0, 8주 평균 0) ▲1", "Visits 1 (week before 0, 8-week avg 0) ▲1"},
		{"none before", 0, 0, 0, "방문 1 (전주 0, 8주 평균 –) ▲1", "Visits 1 (week before 0, 8-week avg –) ▲1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := mustOpen(t)
			write(t, s, func(f fixture) {
				first := w48.Add(-c.start).Start(kst)
				if c.start == 0 {
					first = w48.Start(kst)
				}
				id := f.customer("가온", first, time.Time{}, true)
				for wk := c.start; wk >= max(c.last, 1); wk-- {
					mon := w48.Add(-wk).Start(kst)
					f.note(id, jimin, mon.Add(10*time.Hour), time.Time{})
					f.note(id, jimin, mon.Add(34*time.Hour), time.Time{})
				}
				f.note(id, jimin, w48.Start(kst).Add(10*time.Hour), time.Time{})
			})
			sum, err := Weekly(context.Background(), s, w48, Options{Loc: kst})
			if err != nil {
				t.Fatal(err)
			}
			if got := sum.AvgWeeks(); got != c.weeks {
				t.Errorf("AvgWeeks = %d, want %d", got, c.weeks)
			}
			for lang, want := range map[string]string{"ko": c.ko, "en": c.en} {
				if _, secs := sum.Render(catalog(t), lang, ForStaff); secs[0].Lines[0] != want {
					t.Errorf("%s: %q, want %q", lang, secs[0].Lines[0], want)
				}
			}
		})
	}
}
