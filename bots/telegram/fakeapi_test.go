package telegram

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// waitFor bounds every wait of a test on the fake; it is a failure timeout,
// never a pause.
const waitFor = 10 * time.Second

const testToken = "123456:TEST"

// apiCall is one request the bot made to the fake Bot API.
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

// fakeAPI is a Bot API server on httptest: it serves the methods dangol
// uses, feeds scripted updates to getUpdates (long-polling until the test
// ends), parses multipart/form-data like Telegram and records every call.
type fakeAPI struct {
	t     testing.TB
	srv   *httptest.Server
	calls chan apiCall
	polls chan int64 // the offset of each getUpdates
	done  chan struct{}

	mu       sync.Mutex
	queue    []json.RawMessage // updates not yet confirmed, in order
	ids      []int64
	arrived  chan struct{} // closed and replaced when updates are pushed
	fail     map[string][]failure
	nextID   int
	username string
}

func newFakeAPI(t testing.TB) *fakeAPI {
	f := &fakeAPI{
		t:        t,
		calls:    make(chan apiCall, 1000),
		polls:    make(chan int64, 1000),
		done:     make(chan struct{}),
		arrived:  make(chan struct{}),
		fail:     map[string][]failure{},
		nextID:   100,
		username: "dangol_test_bot",
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(func() {
		close(f.done) // release long polls first, or Close waits for them
		f.srv.Close()
	})
	return f
}

// URL is the API base URL to give the bot.
func (f *fakeAPI) URL() string { return f.srv.URL }

// push queues updates for getUpdates. Each is a JSON object with its update_id.
func (f *fakeAPI) push(updates ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, u := range updates {
		var head struct {
			ID int64 `json:"update_id"`
		}
		if err := json.Unmarshal([]byte(u), &head); err != nil {
			f.t.Fatalf("fake: bad scripted update %s: %v", u, err)
		}
		f.queue = append(f.queue, json.RawMessage(u))
		f.ids = append(f.ids, head.ID)
	}
	close(f.arrived)
	f.arrived = make(chan struct{})
}

// failNext makes the next calls of method answer with the failures, in order.
func (f *fakeAPI) failNext(method string, fs ...failure) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail[method] = append(f.fail[method], fs...)
}

func (f *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	prefix := "/bot" + testToken + "/"
	if !strings.HasPrefix(r.URL.Path, prefix) {
		f.answerErr(w, http.StatusUnauthorized, "Unauthorized")
		return
	}
	method := strings.TrimPrefix(r.URL.Path, prefix)
	call, err := parseCall(method, r)
	if err != nil {
		f.t.Errorf("fake: %s: %v", method, err)
		f.answerErr(w, http.StatusBadRequest, "Bad Request: "+err.Error())
		return
	}
	f.mu.Lock()
	var fl *failure
	if q := f.fail[method]; len(q) > 0 {
		fl = &q[0]
		f.fail[method] = q[1:]
	}
	f.mu.Unlock()
	if method == "getUpdates" && fl == nil {
		f.getUpdates(w, r, call)
		return
	}
	if fl != nil {
		if method != "getUpdates" { // polls are not calls: they go to polls, when answered
			f.calls <- call
		}
		if fl.status == 0 {
			hj, _ := w.(http.Hijacker)
			conn, _, err := hj.Hijack()
			if err == nil {
				_ = conn.Close()
			}
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(fl.status)
		_, _ = io.WriteString(w, fl.body)
		return
	}

	var result any
	switch method {
	case "getMe":
		result = map[string]any{"id": 123456, "is_bot": true, "first_name": "단골", "username": f.username}
	case "sendMessage", "sendPhoto", "editMessageText", "editMessageReplyMarkup":
		m := f.message(call)
		call.MsgID = m["message_id"].(int)
		result = m
	case "answerCallbackQuery", "setMyCommands", "setWebhook", "deleteWebhook":
		result = true
	default:
		f.calls <- call
		f.t.Errorf("fake: unexpected method %s", method)
		f.answerErr(w, http.StatusNotFound, "Not Found: method not found")
		return
	}
	f.calls <- call
	f.answer(w, result)
}

// message is the Message Telegram would return for a send or an edit.
func (f *fakeAPI) message(c apiCall) map[string]any {
	chat, _ := strconv.ParseInt(c.Fields["chat_id"], 10, 64)
	f.mu.Lock()
	id := f.nextID
	if c.Fields["message_id"] != "" {
		id, _ = strconv.Atoi(c.Fields["message_id"])
	} else {
		f.nextID++
	}
	f.mu.Unlock()
	m := map[string]any{
		"message_id": id,
		"date":       1764000000,
		"chat":       map[string]any{"id": chat, "type": "private"},
		"from":       map[string]any{"id": 123456, "is_bot": true, "first_name": "단골"},
	}
	if t := c.Fields["text"]; t != "" {
		m["text"] = t
	}
	if t := c.Fields["caption"]; t != "" {
		m["caption"] = t
	}
	return m
}

// getUpdates returns the queued updates at or after offset, forgetting
// those below it as Telegram does, or long-polls until some arrive or the
// test ends.
func (f *fakeAPI) getUpdates(w http.ResponseWriter, r *http.Request, c apiCall) {
	offset, _ := strconv.ParseInt(c.Fields["offset"], 10, 64)
	f.polls <- offset
	for {
		f.mu.Lock()
		var out []json.RawMessage
		var keepQ []json.RawMessage
		var keepIDs []int64
		for i, id := range f.ids {
			if id < offset {
				continue // confirmed: forgotten
			}
			keepQ, keepIDs = append(keepQ, f.queue[i]), append(keepIDs, id)
			if len(out) < 100 { // Telegram's largest batch
				out = append(out, f.queue[i])
			}
		}
		f.queue, f.ids = keepQ, keepIDs
		arrived := f.arrived
		f.mu.Unlock()
		if len(out) > 0 {
			f.answer(w, out)
			return
		}
		select {
		case <-arrived:
		case <-r.Context().Done():
			return
		case <-f.done:
			f.answer(w, []any{})
			return
		}
	}
}

func (f *fakeAPI) answer(w http.ResponseWriter, result any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": result})
}

func (f *fakeAPI) answerErr(w http.ResponseWriter, code int, desc string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]any{"ok": false, "error_code": code, "description": desc})
}

// parseCall reads a Bot API request the way Telegram does: multipart form
// data (what go-telegram/bot sends), or an empty body.
func parseCall(method string, r *http.Request) (apiCall, error) {
	c := apiCall{Method: method, Fields: map[string]string{}, Files: map[string]string{}}
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return c, nil
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return c, fmt.Errorf("content type %q: %w", ct, err)
	}
	if mt != "multipart/form-data" {
		return c, fmt.Errorf("content type %q, want multipart/form-data", mt)
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return c, fmt.Errorf("read body: %w", err)
	}
	if len(body) == 0 {
		return c, nil // go-telegram/bot sends methods without parameters with an empty body
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return c, nil
		}
		if err != nil {
			return c, fmt.Errorf("multipart: %w", err)
		}
		data, err := io.ReadAll(p)
		if err != nil {
			return c, fmt.Errorf("multipart part %s: %w", p.FormName(), err)
		}
		if p.FileName() != "" {
			c.Files[p.FormName()] = fmt.Sprintf("%s (%d bytes)", p.FileName(), len(data))
			continue
		}
		c.Fields[p.FormName()] = string(data)
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
