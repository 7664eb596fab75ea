package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/dangol/dangol/bots/relay"
)

// runPolling long-polls getUpdates until ctx is done.
//
// go-telegram/bot moves its offset as soon as an update is queued, and
// Telegram forgets every update below the offset of the next getUpdates. So
// the poller's HTTP client never sends an offset above an update still in
// flight (gatedClient): while one is, it asks from it, Telegram sends it
// again with what is new, and the poller skips what it has already taken.
// A crash or kill -9 then loses nothing, Telegram sends the rest again,
// and the engine's event ids make the re-sent ones that were committed a
// no-op; and no chat waits for another's slow update to be fetched. Polling
// starts after the last update the ledger committed
// (bot.WithInitialOffset(n) asks for offset n+1).
//
// While Telegram cannot be reached the poller's client waits out
// Config.Reconnect's back-off between getUpdates (beside the library's own
// pause of up to 5 s) and the failures are logged once a minute at most; a
// 401 from getUpdates, a token revoked while serving, ends the run through
// fail.
func (b *Bot) runPolling(ctx context.Context, fail context.CancelCauseFunc) error {
	err := b.until(ctx, "deleteWebhook", func(ctx context.Context) error {
		_, err := b.api.DeleteWebhook(ctx, &bot.DeleteWebhookParams{})
		return err
	})
	if err != nil {
		return fmt.Errorf("telegram: leave webhook mode: %w", err)
	}
	var last int64
	if b.cfg.LastUpdateID != nil {
		if last, err = b.cfg.LastUpdateID(ctx); err != nil {
			return fmt.Errorf("telegram: read last update id: %w", err)
		}
	}
	b.offs.setHighest(last)
	poller, err := bot.New(b.cfg.Token,
		bot.WithServerURL(b.cfg.APIURL),
		bot.WithSkipGetMe(),
		bot.WithInitialOffset(last),
		// The relay's per-chat queues order the work; the library's single
		// worker only hands each update over, in order.
		bot.WithNotAsyncHandlers(),
		bot.WithDefaultHandler(func(ctx context.Context, _ *bot.Bot, u *models.Update) {
			if !b.offs.fresh(u.ID) {
				return // fetched again while in flight, or already handled
			}
			if _, err := b.take(ctx, u); err != nil {
				b.log.Info("telegram: update left for after restart", "update_id", u.ID, "err", err)
			}
		}),
		bot.WithHTTPClient(b.cfg.PollTimeout, &gatedClient{
			inner: relay.Direct{Transport: relay.Deadline(b.transport(), b.cfg.PollTimeout+15*time.Second)},
			offs:  b.offs,
			b:     b,
		}),
		bot.WithAllowedUpdates(allowedUpdates),
		bot.WithErrorsHandler(func(err error) {
			switch {
			case errors.Is(err, errUnreachable):
				// Counted and logged, once a minute at most, by the client.
			case errors.Is(err, bot.ErrorUnauthorized):
				fail(fmt.Errorf("%w: getUpdates: %w", ErrTokenRejected, err))
			case ctx.Err() != nil:
				// A stop cut the call short; that is no fault.
			default:
				b.log.Warn("telegram: polling", "err", err)
			}
		}),
	)
	if err != nil {
		return fmt.Errorf("telegram: new poller: %w", err)
	}
	b.log.Info("telegram: polling", "bot", "@"+b.username(), "after_update", last)
	poller.Start(ctx)
	return nil
}

// aheadPause is how long, at most, the poller waits for an update in
// flight to be done (or another taken) before it fetches again while
// updates are in flight: the in-flight ones come back at once, so without
// it the poller would ask Telegram in a tight loop. It bounds how late a
// new update is seen while another chat's update is slow.
//
// The wait comes before every getUpdates ahead, the first after a batch
// too: that one used to go at once and bring back only the batch still in
// flight (at one chat, every update cost two getUpdates, half of its
// CPU). Under load an update is done every fraction of a millisecond, so
// the wait is short; alone, it ends when the update is done, and the next
// getUpdates is a plain long poll.
const aheadPause = 20 * time.Millisecond

// stalledPause is how long, at most, the poller waits for an update in
// flight to be done when the last getUpdates ahead was stalled: it brought
// back a whole batch, every one of them already taken. Nothing new can
// come before one of them is done (Telegram sends a batch from the
// earliest in flight), so fetching again is useless until then: this is
// the poller stopping while intake is full (the outbox over its limit, the
// platform refusing the answers), not a delay. The bound is a safety net.
const stalledPause = time.Minute

// defaultBatch is how many updates a getUpdates brings at most when it
// names no limit: Telegram's default (and most).
const defaultBatch = 100

// gatedClient is the poller's HTTP client. It never lets a getUpdates
// confirm an update still in flight, yet never waits for one: while
// updates are in flight it asks from the earliest of them (offset = its
// id), so Telegram keeps them and sends them again with whatever is new,
// and the poller skips those it has. After a getUpdates that did not reach
// Telegram it waits the back-off.
type gatedClient struct {
	inner relay.Direct
	offs  *offsets
	b     *Bot
	fails atomic.Int64 // getUpdates in a row that did not reach Telegram
	// stalled: the last getUpdates ahead brought a whole batch back, all of
	// it taken (stalledPause).
	stalled atomic.Bool
}

// Do implements bot.HttpClient.
func (g *gatedClient) Do(req *http.Request) (*http.Response, error) {
	if !strings.HasSuffix(req.URL.Path, "/getUpdates") {
		return g.inner.Do(req)
	}
	ctx := req.Context()
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, fmt.Errorf("telegram: read getUpdates request: %w", err)
	}
	_ = req.Body.Close()
	ct := req.Header.Get("Content-Type")
	fields, order := formFields(ct, body)
	offset, _ := strconv.ParseInt(fields["offset"], 10, 64)
	if n := g.fails.Load(); n > 0 {
		if err := g.b.cfg.Reconnect.Wait(ctx, int(n)); err != nil {
			return nil, err
		}
	}
	// The library's offset confirms what it has received; it may ask
	// before its handler has taken all of it.
	if err := g.offs.waitTaken(ctx, offset); err != nil {
		return nil, err
	}
	// The change is watched from before the in-flight updates are read,
	// so one done meanwhile still ends the wait.
	changed := g.offs.changes()
	low := g.offs.lowestPending()
	ahead := low > 0 && (offset == 0 || low < offset)
	if ahead {
		pause := aheadPause
		if g.stalled.Load() {
			pause = stalledPause
		}
		if err := waitOn(ctx, changed, pause); err != nil {
			return nil, err
		}
		if low = g.offs.lowestPending(); low == 0 || (offset != 0 && low >= offset) {
			ahead = false // all done meanwhile: a plain long poll
		} else {
			fields["offset"] = strconv.FormatInt(low, 10)
			body, ct = multipartForm(fields, order)
		}
	}
	known := g.offs.highestTaken()
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.ContentLength = int64(len(body))
	req.Header.Set("Content-Type", ct)
	resp, err := g.inner.Do(req)
	if err != nil {
		return nil, g.pollFailed(ctx, err)
	}
	resp, err = g.pollAnswered(ctx, resp)
	if err != nil || !ahead {
		g.stalled.Store(false)
		return resp, err
	}
	batch, err := strconv.Atoi(fields["limit"])
	if err != nil || batch <= 0 {
		batch = defaultBatch
	}
	return g.noteNew(resp, known, batch)
}

// noteNew hands the answer of a getUpdates ahead on without the updates
// already taken (at or below known): Telegram sends every update in
// flight again with each getUpdates ahead, and the library would decode
// each of them in full only for the handler to skip it (offsets.fresh).
// Ids come in ascending order and the highest taken only grows, so an
// update at or below known is one the handler would skip. An answer of a
// whole batch (batch updates) with none new stalls the poller until one in
// flight is done (stalledPause).
func (g *gatedClient) noteNew(resp *http.Response, known int64, batch int) (*http.Response, error) {
	raw, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("telegram: read getUpdates answer: %w", err)
	}
	raw, fresh, n := dropTakenN(raw, known)
	g.stalled.Store(!fresh && n >= batch)
	resp.Body = io.NopCloser(bytes.NewReader(raw))
	resp.ContentLength = int64(len(raw))
	return resp, nil
}

// dropTaken returns a getUpdates answer without its updates at or below
// known, and whether any update was above it. An answer it cannot read (an
// error, a shape it does not know) goes on as it is, for the library to
// report.
func dropTaken(raw []byte, known int64) ([]byte, bool) {
	out, fresh, _ := dropTakenN(raw, known)
	return out, fresh
}

// dropTakenN is dropTaken that also says how many updates the answer
// brought, taken or not.
func dropTakenN(raw []byte, known int64) ([]byte, bool, int) {
	ups, ok := scanUpdates(raw)
	if !ok {
		return dropTakenDecoded(raw, known)
	}
	keep := 0
	for _, u := range ups {
		if u.id > known {
			keep++
		}
	}
	switch keep {
	case len(ups):
		return raw, keep > 0, len(ups)
	case 0:
		return []byte(`{"ok":true,"result":[]}`), false, len(ups)
	}
	out := append(make([]byte, 0, len(raw)), `{"ok":true,"result":[`...)
	n := 0
	for _, u := range ups {
		if u.id <= known {
			continue
		}
		if n > 0 {
			out = append(out, ',')
		}
		out = append(out, raw[u.from:u.to]...)
		n++
	}
	return append(out, "]}"...), true, len(ups)
}

// dropTakenDecoded is dropTakenN for an answer scanUpdates does not take:
// through encoding/json, which reads any JSON.
func dropTakenDecoded(raw []byte, known int64) ([]byte, bool, int) {
	var ids struct {
		OK     bool `json:"ok"`
		Result []struct {
			ID int64 `json:"update_id"`
		} `json:"result"`
	}
	if json.Unmarshal(raw, &ids) != nil || !ids.OK {
		return raw, false, 0
	}
	keep := 0
	for _, u := range ids.Result {
		if u.ID > known {
			keep++
		}
	}
	if keep == len(ids.Result) {
		return raw, keep > 0, len(ids.Result)
	}
	if keep == 0 {
		return []byte(`{"ok":true,"result":[]}`), false, len(ids.Result)
	}
	var all struct {
		Result []json.RawMessage `json:"result"`
	}
	if json.Unmarshal(raw, &all) != nil || len(all.Result) != len(ids.Result) {
		return raw, true, len(ids.Result)
	}
	out := append(make([]byte, 0, len(raw)), `{"ok":true,"result":[`...)
	n := 0
	for i, u := range all.Result {
		if ids.Result[i].ID <= known {
			continue
		}
		if n > 0 {
			out = append(out, ',')
		}
		out = append(out, u...)
		n++
	}
	return append(out, "]}"...), true, len(ids.Result)
}

// scannedUpdate is one update of a getUpdates answer: its id, and where
// its JSON is in the answer (raw[from:to]).
type scannedUpdate struct {
	id       int64
	from, to int
}

// scanUpdates finds the updates of a getUpdates answer in the shape
// Telegram writes it (`{"ok":true,"result":[` then objects, each with an
// integer update_id among its top-level keys) in one pass, without
// decoding them: encoding/json read the whole answer once here and the
// library reads it again, about 5% of the open loop's CPU. ok is false for
// anything else (an error, odd spacing, an escaped or differently cased
// key), which dropTakenDecoded then reads. It checks the shape, not that
// the JSON is valid: an answer that is not goes on to the library, which
// reports it, as it did before.
func scanUpdates(raw []byte) (ups []scannedUpdate, ok bool) {
	const head = `{"ok":true,"result":[`
	if !bytes.HasPrefix(raw, []byte(head)) {
		return nil, false
	}
	i := len(head)
	if i < len(raw) && raw[i] == ']' {
		return nil, string(raw[i:]) == "]}"
	}
	for {
		u, next, ok := scanUpdate(raw, i)
		if !ok {
			return nil, false
		}
		ups = append(ups, u)
		switch {
		case next < len(raw) && raw[next] == ',':
			i = next + 1
		case string(raw[next:]) == "]}":
			return ups, true
		default:
			return nil, false
		}
	}
}

// scanUpdate reads the object starting at raw[i]: its update_id and its
// end.
func scanUpdate(raw []byte, i int) (u scannedUpdate, next int, ok bool) {
	if i >= len(raw) || raw[i] != '{' {
		return u, 0, false
	}
	u.from = i
	depth, key, found := 0, false, false
	for j := i; j < len(raw); j++ {
		switch c := raw[j]; c {
		case '"':
			end := j + 1
			for end < len(raw) && raw[end] != '"' {
				if raw[end] == '\\' {
					end++
				}
				end++
			}
			if end >= len(raw) {
				return u, 0, false
			}
			if depth == 1 && key {
				key = false
				name := raw[j+1 : end]
				if bytes.EqualFold(name, []byte("update_id")) || bytes.IndexByte(name, '\\') >= 0 {
					if found || string(name) != "update_id" {
						return u, 0, false // twice, cased or escaped: encoding/json decides
					}
					id, after, ok := scanInt(raw, end+1)
					if !ok {
						return u, 0, false
					}
					u.id, found, end = id, true, after-1
				}
			}
			j = end
		case '{', '[':
			depth++
			key = c == '{' && depth == 1
		case '}', ']':
			depth--
			if depth == 0 {
				u.to = j + 1
				return u, j + 1, found
			}
		case ',':
			key = depth == 1
		}
	}
	return u, 0, false
}

// scanInt reads `:` and an integer right after it at raw[i], ending at a
// ',' or '}'; after is where that ending is.
func scanInt(raw []byte, i int) (n int64, after int, ok bool) {
	if i >= len(raw) || raw[i] != ':' {
		return 0, 0, false
	}
	j := i + 1
	for j < len(raw) && (raw[j] == '-' || raw[j] >= '0' && raw[j] <= '9') {
		j++
	}
	if j >= len(raw) || (raw[j] != ',' && raw[j] != '}') {
		return 0, 0, false
	}
	n, err := strconv.ParseInt(string(raw[i+1:j]), 10, 64)
	if err != nil {
		return 0, 0, false
	}
	return n, j, true
}

// formFields reads the fields of a multipart/form-data body, and their
// order; none if it cannot be read. A body as multipart.Writer writes
// go-telegram/bot's fields is read by hand (plainFields), anything else by
// mime/multipart, whose header parsing of every part was most of the cost
// of a getUpdates at one chat.
func formFields(contentType string, body []byte) (map[string]string, []string) {
	if b, ok := strings.CutPrefix(contentType, "multipart/form-data; boundary="); ok && plainBoundary(b) {
		if fields, order, ok := plainFields(body, b); ok {
			return fields, order
		}
	}
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return map[string]string{}, nil
	}
	return mimeFields(body, params["boundary"])
}

// mimeFields reads the fields of a multipart body with boundary through
// mime/multipart, values trimmed, the last of a repeated name kept, in the
// order of first appearance: what plainFields must agree with.
func mimeFields(body []byte, boundary string) (map[string]string, []string) {
	fields := map[string]string{}
	var order []string
	r := multipart.NewReader(bytes.NewReader(body), boundary)
	for {
		p, err := r.NextPart()
		if err != nil {
			return fields, order
		}
		v, _ := io.ReadAll(io.LimitReader(p, maxField))
		if _, ok := fields[p.FormName()]; !ok {
			order = append(order, p.FormName())
		}
		fields[p.FormName()] = strings.TrimSpace(string(v))
	}
}

// maxField is the most of a field's value formFields reads.
const maxField = 1 << 16

// plainBoundary reports whether b is a boundary as multipart.Writer makes
// them (letters and digits, at most 70), which needs no quoting.
func plainBoundary(b string) bool {
	if b == "" || len(b) > 70 {
		return false
	}
	for i := 0; i < len(b); i++ {
		if c := b[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// plainName reports whether a field's name is one the Bot API could have:
// letters, digits and underscores. Anything else (a quote, an escape, a
// control character) is mime/multipart's to read.
func plainName(n []byte) bool {
	if len(n) == 0 {
		return false
	}
	for _, c := range n {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_') {
			return false
		}
	}
	return true
}

// plainFields reads body when it holds only fields written by
// multipart.Writer.WriteField (a Content-Disposition with a plain name,
// plainName, no other header), as formFields would: values trimmed, the last of a
// repeated name kept, the order of first appearance. ok is false for any
// other body (a file, an escaped name, a value over maxField), which
// formFields leaves to mime/multipart.
func plainFields(body []byte, boundary string) (fields map[string]string, order []string, ok bool) {
	const head = "Content-Disposition: form-data; name=\""
	delim := "--" + boundary
	rest, ok := bytes.CutPrefix(body, []byte(delim+"\r\n"))
	if !ok {
		return nil, nil, false
	}
	sep := []byte("\r\n" + delim)
	fields = map[string]string{}
	for {
		r, ok := bytes.CutPrefix(rest, []byte(head))
		if !ok {
			return nil, nil, false
		}
		name, r, ok := bytes.Cut(r, []byte("\"\r\n\r\n"))
		if !ok || !plainName(name) {
			return nil, nil, false
		}
		i := bytes.Index(r, sep)
		if i < 0 || i > maxField {
			return nil, nil, false
		}
		n := string(name)
		if _, seen := fields[n]; !seen {
			order = append(order, n)
		}
		fields[n] = strings.TrimSpace(string(r[:i]))
		rest = r[i+len(sep):]
		if string(rest) == "--\r\n" || string(rest) == "--" {
			return fields, order, true
		}
		if rest, ok = bytes.CutPrefix(rest, []byte("\r\n")); !ok {
			return nil, nil, false
		}
	}
}

// multipartForm writes fields, in order (a field not in order last), as a
// multipart/form-data body and returns it with its content type.
func multipartForm(fields map[string]string, order []string) ([]byte, string) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if !slices.Contains(order, "offset") {
		order = append(order, "offset")
	}
	for _, name := range order {
		_ = w.WriteField(name, fields[name])
	}
	_ = w.Close()
	return buf.Bytes(), w.FormDataContentType()
}
