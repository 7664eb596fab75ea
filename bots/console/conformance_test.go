package console_test

import (
	"context"
	"io"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dangol/dangol/bots/console"
	"github.com/dangol/dangol/bots/relay/relaytest"
	"github.com/dangol/dangol/locales"
)

// TestConformance runs the adapter contract's suite on the console: each
// user is a customer the console speaks as (":as customer uN"), reading
// lines from a pipe and writing what a chat would show.
func TestConformance(t *testing.T) {
	cat := locales.MustLoad()
	relaytest.Run(t, relaytest.Options{Channel: console.Channel, Sequential: true}, func(t *testing.T, e *relaytest.Engine) relaytest.Platform {
		p := &conPlatform{cat: cat, engine: e, out: newTranscript(cat)}
		in, w := io.Pipe()
		p.w = w
		c := console.New(console.Config{In: in, Out: p.out, Handler: e, Catalog: cat, Quiet: true,
			EventPrefix: "console:suite", Logger: slog.New(slog.DiscardHandler)})
		stop := relaytest.Start(t, c.Run)
		p.stop = func() {
			stop()
			_ = w.Close()
			p.out.end()
		}
		return p
	})
}

// conPlatform is the suite's view of a console. Every message is sent as
// ":as customer uN", the line, and ":as customer uN" again: the speaker's
// confirmations frame what the line was answered with.
type conPlatform struct {
	cat    *locales.Catalog
	engine *relaytest.Engine
	w      *io.PipeWriter
	out    *transcript
	stop   func()

	mu    sync.Mutex // one message at a time, as a person types
	lines []string   // every line written, for a replay
}

// conDelivery is how many lines had been written, the delivered one last.
type conDelivery int

func (p *conPlatform) UserID(user string) string { return user }

func (p *conPlatform) write(t *testing.T, user, line string) any {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	as := ":as customer " + user
	p.lines = append(p.lines, as, line)
	d := conDelivery(len(p.lines))
	p.lines = append(p.lines, as)
	if _, err := io.WriteString(p.w, as+"\n"+line+"\n"+as+"\n"); err != nil {
		t.Fatal(err)
	}
	return d
}

func (p *conPlatform) Say(t *testing.T, user, text string) any { return p.write(t, user, text) }

// Press types the number the console shows before the button, as a person
// does.
func (p *conPlatform) Press(t *testing.T, user, payload string) any {
	n, ok := p.out.button(user, payload)
	if !ok {
		t.Fatalf("no button %q was shown to %s", payload, user)
	}
	return p.write(t, user, strconv.Itoa(n))
}

// Redeliver runs a second console with the same event prefix over the
// lines written up to the delivery, as a restarted console reading the same
// script: every line comes again with its event id. It may answer nothing.
func (p *conPlatform) Redeliver(t *testing.T, d any) {
	p.mu.Lock()
	lines := append([]string(nil), p.lines[:int(d.(conDelivery))]...)
	p.mu.Unlock()
	var out strings.Builder
	c := console.New(console.Config{In: strings.NewReader(strings.Join(lines, "\n") + "\n"), Out: &out, Handler: p.engine,
		Catalog: p.cat, Quiet: true, EventPrefix: "console:suite", Logger: slog.New(slog.DiscardHandler)})
	if err := c.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if !p.out.isAs(l) {
			t.Errorf("the replayed lines were answered: %q", l)
		}
	}
}

func (p *conPlatform) Next(t *testing.T, user string) relaytest.Shown {
	t.Helper()
	select {
	case s := <-p.out.inbox(user):
		return s
	case <-time.After(relaytest.Wait):
		t.Fatalf("nothing shown to %s within %v", user, relaytest.Wait)
		return relaytest.Shown{}
	}
}

func (p *conPlatform) Stop(*testing.T) { p.stop() }

// transcript reads the console's output line by line and hands each
// message to the user it was shown to: the current speaker, or the user
// named in a "→ [고객 uN]" address. A message ends at the next line
// that is not its buttons.
type transcript struct {
	as      *regexp.Regexp // the speaker's confirmation, naming them
	to      *regexp.Regexp // a message to a console user
	buttons *regexp.Regexp // one "[n] label" of a button line

	mu      sync.Mutex
	partial string
	speaker string
	open    *relaytest.Shown // the message still being read
	openFor string
	numbers map[string]map[string]int // user -> payload -> the number that presses it
	inboxes map[string]chan relaytest.Shown
}

func newTranscript(cat *locales.Catalog) *transcript {
	// The Korean confirmation names the speaker with the particle their
	// name takes ('u1'로, 'u0'으로); NAME takes 로, and stands for either.
	as := cat.Text("ko", "console.as.done", map[string]any{"Role": cat.Text("ko", "console.role.customer", nil), "Name": "NAME"})
	// The suite's users speak as customers, so a message to one is
	// addressed "→ [고객 uN]" (console.to.customer).
	to := cat.Text("ko", "console.to.customer", map[string]any{"User": "NAME"})
	pattern := func(s, name string) *regexp.Regexp {
		q := strings.Replace(regexp.QuoteMeta(s), "'NAME'로", "'"+name+"'(?:으로|로)", 1)
		return regexp.MustCompile("^" + strings.Replace(q, "NAME", name, 1))
	}
	return &transcript{
		as:      pattern(as, `(\S+)`),
		to:      pattern(to, `(\S+)`),
		buttons: regexp.MustCompile(`\[(\d+)\] (\S+)`),
		numbers: map[string]map[string]int{},
		inboxes: map[string]chan relaytest.Shown{},
	}
}

func (tr *transcript) isAs(line string) bool { return tr.as.MatchString(line) }

// inbox returns user's messages; tr.mu need not be held.
func (tr *transcript) inbox(user string) chan relaytest.Shown {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return tr.box(user)
}

func (tr *transcript) box(user string) chan relaytest.Shown {
	if tr.inboxes[user] == nil {
		tr.inboxes[user] = make(chan relaytest.Shown, 100)
	}
	return tr.inboxes[user]
}

func (tr *transcript) button(user, payload string) (int, bool) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	n, ok := tr.numbers[user][payload]
	return n, ok
}

// Write implements io.Writer.
func (tr *transcript) Write(b []byte) (int, error) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.partial += string(b)
	for {
		line, rest, ok := strings.Cut(tr.partial, "\n")
		if !ok {
			return len(b), nil
		}
		tr.partial = rest
		tr.line(line)
	}
}

// line reads one line; tr.mu held.
func (tr *transcript) line(l string) {
	trimmed := strings.TrimSpace(l)
	if m := tr.buttons.FindAllStringSubmatch(trimmed, -1); tr.open != nil && strings.HasPrefix(trimmed, "[") && m != nil {
		// The suite's buttons are labelled with their payloads.
		for _, b := range m {
			n, _ := strconv.Atoi(b[1])
			tr.open.Buttons = append(tr.open.Buttons, b[2])
			if tr.numbers[tr.openFor] == nil {
				tr.numbers[tr.openFor] = map[string]int{}
			}
			tr.numbers[tr.openFor][b[2]] = n
		}
		return
	}
	tr.flush()
	if m := tr.as.FindStringSubmatch(l); m != nil {
		tr.speaker = m[1]
		return
	}
	to := tr.speaker
	if m := tr.to.FindStringSubmatch(l); m != nil {
		to, l = m[1], strings.TrimSpace(strings.TrimPrefix(l, m[0]))
	}
	tr.open, tr.openFor = &relaytest.Shown{Text: l}, to
}

// flush hands the message being read to its user; tr.mu held.
func (tr *transcript) flush() {
	if tr.open != nil {
		tr.box(tr.openFor) <- *tr.open
		tr.open = nil
	}
}

// end hands on what the console wrote last, once it has stopped.
func (tr *transcript) end() {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.flush()
}
