package console_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/bots/console"
	"github.com/dangol/dangol/dialog"
	"github.com/dangol/dangol/locales"
)

var seoul = time.FixedZone("KST", 9*60*60)

func TestParseTime(t *testing.T) {
	// Sunday 2027-01-31 10:00 in Seoul.
	now := time.Date(2027, 1, 31, 10, 0, 0, 0, seoul)
	tests := []struct {
		in   string
		want time.Time // zero: not a time
	}{
		{"+3h", now.Add(3 * time.Hour)},
		{"+90m", now.Add(90 * time.Minute)},
		{"+30d", time.Date(2027, 3, 2, 10, 0, 0, 0, seoul)},
		{"+1w", time.Date(2027, 2, 7, 10, 0, 0, 0, seoul)},
		{"+1d12h", time.Date(2027, 2, 1, 22, 0, 0, 0, seoul)},
		{"+ 2 days", time.Date(2027, 2, 2, 10, 0, 0, 0, seoul)},
		{"+3시간", now.Add(3 * time.Hour)},
		{"+2주", time.Date(2027, 2, 14, 10, 0, 0, 0, seoul)},
		{"+1일", time.Date(2027, 2, 1, 10, 0, 0, 0, seoul)},
		{"-1d", time.Date(2027, 1, 30, 10, 0, 0, 0, seoul)},
		{"2027-02-01 09:00", time.Date(2027, 2, 1, 9, 0, 0, 0, seoul)},
		{"2027-02-01T09:00", time.Date(2027, 2, 1, 9, 0, 0, 0, seoul)},
		{" 2027-02-01 09:00:30 ", time.Date(2027, 2, 1, 9, 0, 30, 0, seoul)},
		{"2027-02-01", time.Date(2027, 2, 1, 0, 0, 0, 0, seoul)},
		{"12:30", time.Date(2027, 1, 31, 12, 30, 0, 0, seoul)},
		{"09:00", time.Date(2027, 2, 1, 9, 0, 0, 0, seoul)},
		{"10:00", time.Date(2027, 2, 1, 10, 0, 0, 0, seoul)},
		{"", time.Time{}},
		{"+", time.Time{}},
		{"+3", time.Time{}},
		{"+h", time.Time{}},
		{"+3y", time.Time{}},
		{"+0h", time.Time{}},
		{"+0d0m", time.Time{}},
		{"+3h+1d", time.Time{}},
		{"+999999h", time.Time{}},
		{"+99999w99999w99999w", time.Time{}},
		{"tomorrow", time.Time{}},
		{"2027-02-30 09:00", time.Time{}},
		{"2027-02-01 25:00", time.Time{}},
		{"25:00", time.Time{}},
		{"9:5", time.Time{}},
		{"\x00", time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := console.ParseTime(tt.in, now)
			if ok != !tt.want.IsZero() || !got.Equal(tt.want) {
				t.Errorf("ParseTime(%q) = %s, %t; want %s", tt.in, got, ok, tt.want)
			}
			if ok && got.Location() != seoul {
				t.Errorf("ParseTime(%q) is in %s, want the clock's zone", tt.in, got.Location())
			}
		})
	}
}

// fakeClock stands still until Advance, which "runs" a job due at each
// of due that falls in the move, as the scheduler would; with real it
// moves nothing, as a console on the shop's own data does.
type fakeClock struct {
	now  time.Time
	due  []time.Time
	fail bool
	real bool
	tos  []time.Time
}

func (f *fakeClock) Now() time.Time { return f.now }

func (f *fakeClock) Advance(_ context.Context, to time.Time) ([]console.Post, error) {
	if to.Before(f.now) {
		return nil, errors.New("fake clock: moved back")
	}
	if f.real {
		return nil, fmt.Errorf("fake clock: %w", console.ErrNotRehearsal)
	}
	f.tos = append(f.tos, to)
	var posts []console.Post
	for _, d := range f.due {
		if !d.Before(f.now) && !d.After(to) {
			posts = append(posts,
				console.Post{At: d, Reply: dialog.Reply{To: dialog.ToStaffChannel, Text: "주간 요약 " + d.Format("01-02"), Buttons: []dialog.Button{{Label: "보기", Payload: "see"}}}},
				console.Post{At: d, Reply: dialog.Reply{To: dialog.ToUser, Channel: "console", UserID: "민지", Text: "오늘 연락할 고객 1명", Buttons: []dialog.Button{{Label: "완료", Payload: "fu:1"}}}})
		}
	}
	f.now = to
	var err error
	if f.fail {
		err = errors.New("fake clock: ledger on fire")
	}
	return posts, err
}

// TestConsole_Time: :time shows the clock; a move prints each due time
// once, then what was sent then with its address, then the new time; a
// time in the past, a bad argument or a jump over a year are refused with
// the console's time and never reach the clock. A number presses the
// staff channel's buttons for a manager, and the DM's for its recipient.
func TestConsole_Time(t *testing.T) {
	start := time.Date(2027, 1, 31, 10, 0, 0, 0, seoul)
	clock := &fakeClock{now: start, due: []time.Time{time.Date(2027, 2, 1, 9, 0, 0, 0, seoul), time.Date(2027, 2, 8, 9, 0, 0, 0, seoul)}}
	var out bytes.Buffer
	script := strings.Join([]string{
		":time",
		":time +1d",
		":time 2027-01-31 23:00",
		":time -1h",
		":time soon",
		":time +367d",
		":time +1h",
		"1",
		":as staff 민지",
		"1",
		":as manager 사장",
		":lang en",
		":time",
	}, "\n") + "\n"
	c := console.New(console.Config{
		In: strings.NewReader(script), Out: &out, Handler: &fakeHandler{}, Catalog: locales.MustLoad(),
		Quiet: true, Echo: true, Clock: clock, EventPrefix: "console:test",
	})
	if err := c.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := `사장(매니저)> :time
지금 콘솔 시각은 2027-01-31 (일) 10:00이에요. 앞으로 옮기려면 :time +3h, :time +1d, :time 2027-02-01 09:00 처럼 입력하세요.
사장(매니저)> :time +1d
⏰ 2027-02-01 (월) 09:00
→ [직원 채널] 주간 요약 02-01
  [1] 보기
→ [console:민지] 오늘 연락할 고객 1명
  [1] 완료
콘솔 시각을 2027-02-01 (월) 10:00으로 옮겼어요. 그사이 예약 게시 2건을 보냈어요.
사장(매니저)> :time 2027-01-31 23:00
시계는 앞으로만 옮길 수 있어요. 2027-01-31 (일) 23:00은 지난 시각이에요. 지금 콘솔 시각: 2027-02-01 (월) 10:00
사장(매니저)> :time -1h
시계는 앞으로만 옮길 수 있어요. 2027-02-01 (월) 09:00은 지난 시각이에요. 지금 콘솔 시각: 2027-02-01 (월) 10:00
사장(매니저)> :time soon
사용법: :time (지금 시각 보기) · :time +3h · :time +30d · :time +1w · :time 2027-02-01 09:00 · :time 09:00 (다음 9시). 지금 콘솔 시각: 2027-02-01 (월) 10:00
사장(매니저)> :time +367d
한 번에 366일까지만 옮길 수 있어요. 지금 콘솔 시각: 2027-02-01 (월) 10:00
사장(매니저)> :time +1h
콘솔 시각을 2027-02-01 (월) 11:00으로 옮겼어요. 그사이 보낼 예약 게시는 없었어요.
사장(매니저)> 1
pressed see (보기)
사장(매니저)> :as staff 민지
이제 직원 '민지'로 말합니다.
민지(직원)> 1
pressed fu:1 (완료)
민지(직원)> :as manager 사장
이제 매니저 '사장'으로 말합니다.
사장(매니저)> :lang en
Now speaking English.
사장 (manager)> :time
The console's time is Mon 2027-02-01 11:00. Move it forward with :time +3h, :time +1d or :time 2027-02-01 09:00.
`
	if got := out.String(); got != want {
		t.Errorf("transcript:\n%s\nwant:\n%s", got, want)
	}
	if len(clock.tos) != 2 {
		t.Errorf("the clock was moved to %v, want only the two moves allowed", clock.tos)
	}
}

// TestConsole_TimeFails: a move whose jobs partly failed still shows
// what was sent, says so, and logs the error; a console without a clock
// says it has none.
func TestConsole_TimeFails(t *testing.T) {
	start := time.Date(2027, 1, 31, 10, 0, 0, 0, seoul)
	clock := &fakeClock{now: start, due: []time.Time{start.Add(time.Hour)}, fail: true}
	var out, logs bytes.Buffer
	c := console.New(console.Config{
		In: strings.NewReader(":time +2h\n"), Out: &out, Handler: &fakeHandler{}, Catalog: locales.MustLoad(),
		Quiet: true, Clock: clock, Logger: slog.New(slog.NewTextHandler(&logs, nil)),
	})
	if err := c.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"→ [직원 채널] 주간 요약", "예약 게시 일부를 만들지 못했어요", "예약 게시 2건"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("output %q lacks %q", out.String(), s)
		}
	}
	if !strings.Contains(logs.String(), "ledger on fire") {
		t.Errorf("log %q lacks the error", logs.String())
	}

	out.Reset()
	c = console.New(console.Config{In: strings.NewReader(":time\n:time +1h\n"), Out: &out, Handler: &fakeHandler{}, Catalog: locales.MustLoad(), Quiet: true})
	if err := c.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), "이 콘솔에는 옮길 수 있는 시계가 없어요."); n != 2 {
		t.Errorf("output %q: want the no-clock answer twice", out.String())
	}
}

// TestConsole_TimeNotRehearsal: a clock that will not move (the console
// on the shop's own data) still shows its time; a move is answered with
// how to rehearse, and neither the move's summary nor a failure follows.
func TestConsole_TimeNotRehearsal(t *testing.T) {
	start := time.Date(2026, 12, 1, 15, 0, 0, 0, seoul)
	clock := &fakeClock{now: start, due: []time.Time{start.Add(time.Hour)}, real: true}
	var out, logs bytes.Buffer
	c := console.New(console.Config{
		In: strings.NewReader(":time +2h\n:lang en\n:time 2026-12-02 09:00\n:time\n"), Out: &out, Handler: &fakeHandler{}, Catalog: locales.MustLoad(),
		Quiet: true, Clock: clock, Logger: slog.New(slog.NewTextHandler(&logs, nil)),
	})
	if err := c.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	cat := locales.MustLoad()
	want := cat.Text("ko", "clock.real", map[string]any{"Time": "2026-12-01 (화) 15:00"}) + "\n" +
		"Now speaking English.\n" +
		cat.Text("en", "clock.real", map[string]any{"Time": "Tue 2026-12-01 15:00"}) + "\n" +
		"The console's time is Tue 2026-12-01 15:00. Move it forward with :time +3h, :time +1d or :time 2027-02-01 09:00.\n"
	if got := out.String(); got != want {
		t.Errorf("transcript:\n%s\nwant:\n%s", got, want)
	}
	if !strings.Contains(want, "dangol chat --at now") {
		t.Errorf("the refusal does not say how to rehearse: %s", want)
	}
	if logs.Len() != 0 {
		t.Errorf("a refused move logged:\n%s", logs.String())
	}
}

// TestConsole_ImageDir: a missing pictures folder is created; without
// one, the placeholder says how to save; a folder that cannot be made
// says the picture was not saved.
func TestConsole_ImageDir(t *testing.T) {
	base := t.TempDir()
	blocker := filepath.Join(base, "file")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, dir, want string
		saved           bool
	}{
		{"Created", filepath.Join(base, "new", "charts"), "[image: week.png, 4 bytes → " + filepath.Join(base, "new", "charts", "week.png") + "]", true},
		{"NoDir", "", "[image: week.png, 4 bytes — to save it as a file, start with dangol chat --images DIR]", false},
		{"CannotCreate", filepath.Join(blocker, "charts"), "[image: week.png, 4 bytes — could not save it in " + filepath.Join(blocker, "charts") + " (see the log)]", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			c := console.New(console.Config{In: strings.NewReader("/image\n"), Out: &out, Handler: &fakeHandler{}, Catalog: locales.MustLoad(),
				Quiet: true, ImageDir: tt.dir, Lang: "en", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			if err := c.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			if got := out.String(); got != "차트\n"+tt.want+"\n" {
				t.Errorf("output = %q, want the line %q", got, tt.want)
			}
			if tt.saved {
				if b, err := os.ReadFile(filepath.Join(tt.dir, "week.png")); err != nil || string(b) != "\x89PNG" {
					t.Errorf("saved image = %q, %v", b, err)
				}
			}
		})
	}
}
