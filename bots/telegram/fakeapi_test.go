package telegram

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/dangol/dangol/bots/telegram/telegramfake"
)

// waitFor bounds every wait of a test on the fake; it is a failure timeout,
// never a pause.
const waitFor = 10 * time.Second

const testToken = "123456:TEST"

// apiCall is one request the bot made to the fake Bot API, as these tests
// read it.
type apiCall struct {
	Method string
	Fields map[string]string // multipart form fields
	Files  map[string]string // form file field -> "name (N bytes)"
	MsgID  int               // the message id the fake gave a sent or edited message
}

// failure is a scripted error answer.
type failure struct {
	status int    // HTTP status; 0 = drop the connection (a network error)
	body   string // JSON body
}

// fakeAPI is the shared fake Bot API (telegramfake) with what these tests
// read of it: every call but getUpdates on calls, the offset of each
// getUpdates on polls.
type fakeAPI struct {
	*telegramfake.Server
	t     testing.TB
	calls chan apiCall
	polls chan int64 // the offset of each getUpdates
}

func newFakeAPI(t testing.TB) *fakeAPI {
	f := &fakeAPI{t: t, calls: make(chan apiCall, 1000), polls: make(chan int64, 1000)}
	f.Server = telegramfake.New(telegramfake.Options{
		Token:          testToken,
		Username:       "dangol_test_bot",
		FirstMessageID: 100,
		OnCall:         func(c telegramfake.Call) { f.calls <- fromFake(c) },
		OnPoll:         func(offset int64) { f.polls <- offset },
	})
	t.Cleanup(f.Close)
	return f
}

// fromFake is c as these tests read it.
func fromFake(c telegramfake.Call) apiCall {
	files := map[string]string{}
	for field, n := range c.Files {
		files[field] = fmt.Sprintf("%s (%d bytes)", c.FileNames[field], n)
	}
	return apiCall{Method: c.Method, Fields: c.Fields, Files: files, MsgID: int(c.MessageID)}
}

// push queues updates for getUpdates. Each is a JSON object with its update_id.
func (f *fakeAPI) push(updates ...string) {
	raw := make([]json.RawMessage, len(updates))
	for i, u := range updates {
		raw[i] = json.RawMessage(u)
	}
	if err := f.PushRaw(raw...); err != nil {
		f.t.Fatalf("fake: %v", err)
	}
}

// failNext makes the next calls of method answer with the failures, in order.
func (f *fakeAPI) failNext(method string, fs ...failure) {
	for _, fl := range fs {
		f.FailNext(method, telegramfake.Failure{Status: fl.status, Body: fl.body})
	}
}

// next returns the bot's next call, failing the test after waitFor.
func (f *fakeAPI) next(t testing.TB) apiCall {
	t.Helper()
	select {
	case c := <-f.calls:
		return c
	case <-time.After(waitFor):
		t.Fatalf("fake: no call from the bot within %v", waitFor)
		return apiCall{}
	}
}

// expect returns the next call and fails unless it is method.
func (f *fakeAPI) expect(t testing.TB, method string) apiCall {
	t.Helper()
	c := f.next(t)
	if c.Method != method {
		t.Fatalf("fake: call %s %v, want %s", c.Method, c.Fields, method)
	}
	return c
}

// expectAnswered returns the bot's answer to a button press and the calls
// of methods, in order, whichever came first: a press is answered at once,
// beside the chat's turn, so its place among the chat's calls is not
// fixed.
func (f *fakeAPI) expectAnswered(t testing.TB, methods ...string) []apiCall {
	t.Helper()
	var calls []apiCall
	for range len(methods) + 1 {
		calls = append(calls, f.next(t))
	}
	calls = answersFirst(calls)
	for i, m := range append([]string{"answerCallbackQuery"}, methods...) {
		if calls[i].Method != m {
			t.Fatalf("fake: calls %v, want the press answered and %v", calls, methods)
		}
	}
	return calls
}

// answersFirst moves the answers to button presses before the other calls,
// keeping the order within each.
func answersFirst(calls []apiCall) []apiCall {
	out := slices.Clone(calls)
	slices.SortStableFunc(out, func(a, b apiCall) int {
		return cmp.Compare(boolRank(a.Method != "answerCallbackQuery"), boolRank(b.Method != "answerCallbackQuery"))
	})
	return out
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// expectNone fails if the bot made a call that was not yet taken.
func (f *fakeAPI) expectNone(t testing.TB) {
	t.Helper()
	select {
	case c := <-f.calls:
		t.Fatalf("fake: unexpected call %s %v", c.Method, c.Fields)
	default:
	}
}

// waitPoll waits for a getUpdates asking for offset or more: by then the bot
// has committed every update below it (the poller holds getUpdates back
// until then).
func (f *fakeAPI) waitPoll(t testing.TB, offset int64) {
	t.Helper()
	deadline := time.After(waitFor)
	for {
		select {
		case o := <-f.polls:
			if o >= offset {
				return
			}
		case <-deadline:
			t.Fatalf("fake: no getUpdates with offset >= %d within %v", offset, waitFor)
		}
	}
}

// String renders a call for golden files: the method, then its fields in
// order, keyboards drawn as the customer sees them.
func (c apiCall) String() string {
	var sb strings.Builder
	sb.WriteString("→ " + c.Method + "\n")
	keys := make([]string, 0, len(c.Fields)+len(c.Files))
	for k := range c.Fields {
		keys = append(keys, k)
	}
	for k := range c.Files {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v, isFile := c.Files[k]
		if !isFile {
			v = c.Fields[k]
		}
		switch k {
		case "reply_markup":
			v = drawMarkup(v)
		case "link_preview_options":
			continue
		}
		lines := strings.Split(v, "\n")
		fmt.Fprintf(&sb, "    %s: %s\n", k, lines[0])
		for _, l := range lines[1:] {
			fmt.Fprintf(&sb, "    %s  %s\n", strings.Repeat(" ", len(k)), l)
		}
	}
	return sb.String()
}

// drawMarkup draws a keyboard: inline buttons as [label | data], menu
// buttons as (label).
func drawMarkup(js string) string {
	var m struct {
		Inline [][]struct {
			Text string `json:"text"`
			Data string `json:"callback_data"`
		} `json:"inline_keyboard"`
		Keyboard [][]struct {
			Text    string `json:"text"`
			Contact bool   `json:"request_contact"`
		} `json:"keyboard"`
		Persistent bool `json:"is_persistent"`
	}
	if err := json.Unmarshal([]byte(js), &m); err != nil {
		return js
	}
	var rows []string
	for _, row := range m.Inline {
		var bs []string
		for _, b := range row {
			bs = append(bs, "["+b.Text+" | "+b.Data+"]")
		}
		rows = append(rows, strings.Join(bs, " "))
	}
	for _, row := range m.Keyboard {
		var bs []string
		for _, b := range row {
			if b.Contact {
				b.Text += " ⇢ shares contact"
			}
			bs = append(bs, "("+b.Text+")")
		}
		rows = append(rows, strings.Join(bs, " "))
	}
	if len(m.Keyboard) > 0 && m.Persistent {
		rows = append(rows, "(persistent menu)")
	}
	return strings.Join(rows, "\n")
}
