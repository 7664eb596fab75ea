package slackfake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// Call is one request the fake received.
type Call struct {
	Method string     // Web API method, "response_url" or "upload"
	Form   url.Values // form-encoded requests
	JSON   []byte     // JSON requests (views.open, response_url)
	Token  string     // from the form or the Authorization header
	Status int        // what the fake answered
	Body   []byte     // upload: the file's bytes
	TS     string     // chat.postMessage: the ts the fake gave the new message (PostTS)
}

// Server is the fake Slack: the Web API, response_urls, file uploads and
// Socket Mode's websocket on one loopback server. It is safe for
// concurrent use.
type Server struct {
	srv *httptest.Server
	// Calls receives every call recorded (unless Options.OnCall takes
	// them), 256 at most before the fake panics: a test takes what it
	// waits for.
	Calls chan Call
	// WS receives the Socket Mode connections the bot opens, for the test
	// to speak Slack's side.
	WS        chan *websocket.Conn
	onCall    func(Call)
	authTests bool

	mu        sync.Mutex
	limited   map[string]int // method -> 429s still to answer
	retry     string         // Retry-After of those 429s
	failing   map[string]string
	scripted  map[string][]Answer // method -> how its next calls are answered, in order
	locales   map[string]string   // user id -> locale for users.info
	infoCalls int
	posts     int // chat.postMessage calls served: each gets its own ts
}

// Options configure a Server.
type Options struct {
	// OnCall, when set, is given every call recorded instead of Calls. It
	// runs in the request's goroutine and must be quick.
	OnCall func(Call)
	// AuthTests records auth.test calls too, for a test that waits for
	// Slack to be reached; they are not recorded otherwise (the adapter
	// asks at start and once a minute, in no fixed place among the calls
	// a test waits for).
	AuthTests bool
}

// New starts a Server on loopback, closed when the test ends.
func New(tb testing.TB, opts Options) *Server {
	tb.Helper()
	f := &Server{
		Calls:     make(chan Call, 256),
		WS:        make(chan *websocket.Conn, 4),
		onCall:    opts.OnCall,
		authTests: opts.AuthTests,
		limited:   map[string]int{},
		failing:   map[string]string{},
		scripted:  map[string][]Answer{},
		locales:   map[string]string{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/{method}", f.serveAPI)
	mux.HandleFunc("/response/{id}", f.serveResponseURL)
	mux.HandleFunc("/upload/{id}", f.serveUpload)
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	mux.HandleFunc("/ws", func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		f.WS <- c
	})
	f.srv = httptest.NewServer(mux)
	tb.Cleanup(f.srv.Close)
	return f
}

// URL is the fake's base URL.
func (f *Server) URL() string { return f.srv.URL }

// Handler is the fake's HTTP handler, for a test that serves it elsewhere
// (behind a proxy that is down at first); its API is then at "/api/".
func (f *Server) Handler() http.Handler { return f.srv.Config.Handler }

// APIURL is what the bot's API URL is set to (slack.Config.APIURL).
func (f *Server) APIURL() string { return f.srv.URL + "/api/" }

// ResponseURL is a response_url the fake serves; its calls are recorded as
// method "response_url" with Form "id".
func (f *Server) ResponseURL(id string) string { return f.srv.URL + "/response/" + id }

// RateLimit makes the next n calls of method answer 429 with Retry-After.
func (f *Server) RateLimit(method string, n int, retryAfter string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.limited[method] = n
	f.retry = retryAfter
}

// Answer is a scripted answer to one call: Status 0 drops the connection
// (a network error), another status other than 200 is answered with an
// HTML page as a proxy would, and 200 with Code answers ok=false with that
// error code; Answer{Status: 200} serves the call as usual.
type Answer struct {
	Status int
	Code   string
}

// Script makes the next calls of method answer as given, in order (not
// recorded unless served as usual), then as usual.
func (f *Server) Script(method string, as ...Answer) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.scripted[method] = append(f.scripted[method], as...)
}

// Fail makes every call of method answer ok=false with error code.
func (f *Server) Fail(method, code string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failing[method] = code
}

// SetLocale makes users.info answer for user with locale (unknown users
// are user_not_found).
func (f *Server) SetLocale(user, locale string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.locales[user] = locale
}

// UsersInfoCalls counts the users.info calls, which are not recorded.
func (f *Server) UsersInfoCalls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.infoCalls
}

func (f *Server) record(c Call) {
	if f.onCall != nil {
		f.onCall(c)
		return
	}
	select {
	case f.Calls <- c:
	default:
		panic("Server: call log full")
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (f *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	method := r.PathValue("method")
	c := Call{Method: method, Status: http.StatusOK}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		c.JSON, _ = io.ReadAll(r.Body)
	} else {
		_ = r.ParseForm()
		c.Form = r.PostForm
		c.Token = r.PostForm.Get("token")
	}
	if c.Token == "" {
		c.Token = strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	}

	f.mu.Lock()
	var sc *Answer
	if q := f.scripted[method]; len(q) > 0 {
		sc, f.scripted[method] = &q[0], q[1:]
	}
	f.mu.Unlock()
	if sc != nil && f.scriptedAnswer(w, *sc) {
		return
	}

	f.mu.Lock()
	limited := f.limited[method] > 0
	if limited {
		f.limited[method]--
	}
	retry := f.retry
	failing := f.failing[method]
	locale, known := f.locales[c.Form.Get("user")]
	if method == "users.info" {
		f.infoCalls++
	}
	f.mu.Unlock()

	switch {
	case limited:
		f.tooMany(w, c, retry)
		return
	case failing != "":
		f.record(c)
		writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": failing})
		return
	}

	switch method {
	case "auth.test":
		if f.authTests {
			f.record(c)
		}
		writeJSON(w, 200, map[string]any{"ok": true, "user_id": "UBOT", "team": "dangol test", "team_id": "T1", "bot_id": "BBOT"})
	case "users.info":
		// Not recorded: looked up once per user, in no fixed place among
		// the calls a test waits for.
		if !known {
			writeJSON(w, 200, map[string]any{"ok": false, "error": "user_not_found"})
			return
		}
		user := c.Form.Get("user")
		writeJSON(w, 200, map[string]any{"ok": true, "user": map[string]any{
			"id": user, "name": strings.ToLower(user), "real_name": "Real " + user, "locale": locale,
			"profile": map[string]any{"display_name": "Display " + user},
		}})
	case "apps.connections.open":
		f.record(c)
		writeJSON(w, 200, map[string]any{"ok": true, "url": "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/ws"})
	case "chat.postMessage":
		f.mu.Lock()
		f.posts++
		c.TS = PostTS(f.posts)
		f.mu.Unlock()
		f.record(c)
		writeJSON(w, 200, map[string]any{"ok": true, "channel": c.Form.Get("channel"), "ts": c.TS})
	case "chat.update":
		f.record(c)
		writeJSON(w, 200, map[string]any{"ok": true, "channel": c.Form.Get("channel"), "ts": c.Form.Get("ts"), "text": c.Form.Get("text")})
	case "chat.postEphemeral":
		f.record(c)
		writeJSON(w, 200, map[string]any{"ok": true, "message_ts": "1700000000.000200"})
	case "views.open":
		f.record(c)
		writeJSON(w, 200, map[string]any{"ok": true, "view": map[string]any{"id": "V1"}})
	case "conversations.open":
		f.record(c)
		users := c.Form.Get("users")
		writeJSON(w, 200, map[string]any{"ok": true, "channel": map[string]any{"id": "D" + users}})
	case "files.getUploadURLExternal":
		f.record(c)
		// Same scheme and host as the API, or the client keeps the token.
		writeJSON(w, 200, map[string]any{"ok": true, "upload_url": f.srv.URL + "/upload/F1", "file_id": "F1"})
	case "files.completeUploadExternal":
		f.record(c)
		writeJSON(w, 200, map[string]any{"ok": true, "files": []map[string]any{{"id": "F1", "title": "chart"}}})
	default:
		f.record(c)
		writeJSON(w, 200, map[string]any{"ok": false, "error": "unknown_method"})
	}
}

// scriptedAnswer answers with a, unless a is to serve the call as usual.
func (f *Server) scriptedAnswer(w http.ResponseWriter, a Answer) bool {
	switch {
	case a.Status == 0:
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
			}
		}
	case a.Status != http.StatusOK:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(a.Status)
		_, _ = io.WriteString(w, "<html><body>Bad Gateway</body></html>")
	case a.Code != "":
		writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": a.Code})
	default:
		return false
	}
	return true
}

// tooMany records c as refused and answers 429 with Retry-After.
func (f *Server) tooMany(w http.ResponseWriter, c Call, retry string) {
	c.Status = http.StatusTooManyRequests
	f.record(c)
	w.Header().Set("Retry-After", retry)
	w.WriteHeader(http.StatusTooManyRequests)
}

func (f *Server) serveResponseURL(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	limited := f.limited["response_url"] > 0
	if limited {
		f.limited["response_url"]--
	}
	retry := f.retry
	failing := f.failing["response_url"]
	f.mu.Unlock()
	c := Call{Method: "response_url", JSON: body, Status: http.StatusOK, Form: url.Values{"id": {r.PathValue("id")}}}
	switch {
	case limited:
		f.tooMany(w, c, retry)
		return
	case failing != "":
		c.Status = http.StatusNotFound
		f.record(c)
		http.Error(w, failing, http.StatusNotFound)
		return
	}
	f.record(c)
	writeJSON(w, 200, map[string]any{"ok": true})
}

func (f *Server) serveUpload(w http.ResponseWriter, r *http.Request) {
	c := Call{Method: "upload", Status: http.StatusOK, Token: strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")}
	if file, _, err := r.FormFile("file"); err == nil {
		c.Body, _ = io.ReadAll(file)
		file.Close()
	}
	f.record(c)
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, "OK - 4")
}

// PostTS is the ts the fake gives the nth chat.postMessage it serves
// (from 1): "1700000000.000100", "1700000000.000200", … as Slack's are
// unique in a channel.
func PostTS(n int) string { return fmt.Sprintf("1700000000.%06d", n*100) }

// Next returns the next recorded call, failing the test if none comes or if
// it is not of method.
func (f *Server) Next(t testing.TB, method string) Call {
	t.Helper()
	select {
	case c := <-f.Calls:
		if c.Method != method {
			t.Fatalf("next Slack call is %s (%v %s), want %s", c.Method, c.Form, c.JSON, method)
		}
		return c
	case <-time.After(5 * time.Second):
		t.Fatalf("no %s call to the fake Slack", method)
	}
	return Call{}
}

// None fails the test if any call was recorded and not consumed. Call it
// after the bot has stopped, when nothing can still be on its way.
func (f *Server) None(t testing.TB) {
	t.Helper()
	select {
	case c := <-f.Calls:
		t.Fatalf("unexpected Slack call %s: %v %s", c.Method, c.Form, c.JSON)
	default:
	}
}

// Blocks returns the blocks of a recorded message as generic JSON.
func (c Call) Blocks(t testing.TB) []map[string]any {
	t.Helper()
	var raw string
	switch {
	case c.Form != nil && c.Form.Get("blocks") != "":
		raw = c.Form.Get("blocks")
	case c.JSON != nil:
		var m struct {
			Blocks json.RawMessage `json:"blocks"`
		}
		if err := json.Unmarshal(c.JSON, &m); err != nil {
			t.Fatalf("%s body: %v", c.Method, err)
		}
		raw = string(m.Blocks)
	default:
		t.Fatalf("%s call has no blocks", c.Method)
	}
	var out []map[string]any
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		t.Fatalf("%s blocks %s: %v", c.Method, raw, err)
	}
	return out
}

// JSONField returns a top-level field of a JSON call body.
func (c Call) JSONField(t testing.TB, name string) any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(c.JSON, &m); err != nil {
		t.Fatalf("%s body %s: %v", c.Method, c.JSON, err)
	}
	return m[name]
}

// BlockTexts flattens the visible texts of blocks, for assertions.
func BlockTexts(blocks []map[string]any) []string {
	var out []string
	for _, b := range blocks {
		if txt, ok := b["text"].(map[string]any); ok {
			out = append(out, fmt.Sprint(txt["text"]))
		}
		if els, ok := b["elements"].([]any); ok {
			for _, e := range els {
				if em, ok := e.(map[string]any); ok {
					if txt, ok := em["text"].(map[string]any); ok {
						out = append(out, fmt.Sprint(txt["text"]))
					}
				}
			}
		}
	}
	return out
}
