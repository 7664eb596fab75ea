package console_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dangol/dangol/bots/console"
	"github.com/dangol/dangol/bots/relay"
	"github.com/dangol/dangol/bots/retry/retrytest"
	"github.com/dangol/dangol/dialog"
	"github.com/dangol/dangol/ledger"
	"github.com/dangol/dangol/locales"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// fakeHandler answers a few scripted commands and records every message.
type fakeHandler struct {
	mu   sync.Mutex
	msgs []dialog.Message
}

func (h *fakeHandler) Handle(ctx context.Context, m dialog.Message) ([]dialog.Reply, error) {
	h.mu.Lock()
	h.msgs = append(h.msgs, m)
	h.mu.Unlock()
	if m.Action != nil {
		return []dialog.Reply{{Text: fmt.Sprintf("pressed %s (%s)", m.Action.Payload, m.Action.Label)}}, nil
	}
	switch m.Text {
	case "/hi":
		return []dialog.Reply{{Text: "안녕하세요, " + m.UserID + " 님"}}, nil
	case "/choose":
		return []dialog.Reply{
			{Text: "고르세요", Buttons: []dialog.Button{{Label: "하나", Payload: "pick:1"}, {Label: "둘", Payload: "pick:2"}}},
		}, nil
	case "/nps":
		bs := []dialog.Button{{Label: "건너뛰기", Payload: "nps:skip"}}
		for i := range 11 {
			bs = append(bs, dialog.Button{Label: strconv.Itoa(i), Payload: "nps:" + strconv.Itoa(i)})
		}
		bs = append(bs, dialog.Button{Label: "5", Payload: "nps:dup"}, dialog.Button{Label: "모름", Payload: "nps:unknown"})
		return []dialog.Reply{{Text: "추천 점수", Buttons: bs}}, nil
	case "/ask":
		// A question, then a notice without buttons in answer to the
		// same line: the question's buttons stay the ones a number presses.
		return []dialog.Reply{
			{Text: "지울까요?", Buttons: []dialog.Button{{Label: "삭제", Payload: "yes"}, {Label: "취소", Payload: "no"}}},
			{Text: "참고: 되돌릴 수 없어요"},
		}, nil
	case "/alert":
		return []dialog.Reply{
			{Text: "감사합니다"},
			{To: dialog.ToStaffChannel, Text: "낮은 평점 ★2\n\"너무 기다렸어요\"", Buttons: []dialog.Button{{Label: "처리함", Payload: "ack"}}},
		}, nil
	case "/dm":
		return []dialog.Reply{{To: dialog.ToUser, Channel: "telegram", UserID: "123", Lang: "en", Text: "Your points: 2,750"}}, nil
	case "/sections":
		return []dialog.Reply{{Text: "2026-W48 요약", Sections: []dialog.Section{
			{Title: "활동", Lines: []string{"상담 3건", "신규 고객 1명"}},
			{Title: "만족도", Lines: []string{"평균 4.5"}},
		}}}, nil
	case "/image":
		return []dialog.Reply{{Text: "차트", Image: &dialog.Image{Name: "week.png", PNG: []byte("\x89PNG")}}}, nil
	case "/form":
		return []dialog.Reply{{
			Text: "상담 기록",
			Form: &dialog.Form{ID: "note", Title: "상담 기록", Fields: []dialog.Field{
				{Name: "customer", Label: "고객", Hint: "010-1234-5678"},
				{Name: "tags", Label: "태그", Optional: true},
			}},
			FormErrors: map[string]string{"tags": "태그가 너무 깁니다", "customer": "고객을 찾을 수 없습니다"},
		}}, nil
	case "/fail":
		return []dialog.Reply{{Text: "죄송합니다. 잠시 후 다시 시도해 주세요."}}, errors.New("ledger: disk on fire")
	}
	return []dialog.Reply{{Text: "echo: " + m.Text}}, nil
}

func (h *fakeHandler) messages() []dialog.Message {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]dialog.Message(nil), h.msgs...)
}

func TestConsole_Golden(t *testing.T) {
	tests := []struct {
		name   string
		lang   string
		quiet  bool
		script string
	}{
		{name: "roles", script: `
/hi
:as staff 김 민지
/hi
:as customer 42
/hi
:as manager 사장
:as nobody x
:as customer 4 2
:as staff
:help
:bogus
:)

/note 010-1234-5678 커트 #단골
`},
		{name: "buttons", script: `
/choose
3
2
3
123456
:as staff 민지
1
:as manager 사장
1
/alert
1
:as staff 민지
1
/alert
/hi
1
/ask
1
:as customer 9
/alert
1
:as manager 사장
/nps
7
/nps
0
/nps
11
/nps
12
/nps
13
/nps
14
`},
		{name: "elsewhere", script: `
/alert
/dm
/sections
/image
/form
/fail
:lang en
/alert
:lang xx
:lang KO
`},
		{name: "english", lang: "en", script: `
/hi
:as 고객 7
:help
/choose
9
`},
		{name: "quit", quiet: true, script: `
/hi
:quit
/hi
`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cat := locales.MustLoad()
			h := &fakeHandler{}
			var out, logs bytes.Buffer
			c := console.New(console.Config{
				In:          strings.NewReader(strings.TrimPrefix(tt.script, "\n")),
				Out:         &out,
				Handler:     h,
				Catalog:     cat,
				Lang:        tt.lang,
				Logger:      slog.New(slog.NewTextHandler(&logs, nil)),
				Quiet:       tt.quiet,
				Echo:        true,
				EventPrefix: "console:test",
			})
			if err := c.Run(context.Background()); err != nil {
				t.Fatalf("Run: %v", err)
			}
			got := out.String() + "--- messages ---\n"
			for _, m := range h.messages() {
				got += formatMessage(m) + "\n"
			}
			assertGolden(t, filepath.Join("testdata", tt.name+".golden"), got)
			if m := cat.Missing(); len(m) > 0 {
				t.Errorf("catalog ids used but missing: %v", m)
			}
		})
	}
}

func formatMessage(m dialog.Message) string {
	s := fmt.Sprintf("%s channel=%s user=%q conv=%q role=%s lang=%s private=%t canform=%t",
		m.EventID, m.Channel, m.UserID, m.ConversationID, m.Role, m.Lang, m.Private, m.CanForm)
	if m.Action != nil {
		return s + fmt.Sprintf(" action=%s/%s", m.Action.Payload, m.Action.Label)
	}
	return s + fmt.Sprintf(" text=%q", m.Text)
}

func assertGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./bots/console -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test ./bots/console -update rewrites it)\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
	}
}

func TestConsole_ErrorGoesToLogNotChat(t *testing.T) {
	var out, logs bytes.Buffer
	c := console.New(console.Config{
		In: strings.NewReader("/fail\n"), Out: &out, Handler: &fakeHandler{},
		Catalog: locales.MustLoad(), Quiet: true,
		Logger: slog.New(slog.NewTextHandler(&logs, nil)),
	})
	if err := c.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "죄송합니다. 잠시 후 다시 시도해 주세요.\n"; got != want {
		t.Errorf("chat output = %q, want only the apology %q", got, want)
	}
	if !strings.Contains(logs.String(), "disk on fire") || !strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("log = %q, want the handler's error at level ERROR", logs.String())
	}
}

func TestConsole_EventIDsUniqueAcrossRuns(t *testing.T) {
	run := func() []dialog.Message {
		h := &fakeHandler{}
		c := console.New(console.Config{In: strings.NewReader("a\nb\n"), Out: io.Discard, Handler: h, Catalog: locales.MustLoad(), Quiet: true})
		if err := c.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		return h.messages()
	}
	seen := map[string]bool{}
	for _, m := range append(run(), run()...) {
		if !strings.HasPrefix(m.EventID, "console:") || seen[m.EventID] {
			t.Errorf("event id %q: want a fresh \"console:…\" id", m.EventID)
		}
		seen[m.EventID] = true
	}
}

// TestConsole_StopsOnCancel checks that Run returns when its context is done
// although the input stays open, and that a line read before is handled.
func TestConsole_StopsOnCancel(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	h := &fakeHandler{}
	out := &syncBuffer{}
	c := console.New(console.Config{In: pr, Out: out, Handler: h, Catalog: locales.MustLoad(), Quiet: true})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()

	if _, err := io.WriteString(pw, "/hi\n"); err != nil {
		t.Fatal(err)
	}
	// A second write returns only once the reader handed the first line to
	// Run and came back for more; Run then handles it before it looks at
	// its context again.
	wrote := make(chan struct{})
	go func() { io.WriteString(pw, "x"); close(wrote) }()
	select {
	case <-wrote:
	case <-time.After(5 * time.Second):
		t.Fatal("console did not read its input")
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run after cancel = %v, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after its context was cancelled")
	}
	if got := out.String(); got != "안녕하세요, 사장 님\n" {
		t.Errorf("output = %q", got)
	}
}

func TestConsole_SavesImages(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	c := console.New(console.Config{In: strings.NewReader("/image\n"), Out: &out, Handler: &fakeHandler{}, Catalog: locales.MustLoad(), Quiet: true, ImageDir: dir, Lang: "en"})
	if err := c.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "week.png")
	if b, err := os.ReadFile(path); err != nil || string(b) != "\x89PNG" {
		t.Fatalf("saved image = %q, %v", b, err)
	}
	if want := "[image: week.png, 4 bytes → " + path + "]"; !strings.Contains(out.String(), want) {
		t.Errorf("output = %q, want it to contain %q", out.String(), want)
	}
}

// TestConsole_DeliverWhileRunning is for the race detector: a scheduled
// post printed while the console handles lines.
func TestConsole_DeliverWhileRunning(t *testing.T) {
	out := &syncBuffer{}
	c := console.New(console.Config{In: strings.NewReader(strings.Repeat("/hi\n", 50)), Out: out, Handler: &fakeHandler{}, Catalog: locales.MustLoad(), Quiet: true})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 20 {
			if err := c.Send(context.Background(), relay.Address{}, dialog.Reply{To: dialog.ToStaffChannel, Text: "주간 요약"}); err != nil {
				t.Error(err)
			}
		}
	}()
	if err := c.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if n := strings.Count(out.String(), "→ [직원 채널] 주간 요약\n"); n != 20 {
		t.Errorf("delivered %d summaries, want 20", n)
	}
	if n := strings.Count(out.String(), "안녕하세요, 사장 님\n"); n != 50 {
		t.Errorf("answered %d lines, want 50", n)
	}
}

func TestConsole_Prompt(t *testing.T) {
	var out bytes.Buffer
	c := console.New(console.Config{In: strings.NewReader("/hi\n:as customer 42\n"), Out: &out, Handler: &fakeHandler{}, Catalog: locales.MustLoad(), Quiet: true, Prompt: true, Echo: true})
	if err := c.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := "사장(매니저)> 안녕하세요, 사장 님\n사장(매니저)> 이제 고객 '42'로 말합니다.\n42(고객)> "
	if out.String() != want {
		t.Errorf("output = %q, want %q", out.String(), want)
	}
}

// TestConsole_PromptRoles: the prompt names each role in the console's
// language, and a role configured that the console has no word for as it
// is, never a catalog id.
func TestConsole_PromptRoles(t *testing.T) {
	for _, tt := range []struct {
		role ledger.Role
		lang string
		want string
	}{
		{ledger.RoleStaff, "ko", "민지(직원)> "},
		{ledger.RoleManager, "ko", "민지(매니저)> "},
		{ledger.RoleCustomer, "ko", "민지(고객)> "},
		{ledger.RoleStaff, "en", "민지 (staff)> "},
		{ledger.RoleManager, "en", "민지 (manager)> "},
		{ledger.RoleCustomer, "en", "민지 (customer)> "},
		{"owner", "ko", "민지(owner)> "},
	} {
		t.Run(tt.lang+"/"+string(tt.role), func(t *testing.T) {
			var out bytes.Buffer
			cat := locales.MustLoad()
			c := console.New(console.Config{In: strings.NewReader(""), Out: &out, Handler: &fakeHandler{}, Catalog: cat, Lang: tt.lang, Quiet: true, Prompt: true, Role: tt.role, Name: "민지"})
			if err := c.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			if out.String() != tt.want {
				t.Errorf("prompt = %q, want %q", out.String(), tt.want)
			}
			if m := cat.Missing(); len(m) > 0 {
				t.Errorf("missing messages: %v", m)
			}
		})
	}
}

// syncBuffer is an output tests can read while the console writes.
type syncBuffer = retrytest.Log

// deliveringHandler delivers through the console while handling, as a
// handler wired to a router that reaches this console would.
type deliveringHandler struct{ c *console.Console }

func (h *deliveringHandler) Handle(ctx context.Context, m dialog.Message) ([]dialog.Reply, error) {
	err := h.c.Send(ctx, relay.Address{}, dialog.Reply{To: dialog.ToUser, Channel: "console", UserID: "민지", Text: "전달"})
	return []dialog.Reply{{Text: "답"}}, err
}

func TestConsole_DeliverFromHandler(t *testing.T) {
	out := &syncBuffer{}
	h := &deliveringHandler{}
	h.c = console.New(console.Config{In: strings.NewReader("/x\n"), Out: out, Handler: h, Catalog: locales.MustLoad(), Quiet: true})
	done := make(chan error, 1)
	go func() { done <- h.c.Run(context.Background()) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run deadlocked on a Deliver from inside Handle")
	}
	if got, want := out.String(), "→ [console:민지] 전달\n답\n"; got != want {
		t.Errorf("output = %q, want %q", got, want)
	}
}
