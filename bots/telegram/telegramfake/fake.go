package telegramfake

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// MaxBatch is the most updates one getUpdates returns, Telegram's limit.
const MaxBatch = 100

// BotID and BotUsername are who getMe says the bot is, unless
// Options.Username says otherwise.
const (
	BotID       = 123456
	BotUsername = "dangol_fake_bot"
)

// messageDate is the date of every message the fake makes or returns:
// a fixed, non-zero time (a callback's message with date 0 decodes as
// inaccessible).
const messageDate = 1764000000

// Options configure a Server.
type Options struct {
	// Token is the bot token the fake accepts; "" accepts any.
	Token string
	// Username is the bot's username for getMe; "": BotUsername.
	Username string
	// OnCall, when set, is called with every call but getUpdates, before
	// it is answered. It must be quick and safe for concurrent use.
	OnCall func(Call)
	// OnPoll, when set, is called with the offset of every getUpdates as
	// it arrives: a test waits there for the bot to have confirmed what it
	// committed.
	OnPoll func(offset int64)
	// FirstMessageID is the id of the first message the fake makes; 0: 2.
	FirstMessageID int64
}

// Failure is a scripted answer to one call (FailNext): Status 0 drops the
// connection (a network error); another status is answered with Body, a
// Bot API error such as {"ok":false,"error_code":429,...}.
type Failure struct {
	Status int
	Body   string
}

// Call is one request the bot made.
type Call struct {
	Method string
	// Fields are the request's parameters as text; a JSON object or array
	// (reply_markup, entities) is its JSON.
	Fields map[string]string
	// Files maps each uploaded file's field to its size in bytes, and
	// FileNames to the name it was uploaded with.
	Files     map[string]int
	FileNames map[string]string
	// MessageID is the message a send or an edit made or changed; 0 for
	// other methods.
	MessageID int64
	// At is when the request had been read.
	At time.Time
}

// ChatID returns the call's chat_id, 0 when it has none or it is not a
// number (a @channel name).
func (c Call) ChatID() int64 {
	n, _ := strconv.ParseInt(c.Fields["chat_id"], 10, 64)
	return n
}

// Server is the fake Bot API. It is safe for concurrent use.
type Server struct {
	opts    Options
	srv     *httptest.Server
	done    chan struct{}
	closing sync.Once

	nextMsg atomic.Int64 // message ids, shared by incoming and sent messages
	calls   atomic.Int64 // calls other than getUpdates
	polls   atomic.Int64 // getUpdates answered

	mu      sync.Mutex
	queue   []queued // not yet confirmed, ids ascending
	nextUpd int64
	arrived chan struct{} // closed and replaced by each Push
	fail    map[string][]Failure
	files   map[string][]byte // file_id -> content, served by getFile and /file/ (AddFile)
	blocked map[int64]bool    // chats whose sends answer 403 (Block)
}

// queued is one update with its id, encoded.
type queued struct {
	id    int64
	raw   json.RawMessage
	again bool // re-delivered: returned once whatever the offset
}

// New starts a Server on 127.0.0.1 at a free port.
func New(opts Options) *Server {
	if opts.Username == "" {
		opts.Username = BotUsername
	}
	s := &Server{opts: opts, done: make(chan struct{}), arrived: make(chan struct{}), fail: map[string][]Failure{},
		files: map[string][]byte{}, blocked: map[int64]bool{}}
	s.nextMsg.Store(max(opts.FirstMessageID, 2) - 1)
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// URL is the API base URL to give the bot.
func (s *Server) URL() string { return s.srv.URL }

// Handler is the fake's HTTP handler, for a test that serves it elsewhere
// (behind a proxy that is down, on an address that comes up later).
func (s *Server) Handler() http.Handler { return s.srv.Config.Handler }

// Close answers the long polls waiting, then stops the server. It is safe
// to call twice.
func (s *Server) Close() {
	s.closing.Do(func() {
		close(s.done) // release long polls first, or Close waits for them
		s.srv.Close()
	})
}

// Calls returns how many calls other than getUpdates were answered or are
// being answered.
func (s *Server) Calls() int64 { return s.calls.Load() }

// Polls returns how many getUpdates were answered.
func (s *Server) Polls() int64 { return s.polls.Load() }

// Queued returns how many pushed updates the bot has not yet confirmed (by
// a getUpdates with a higher offset).
func (s *Server) Queued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

// Push queues updates for getUpdates, in order, and returns the update ids
// it gave them. They are available at once. Push never blocks on the bot.
func (s *Server) Push(updates ...Update) ([]int64, error) {
	ids := make([]int64, len(updates))
	enc := make([]queued, len(updates))
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, u := range updates {
		id := s.nextUpd + int64(i) + 1
		raw, err := u.encode(id, s)
		if err != nil {
			return nil, fmt.Errorf("telegramfake: push update %d: %w", i, err)
		}
		enc[i], ids[i] = queued{id: id, raw: raw}, id
	}
	s.nextUpd += int64(len(updates))
	s.queue = append(s.queue, enc...)
	close(s.arrived)
	s.arrived = make(chan struct{})
	return ids, nil
}

// PushRaw queues updates given as JSON objects with their own update_id,
// as they are: ids with gaps, or the same update twice, as a test of the
// bot's side wants them (Push's ids come after the highest).
func (s *Server) PushRaw(updates ...json.RawMessage) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, raw := range updates {
		var head struct {
			ID int64 `json:"update_id"`
		}
		if err := json.Unmarshal(raw, &head); err != nil {
			return fmt.Errorf("telegramfake: push raw update %d: %w", i, err)
		}
		s.queue = append(s.queue, queued{id: head.ID, raw: raw})
		s.nextUpd = max(s.nextUpd, head.ID)
	}
	close(s.arrived)
	s.arrived = make(chan struct{})
	return nil
}

// FailNext makes the next calls of method answer with fs, in order; a
// failed call is still seen by OnCall (but a getUpdates is not).
func (s *Server) FailNext(method string, fs ...Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail[method] = append(s.fail[method], fs...)
}

// failure takes the next scripted failure of method, if any.
func (s *Server) failure(method string) *Failure {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.fail[method]
	if len(q) == 0 {
		return nil
	}
	s.fail[method] = q[1:]
	return &q[0]
}

// Redeliver queues u again under id, the update_id Push gave it, as
// Telegram sends an update again that it thinks was lost (a webhook it
// retries, a getUpdates after a crash): the next getUpdates returns it
// once, whatever its offset.
func (s *Server) Redeliver(id int64, u Update) error {
	raw, err := u.encode(id, s)
	if err != nil {
		return fmt.Errorf("telegramfake: redeliver update %d: %w", id, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queue = append(s.queue, queued{id: id, raw: raw, again: true})
	close(s.arrived)
	s.arrived = make(chan struct{})
	return nil
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if rest, ok := strings.CutPrefix(r.URL.Path, "/file/bot"); ok {
		s.serveFile(w, rest)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, method, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 || (s.opts.Token != "" && token != s.opts.Token) {
		answerErr(w, http.StatusUnauthorized, "Unauthorized")
		return
	}
	c, err := parseCall(method, r)
	if err != nil {
		answerErr(w, http.StatusBadRequest, "Bad Request: "+err.Error())
		return
	}
	if fl := s.failure(method); fl != nil {
		if method != "getUpdates" && s.opts.OnCall != nil {
			s.opts.OnCall(c)
		}
		if fl.Status == 0 {
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					_ = conn.Close()
				}
			}
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(fl.Status)
		_, _ = io.WriteString(w, fl.Body)
		return
	}
	if method == "getUpdates" {
		if s.opts.OnPoll != nil {
			offset, _ := strconv.ParseInt(c.Fields["offset"], 10, 64)
			s.opts.OnPoll(offset)
		}
		s.getUpdates(w, r, c)
		return
	}
	s.calls.Add(1)
	var result any
	switch method {
	case "getMe":
		result = map[string]any{"id": BotID, "is_bot": true, "first_name": "단골", "username": s.opts.Username,
			"can_join_groups": false, "can_read_all_group_messages": false, "supports_inline_queries": false}
	case "sendMessage", "sendPhoto", "editMessageText", "editMessageReplyMarkup":
		if c.ChatID() == 0 {
			answerErr(w, http.StatusBadRequest, "Bad Request: chat not found")
			return
		}
		if s.isBlocked(c.ChatID()) {
			if s.opts.OnCall != nil {
				s.opts.OnCall(c)
			}
			answerErr(w, http.StatusForbidden, "Forbidden: bot was blocked by the user")
			return
		}
		var m sentMessage
		c.MessageID, m = s.message(c)
		result = m
	case "answerCallbackQuery", "setMyCommands", "deleteMyCommands", "setWebhook", "deleteWebhook", "sendChatAction":
		result = true
	case "getFile":
		f, ok := s.fileInfo(c.Fields["file_id"])
		if !ok {
			answerErr(w, http.StatusBadRequest, "Bad Request: invalid file_id")
			return
		}
		result = f
	case "getWebhookInfo":
		result = map[string]any{"url": "", "has_custom_certificate": false, "pending_update_count": s.Queued()}
	default:
		answerErr(w, http.StatusNotFound, "Not Found: method not found")
		return
	}
	if s.opts.OnCall != nil {
		s.opts.OnCall(c)
	}
	answer(w, result)
}

// message is the Message Telegram returns for a send or an edit.
func (s *Server) message(c Call) (int64, sentMessage) {
	id, _ := strconv.ParseInt(c.Fields["message_id"], 10, 64)
	if id == 0 {
		id = s.nextMsg.Add(1)
	}
	m := sentMessage{
		MessageID: id,
		Date:      messageDate,
		Chat:      sentChat{ID: c.ChatID(), Type: "private"},
		From:      sentUser{ID: BotID, IsBot: true, FirstName: "단골", Username: s.opts.Username},
		Text:      c.Fields["text"],
		Caption:   c.Fields["caption"],
	}
	if c.Method == "sendPhoto" {
		m.Photo = []sentPhoto{{FileID: "photo" + strconv.FormatInt(id, 10), FileUniqueID: "p" + strconv.FormatInt(id, 10), Width: 800, Height: 600}}
	}
	if e := c.Fields["entities"]; e != "" && json.Valid([]byte(e)) {
		m.Entities = json.RawMessage(e)
	}
	// Telegram gives back an inline keyboard, not a reply keyboard.
	if rm := c.Fields["reply_markup"]; strings.Contains(rm, `"inline_keyboard"`) && json.Valid([]byte(rm)) {
		m.ReplyMarkup = json.RawMessage(rm)
	}
	return id, m
}

// sentMessage is the Message of message's answer. appendAnswer writes it
// by hand, as encoding/json would (but for HTML characters, which it
// leaves as they are): reflecting over it, and validating again the JSON
// of its keyboard and entities, was a tenth of the fake's cost in dangol
// bench (it shares the bench's cores with the bot).
type sentMessage struct {
	MessageID   int64           `json:"message_id"`
	Date        int64           `json:"date"`
	Chat        sentChat        `json:"chat"`
	From        sentUser        `json:"from"`
	Text        string          `json:"text,omitempty"`
	Caption     string          `json:"caption,omitempty"`
	Photo       []sentPhoto     `json:"photo,omitempty"`
	Entities    json.RawMessage `json:"entities,omitempty"`
	ReplyMarkup json.RawMessage `json:"reply_markup,omitempty"`
}

// appendAnswer appends the answer {"ok":true,"result":m} to b. The raw
// fields are valid JSON (message checks them).
func (m sentMessage) appendAnswer(b []byte) []byte {
	b = append(b, `{"ok":true,"result":{"message_id":`...)
	b = strconv.AppendInt(b, m.MessageID, 10)
	b = append(b, `,"date":`...)
	b = strconv.AppendInt(b, m.Date, 10)
	b = append(b, `,"chat":{"id":`...)
	b = strconv.AppendInt(b, m.Chat.ID, 10)
	b = append(b, `,"type":`...)
	b = appendString(b, m.Chat.Type)
	b = append(b, `},"from":{"id":`...)
	b = strconv.AppendInt(b, m.From.ID, 10)
	b = append(b, `,"is_bot":`...)
	b = strconv.AppendBool(b, m.From.IsBot)
	b = append(b, `,"first_name":`...)
	b = appendString(b, m.From.FirstName)
	b = append(b, `,"username":`...)
	b = appendString(b, m.From.Username)
	b = append(b, '}')
	if m.Text != "" {
		b = appendString(append(b, `,"text":`...), m.Text)
	}
	if m.Caption != "" {
		b = appendString(append(b, `,"caption":`...), m.Caption)
	}
	if len(m.Photo) > 0 {
		photo, _ := json.Marshal(m.Photo) // plain fields: it cannot fail
		b = append(append(b, `,"photo":`...), photo...)
	}
	if len(m.Entities) > 0 {
		b = append(append(b, `,"entities":`...), m.Entities...)
	}
	if len(m.ReplyMarkup) > 0 {
		b = append(append(b, `,"reply_markup":`...), m.ReplyMarkup...)
	}
	return append(b, "}}"...)
}

// appendString appends s to b as a JSON string: quotes, backslashes and
// control characters escaped, a byte that is not UTF-8 written as U+FFFD,
// as encoding/json does; U+2028 and U+2029 escaped too, as it does for
// JavaScript.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(append(b, s[start:]...), '"')
}

type sentChat struct {
	ID   int64  `json:"id"`
	Type string `json:"type"`
}

type sentUser struct {
	ID        int64  `json:"id"`
	IsBot     bool   `json:"is_bot"`
	FirstName string `json:"first_name"`
	Username  string `json:"username"`
}

type sentPhoto struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
}

// getUpdates answers with the queued updates at or after offset, or waits
// up to timeout seconds for some.
func (s *Server) getUpdates(w http.ResponseWriter, r *http.Request, c Call) {
	offset, _ := strconv.ParseInt(c.Fields["offset"], 10, 64)
	limit, _ := strconv.Atoi(c.Fields["limit"])
	if limit <= 0 || limit > MaxBatch {
		limit = MaxBatch
	}
	timeout, _ := strconv.Atoi(c.Fields["timeout"])
	var expire <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(time.Duration(timeout) * time.Second)
		defer t.Stop()
		expire = t.C
	}
	for {
		s.mu.Lock()
		// Confirmed updates are forgotten; one re-delivered goes once. The
		// scan stops at a full batch and what it keeps moves up against
		// the rest, which stays where it is: a poll costs its batch, not
		// the whole queue (20,000 updates queued at once made each poll
		// copy all of them, and the polls of one chat quadratic).
		q := s.queue
		var batch []json.RawMessage
		var kept []queued
		i := 0
		for ; i < len(q) && len(batch) < limit; i++ {
			switch e := q[i]; {
			case e.again:
				batch = append(batch, e.raw)
			case e.id >= offset:
				batch = append(batch, e.raw)
				kept = append(kept, e)
			}
		}
		start := i - len(kept)
		copy(q[start:i], kept)
		s.queue = q[start:]
		arrived := s.arrived
		s.mu.Unlock()
		if len(batch) > 0 || timeout <= 0 {
			s.polls.Add(1)
			answerUpdates(w, batch)
			return
		}
		select {
		case <-arrived:
		case <-expire:
			s.polls.Add(1)
			answerUpdates(w, batch)
			return
		case <-r.Context().Done():
			return
		case <-s.done:
			answerUpdates(w, batch)
			return
		}
	}
}

// answer writes {"ok":true,"result":…}: a message (every send and edit)
// and true (a press answered, a command list set) written by hand, the
// rest by encoding/json.
func answer(w http.ResponseWriter, result any) {
	var body []byte
	switch r := result.(type) {
	case sentMessage:
		body = r.appendAnswer(make([]byte, 0, 256+len(r.Text)+len(r.Caption)+len(r.Entities)+len(r.ReplyMarkup)))
	case bool:
		body = strconv.AppendBool([]byte(`{"ok":true,"result":`), r)
		body = append(body, '}')
	default:
		var err error
		if body, err = json.Marshal(map[string]any{"ok": true, "result": result}); err != nil {
			answerErr(w, http.StatusInternalServerError, "Internal Server Error: "+err.Error())
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
}

// answerUpdates answers a getUpdates with batch, each update's JSON as it
// was queued (valid JSON: the fake encoded it, or PushRaw decoded it), put
// together by hand: json.Marshal would scan and compact every update of
// every batch again, the largest part of the fake's cost in dangol bench.
func answerUpdates(w http.ResponseWriter, batch []json.RawMessage) {
	n := len(`{"ok":true,"result":[]}`)
	for _, u := range batch {
		n += len(u) + 1
	}
	body := make([]byte, 0, n)
	body = append(body, `{"ok":true,"result":[`...)
	for i, u := range batch {
		if i > 0 {
			body = append(body, ',')
		}
		body = append(body, u...)
	}
	body = append(body, "]}"...)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
}

func answerErr(w http.ResponseWriter, code int, desc string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]any{"ok": false, "error_code": code, "description": desc})
}

// maxBody bounds a request body; Telegram's own limit for uploads is 50 MB.
const maxBody = 50 << 20

// parseCall reads a request's parameters the way Telegram does:
// multipart/form-data (what go-telegram/bot sends), a URL-encoded form,
// JSON, or the query string of an empty body.
func parseCall(method string, r *http.Request) (Call, error) {
	c := Call{Method: method, Fields: map[string]string{}, Files: map[string]int{}, FileNames: map[string]string{}}
	if r.URL.RawQuery != "" {
		for k, v := range r.URL.Query() {
			c.Fields[k] = v[0]
		}
	}
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		c.At = time.Now()
		return c, nil
	}
	mt, boundary := "multipart/form-data", ""
	if b, ok := strings.CutPrefix(ct, "multipart/form-data; boundary="); ok && plainBoundary(b) {
		boundary = b // as multipart.Writer writes it: mime's parser not needed
	} else {
		var params map[string]string
		var err error
		if mt, params, err = mime.ParseMediaType(ct); err != nil {
			return c, fmt.Errorf("content type %q: %w", ct, err)
		}
		boundary = params["boundary"]
	}
	body := http.MaxBytesReader(nil, r.Body, maxBody)
	var err error
	switch mt {
	case "multipart/form-data":
		err = readMultipart(&c, body, r.ContentLength, boundary)
	case "application/x-www-form-urlencoded":
		err = readForm(&c, body)
	case "application/json":
		err = readJSON(&c, body)
	default:
		err = fmt.Errorf("content type %q not supported", mt)
	}
	c.At = time.Now()
	return c, err
}

// plainBoundary reports whether b is a boundary that needs no quoting and
// no parser: 1 to 70 letters, digits or the few marks RFC 2046 allows
// unquoted (multipart.Writer's are hex).
func plainBoundary(b string) bool {
	if len(b) == 0 || len(b) > 70 {
		return false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// readMultipart reads a multipart/form-data body of size bytes (-1:
// unknown) into c. The parts go-telegram/bot writes (a Content-Disposition
// with a plain name, and a Content-Type for a file) are split by hand
// (splitMultipart); a body in any other shape is read by mime/multipart,
// whose header parsing per part was most of the fake's cost in dangol
// bench.
func readMultipart(c *Call, body io.Reader, size int64, boundary string) error {
	var b []byte
	var err error
	if size > 0 && size <= maxBody {
		// Its length known: read in one buffer of that size, not grown
		// from 512 bytes as io.ReadAll does.
		b = make([]byte, size)
		_, err = io.ReadFull(body, b)
	} else {
		b, err = io.ReadAll(body)
	}
	if err != nil {
		return fmt.Errorf("multipart: %w", err)
	}
	if splitMultipart(c, b, boundary) {
		return nil
	}
	return readMultipartParts(c, bytes.NewReader(b), boundary)
}

// splitMultipart fills c from b when b is in the plain shape
// multipart.Writer gives go-telegram/bot's fields and files, and reports
// whether it was; c is left as it was when it was not.
func splitMultipart(c *Call, b []byte, boundary string) bool {
	if len(b) == 0 {
		return len(c.Fields) == 0 && len(c.Files) == 0 // no parameters: no body
	}
	if boundary == "" {
		return false
	}
	delim := "--" + boundary
	rest, ok := bytes.CutPrefix(b, []byte(delim+"\r\n"))
	if !ok {
		return false
	}
	type part struct {
		name, file string
		value      []byte
	}
	var room [8]part // a send has 4 to 6 fields: no slice grown for them
	parts := room[:0]
	sep := []byte("\r\n" + delim)
	for {
		head, after, ok := bytes.Cut(rest, []byte("\r\n\r\n"))
		if !ok {
			return false
		}
		var p part
		for len(head) > 0 {
			var line []byte
			line, head, _ = bytes.Cut(head, []byte("\r\n"))
			k, v, ok := bytes.Cut(line, []byte(": "))
			switch {
			case !ok:
				return false
			case string(k) == "Content-Type" && string(v) == "application/octet-stream":
			case string(k) == "Content-Disposition":
				if p.name, p.file, ok = plainDisposition(v); !ok {
					return false
				}
			default:
				return false
			}
		}
		if p.name == "" {
			return false
		}
		i := bytes.Index(after, sep)
		if i < 0 {
			return false
		}
		p.value, rest = after[:i], after[i+len(sep):]
		parts = append(parts, p)
		if tail, ok := bytes.CutPrefix(rest, []byte("--")); ok {
			if len(tail) != 0 && string(tail) != "\r\n" {
				return false
			}
			break
		}
		if rest, ok = bytes.CutPrefix(rest, []byte("\r\n")); !ok {
			return false
		}
	}
	for _, p := range parts {
		if p.file != "" {
			c.Files[p.name] = len(p.value)
			c.FileNames[p.name] = p.file
			continue
		}
		c.Fields[p.name] = string(p.value)
	}
	return true
}

// plainDisposition reads `form-data; name="x"` or `form-data; name="x";
// filename="y"` with no quote or backslash escaped inside; ok is false for
// anything else.
func plainDisposition(v []byte) (name, file string, ok bool) {
	rest, ok := bytes.CutPrefix(v, []byte(`form-data; name="`))
	if !ok {
		return "", "", false
	}
	n, rest, ok := bytes.Cut(rest, []byte(`"`))
	if !ok || bytes.IndexByte(n, '\\') >= 0 {
		return "", "", false
	}
	if len(rest) == 0 {
		return fieldName(n), "", true
	}
	rest, ok = bytes.CutPrefix(rest, []byte(`; filename="`))
	if !ok {
		return "", "", false
	}
	f, rest, ok := bytes.Cut(rest, []byte(`"`))
	if !ok || len(rest) != 0 || len(f) == 0 || bytes.ContainsAny(f, `\/`) { // mime/multipart keeps a path's base
		return "", "", false
	}
	return fieldName(n), string(f), true
}

// fieldName is a part's name as a string: one of the names go-telegram/bot
// sends on every call without a copy, any other name copied.
func fieldName(n []byte) string {
	switch string(n) { // compared without a copy
	case "chat_id":
		return "chat_id"
	case "text":
		return "text"
	case "entities":
		return "entities"
	case "link_preview_options":
		return "link_preview_options"
	case "reply_markup":
		return "reply_markup"
	case "message_id":
		return "message_id"
	case "callback_query_id":
		return "callback_query_id"
	case "offset":
		return "offset"
	case "timeout":
		return "timeout"
	case "allowed_updates":
		return "allowed_updates"
	}
	return string(n)
}

// readMultipartParts reads body with mime/multipart.
func readMultipartParts(c *Call, body io.Reader, boundary string) error {
	mr := multipart.NewReader(body, boundary)
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			// go-telegram/bot sends a method without parameters with an
			// empty body, which has no first boundary either.
			if len(c.Fields) == 0 && len(c.Files) == 0 && strings.Contains(err.Error(), "EOF") {
				return nil
			}
			return fmt.Errorf("multipart: %w", err)
		}
		var buf bytes.Buffer
		n, err := io.Copy(&buf, p)
		if err != nil {
			return fmt.Errorf("multipart part %s: %w", p.FormName(), err)
		}
		if p.FileName() != "" {
			c.Files[p.FormName()] = int(n)
			c.FileNames[p.FormName()] = p.FileName()
			continue
		}
		c.Fields[p.FormName()] = buf.String()
	}
}

func readForm(c *Call, body io.Reader) error {
	b, err := io.ReadAll(body)
	if err != nil {
		return fmt.Errorf("read form: %w", err)
	}
	v, err := url.ParseQuery(string(b))
	if err != nil {
		return fmt.Errorf("form: %w", err)
	}
	for k, vs := range v {
		c.Fields[k] = vs[0]
	}
	return nil
}

func readJSON(c *Call, body io.Reader) error {
	var m map[string]json.RawMessage
	if err := json.NewDecoder(body).Decode(&m); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("json: %w", err)
	}
	for k, raw := range m {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			c.Fields[k] = s
			continue
		}
		c.Fields[k] = string(raw)
	}
	return nil
}

// Buttons returns the callback data of the inline keyboard a send or an
// edit carried, row after row; nil when it had none.
func (c Call) Buttons() []string {
	rm := c.Fields["reply_markup"]
	if !strings.Contains(rm, `"inline_keyboard"`) {
		return nil
	}
	if out, ok := scanButtons(rm); ok {
		return out
	}
	var kb struct {
		Rows [][]struct {
			Data string `json:"callback_data"`
		} `json:"inline_keyboard"`
	}
	if json.Unmarshal([]byte(rm), &kb) != nil {
		return nil
	}
	var out []string
	for _, row := range kb.Rows {
		for _, b := range row {
			out = append(out, b.Data)
		}
	}
	return out
}

// scanButtons reads the callback data of a keyboard encoded as
// encoding/json writes it, compact, `{"inline_keyboard":[[`, with no
// escape in any callback data, in one pass instead of decoding it (a bench
// customer reads every keyboard the bot sends). ok is false for anything
// else, which Buttons then decodes. In compact JSON `"callback_data":"`
// cannot occur inside a string: a quote there is escaped.
func scanButtons(rm string) (out []string, ok bool) {
	if !strings.HasPrefix(rm, `{"inline_keyboard":[[`) {
		return nil, false
	}
	const key = `"callback_data":"`
	for rest := rm; ; {
		i := strings.Index(rest, key)
		if i < 0 {
			return out, len(out) > 0
		}
		rest = rest[i+len(key):]
		end := strings.IndexByte(rest, '"')
		if end < 0 || strings.IndexByte(rest[:end], '\\') >= 0 {
			return nil, false
		}
		out = append(out, rest[:end])
		rest = rest[end:]
	}
}
