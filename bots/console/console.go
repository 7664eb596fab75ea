package console

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/dangol/dangol/bots/relay"
	"github.com/dangol/dangol/dialog"
	"github.com/dangol/dangol/ledger"
	"github.com/dangol/dangol/locales"
)

// Channel is the name of the console's channel: Message.Channel of every
// message it makes, and the Router's key for its replies.
const Channel = "console"

// Config configures a Console. In, Out, Handler and Catalog are required.
type Config struct {
	In      io.Reader
	Out     io.Writer
	Handler relay.Handler
	// Router sends the replies. New registers the Console there as the
	// console's sender, the staff channel and the fallback of every reply
	// no other adapter carries: a rehearsal shows what would go anywhere,
	// with its address. nil: a router of its own.
	Router  *relay.Router
	Catalog *locales.Catalog
	Lang    string       // the console's language; "": "ko"
	Logger  *slog.Logger // nil: slog.Default()

	// Role and Name are the first speaker; zero: a manager named
	// "사장" ("owner" in English; the engine adds 님).
	Role ledger.Role
	Name string

	// Quiet leaves out the banner.
	Quiet bool
	// Prompt prints "name(role)> " before each line is read, for a person
	// at a terminal.
	Prompt bool
	// Echo prints each line read behind the prompt, so the output of a
	// piped script reads as a transcript. It is ignored with Prompt.
	Echo bool
	// ImageDir, when set, is where pictures in replies are saved; it is
	// created when missing.
	ImageDir string
	// Clock, when set, is the rehearsal clock :time shows and moves; nil:
	// :time says the console has none.
	Clock Clock
	// CustomerChannels are the platforms whose users are customers
	// (Telegram): a direct message to one prints as "→ [고객 42]", like one
	// to a console speaker who spoke as a customer.
	CustomerChannels []string
	// EventPrefix starts every EventID ("<prefix>:<line number>"); "":
	// "console:<start time in unix nanos>", unique per run.
	EventPrefix string
}

// Console is a terminal chat with the dialog engine. Run reads its input;
// Send may be called from other goroutines meanwhile.
type Console struct {
	cfg    Config
	cat    *locales.Catalog
	logger *slog.Logger
	prefix string
	relay  *relay.Relay

	// mu guards the output and the state below: Send may print while
	// Run is handling a line.
	mu      sync.Mutex
	out     *bufio.Writer
	role    ledger.Role
	name    string
	lang    string
	line    int
	buttons map[string]shown // conversation id (or staffChannel) -> latest buttons shown there
	// customers are the console ids that spoke as a customer in this run:
	// a direct message to one is addressed as to a customer.
	customers map[string]bool
	shownN    int // counts buttons shown, to tell which are the most recent
}

// New returns a Console for cfg.
func New(cfg Config) *Console {
	c := &Console{
		cfg:     cfg,
		cat:     cfg.Catalog,
		logger:  cfg.Logger,
		prefix:  cfg.EventPrefix,
		out:     bufio.NewWriter(cfg.Out),
		role:    cfg.Role,
		name:    cfg.Name,
		lang:    locales.Normalize(cfg.Lang),
		buttons: map[string]shown{},

		customers: map[string]bool{},
	}
	if c.logger == nil {
		c.logger = slog.Default()
	}
	if c.prefix == "" {
		c.prefix = "console:" + strconv.FormatInt(time.Now().UnixNano(), 10)
	}
	if c.role == ledger.RoleNone {
		c.role = ledger.RoleManager
	}
	if c.name == "" {
		c.name = c.cat.Text(c.lang, "console.default.name", nil)
	}
	// Only lines read one at a time are handled, in the reader's
	// goroutine; the relay is the console's for the hand-over to the engine
	// and the routing of the replies.
	var err error
	c.relay, err = relay.New(relay.Config{Channel: Channel, Handler: cfg.Handler, Router: cfg.Router, Logger: c.logger,
		// A failed line is not tried again: the apology is on screen, and
		// the person at the keyboard decides.
		HandleAttempts: 1})
	if err != nil {
		// Only a missing Handler, which the console cannot run without.
		panic(fmt.Sprintf("console: %v", err))
	}
	router := c.relay.Router()
	router.Register(Channel, c)
	router.SetStaff(Channel)
	router.SetFallback(c)
	return c
}

// Run reads lines until the end of input, a :quit, or ctx is done, and
// handles each one before reading the next. It returns nil in all three
// cases, with every message read handled and committed; an error means the
// input or output failed.
func (c *Console) Run(ctx context.Context) error {
	done := make(chan struct{})
	defer close(done)
	lines := make(chan string)
	readErr := make(chan error, 1)
	go func() {
		r := bufio.NewReader(c.cfg.In)
		for {
			s, err := r.ReadString('\n')
			if s != "" {
				select {
				case lines <- s:
				case <-done:
					return
				}
			}
			if err != nil {
				if errors.Is(err, io.EOF) {
					err = nil
				}
				readErr <- err
				return
			}
		}
	}()

	c.mu.Lock()
	if !c.cfg.Quiet {
		c.println(c.text("console.banner", c.speakerData()))
	}
	err := c.prompt()
	c.mu.Unlock()
	if err != nil {
		return err
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-readErr:
			if err != nil {
				return fmt.Errorf("console: read input: %w", err)
			}
			return nil
		case s := <-lines:
			quit, err := c.handleLine(ctx, s)
			if err != nil || quit {
				return err
			}
		}
	}
}

// Send implements relay.Sender: it prints r. An answer to a console line
// prints as the conversation's own, its buttons the ones a number presses;
// anything else (a scheduled summary, an alert, a message to a customer on
// another platform) prints with its address.
func (c *Console) Send(_ context.Context, to relay.Address, r dialog.Reply) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	conv := ""
	if r.To == dialog.ToConversation && to.Channel == Channel {
		conv = to.Conversation
	}
	c.render(r, conv)
	return c.flush()
}

// handleLine handles one input line; quit is true after :quit.
func (c *Console) handleLine(ctx context.Context, s string) (quit bool, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(s, "\n"), "\r"))
	c.line++
	if s == "" {
		return false, c.prompt()
	}
	if c.cfg.Echo && !c.cfg.Prompt {
		// A terminal already shows what was typed behind the prompt.
		c.println(c.text("console.prompt", c.speakerData()) + s)
	}
	switch {
	case isCommand(s):
		quit = c.command(ctx, s)
	default:
		m := c.message()
		if a, ok := c.press(s); ok {
			m.Action = a
		} else if hint, ok := c.staleButton(s); ok {
			c.println(hint)
			break
		} else {
			if c.superseded(s) {
				c.println(c.text("console.button.none", map[string]any{"N": s}))
			}
			m.Text = s
		}
		c.send(ctx, m)
	}
	if quit {
		return true, c.flush()
	}
	return false, c.prompt()
}

// isCommand reports whether s is a console command: a colon and a letter
// (so ":)" is a message).
func isCommand(s string) bool {
	rest, ok := strings.CutPrefix(s, ":")
	if !ok || rest == "" {
		return false
	}
	r := []rune(rest)[0]
	return unicode.IsLetter(r)
}

// command runs a console command; it reports whether the console should stop.
func (c *Console) command(ctx context.Context, s string) (quit bool) {
	fields := strings.Fields(s[1:])
	switch strings.ToLower(fields[0]) {
	case "as":
		role, ok := parseRole(fields[1:])
		if !ok {
			c.println(c.text("console.as.usage", nil))
			return false
		}
		c.role, c.name = role, strings.Join(fields[2:], " ")
		c.println(c.text("console.as.done", c.speakerData()))
	case "lang":
		if len(fields) != 2 || !isLang(fields[1]) {
			c.println(c.text("console.lang.usage", nil))
			return false
		}
		c.lang = strings.ToLower(fields[1])
		c.println(c.text("console.lang.done", nil))
	case "time":
		c.timeCommand(ctx, fields[1:])
	case "help":
		c.println(c.text("console.help", nil))
	case "quit", "q", "exit":
		return true
	default:
		c.println(c.text("console.unknown", map[string]any{"Command": ":" + fields[0]}))
	}
	return false
}

func isLang(s string) bool {
	for _, l := range locales.Languages {
		if strings.EqualFold(s, l) {
			return true
		}
	}
	return false
}

// parseRole reads "staff NAME…", "manager NAME…" or "customer ID", in
// English or Korean.
func parseRole(args []string) (ledger.Role, bool) {
	if len(args) < 2 {
		return ledger.RoleNone, false
	}
	switch strings.ToLower(args[0]) {
	case "staff", "직원":
		return ledger.RoleStaff, true
	case "manager", "매니저", "사장":
		return ledger.RoleManager, true
	case "customer", "고객", "손님":
		return ledger.RoleCustomer, len(args) == 2
	}
	return ledger.RoleNone, false
}

// conversation is the current speaker's conversation id.
func (c *Console) conversation() string { return string(c.role) + ":" + c.name }

// message starts a Message from the current speaker.
func (c *Console) message() dialog.Message {
	if c.role == ledger.RoleCustomer {
		c.customers[c.name] = true
	}
	return dialog.Message{
		Channel:        Channel,
		UserID:         c.name,
		UserName:       c.name,
		ConversationID: c.conversation(),
		EventID:        c.prefix + ":" + strconv.Itoa(c.line),
		Lang:           c.lang,
		Role:           c.role,
		Private:        true,
	}
}

// press returns the action for a line that is the number of one of the
// speaker's current buttons.
func (c *Console) press(s string) (*dialog.Action, bool) {
	if !isDigits(s) || len(s) > 3 {
		return nil, false
	}
	n, _ := strconv.Atoi(s)
	for _, ch := range c.current() {
		if ch.key == n {
			return &dialog.Action{Payload: ch.b.Payload, Label: ch.b.Label}, true
		}
	}
	return nil, false
}

// staleButton returns a hint for a short number that names no current
// button while the speaker has some; longer numbers are codes or amounts.
func (c *Console) staleButton(s string) (string, bool) {
	chs := c.current()
	if len(chs) == 0 || len(s) > 2 || !isDigits(s) {
		return "", false
	}
	keys := make([]string, len(chs))
	for i, ch := range chs {
		keys[i] = strconv.Itoa(ch.key)
	}
	return c.text("console.button.stale", map[string]any{"N": s, "Keys": strings.Join(keys, ", ")}), true
}

// superseded reports whether s, a short number that presses nothing, may
// have been meant for buttons the speaker saw earlier: the reply shown
// since had none. It goes to the engine as text all the same, as the
// platforms send it, and the console says so.
func (c *Console) superseded(s string) bool {
	if len(s) > 2 || !isDigits(s) {
		return false
	}
	keys := []string{c.conversation(), dmKey(c.name)}
	if c.role == ledger.RoleStaff || c.role == ledger.RoleManager {
		keys = append(keys, staffChannel)
	}
	for _, k := range keys {
		if b := c.buttons[k]; b.had || len(b.choices) > 0 {
			return true
		}
	}
	return false
}

// staffChannel keys the buttons of the staff channel in Console.buttons.
const staffChannel = "\x00staff"

// shown is a set of buttons and when it was shown: n orders every set the
// console remembered, line is the input line whose replies showed it. A
// reply to the conversation without buttons is remembered too, as an
// empty set: a number then presses nothing, where it pressed the buttons
// of an older reply (a manager's stray "1" after /program took on a
// complaint from a staff-channel alert shown long before). had says some
// earlier set there had buttons.
type shown struct {
	n       int
	line    int
	had     bool
	choices []choice
}

// current returns the buttons a number presses now: those of the speaker's
// latest reply or, for staff and managers, of the staff channel if that
// showed buttons more recently (they read it too). The latest reply
// without buttons has none to press, whatever came before it.
//
// A direct message to the speaker's console address (a morning follow-up
// DM) counts as theirs too, when it is the newest.
func (c *Console) current() []choice {
	own := c.buttons[c.conversation()]
	if dm := c.buttons[dmKey(c.name)]; dm.n > own.n {
		own = dm
	}
	if c.role == ledger.RoleStaff || c.role == ledger.RoleManager {
		if st := c.buttons[staffChannel]; st.n > own.n {
			return st.choices
		}
	}
	return own.choices
}

// dmKey keys, in Console.buttons, the buttons of direct messages to the
// console user name.
func dmKey(name string) string { return "\x00dm:" + name }

// remember makes chs the latest buttons shown in key. A reply without
// buttons that comes after one with them in answer to the same line (a
// notice after the question) leaves the question's buttons current.
func (c *Console) remember(key string, chs []choice) {
	was := c.buttons[key]
	if len(chs) == 0 && len(was.choices) > 0 && was.line == c.line {
		return
	}
	c.shownN++
	c.buttons[key] = shown{n: c.shownN, line: c.line, had: was.had || len(was.choices) > 0, choices: chs}
}

// choice is a button with the number that presses it.
type choice struct {
	key   int
	label bool // the number is the label itself
	b     dialog.Button
}

// choices numbers buttons. A button whose label is a number (a 0–10 scale)
// is pressed by that number, so typing "7" gives 7, not the eighth button;
// the others take 1, 2, 3… skipping numbers already taken.
func choices(bs []dialog.Button) []choice {
	out := make([]choice, len(bs))
	taken := map[int]bool{}
	for i, b := range bs {
		out[i].b = b
		if l := strings.TrimSpace(b.Label); isDigits(l) && len(l) <= 3 {
			n, _ := strconv.Atoi(l)
			if !taken[n] {
				out[i].key, out[i].label = n, true
				taken[n] = true
			}
		}
	}
	next := 1
	for i := range out {
		if out[i].label {
			continue
		}
		for taken[next] {
			next++
		}
		out[i].key = next
		taken[next] = true
	}
	return out
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// send hands m to the engine through the relay and prints the replies
// (Send) before it returns. The handler gets a context that outlives ctx so
// a message read before shutdown commits.
//
// It is called with c.mu held and releases it while the relay works, so a
// Send from another goroutine is never stuck behind a slow commit, and the
// relay's own Send to this console does not deadlock. Only Run's goroutine
// changes the speaker.
func (c *Console) send(ctx context.Context, m dialog.Message) {
	// Show the echo before the wait; a write error sticks to the writer
	// and is returned by the next prompt.
	_ = c.flush()
	c.mu.Unlock()
	c.relay.Handle(context.WithoutCancel(ctx), relay.Event{Message: m})
	c.mu.Lock()
}

// render prints r. Buttons of a reply to conv become the ones a number
// presses; conv is empty for replies that answer no console line.
func (c *Console) render(r dialog.Reply, conv string) {
	if r.HeadUpdate {
		// A thread head rewritten in place: the console cannot edit what
		// it printed, and the change was just said to whoever made it, so
		// printing the head again would only repeat it.
		return
	}
	lang := c.lang
	if r.Lang != "" {
		lang = locales.Normalize(r.Lang)
	}
	var lines []string
	if r.Text != "" {
		lines = append(lines, strings.Split(r.Text, "\n")...)
	}
	for _, s := range r.Sections {
		if s.Title != "" {
			lines = append(lines, s.Title)
		}
		for _, l := range s.Lines {
			lines = append(lines, "  "+l)
		}
	}
	if r.Form != nil {
		lines = append(lines, c.formLines(lang, r.Form)...)
	}
	if len(r.FormErrors) > 0 {
		fields := make([]string, 0, len(r.FormErrors))
		for f := range r.FormErrors {
			fields = append(fields, f)
		}
		sort.Strings(fields)
		for _, f := range fields {
			lines = append(lines, c.cat.Text(lang, "console.form.error", map[string]any{"Field": f, "Error": r.FormErrors[f]}))
		}
	}
	if r.Image != nil {
		lines = append(lines, c.image(lang, r.Image))
	}
	if r.File != nil {
		lines = append(lines, c.file(lang, r.File)) // file.go
	}
	chs := choices(r.Buttons)
	if len(chs) > 0 {
		labels := make([]string, len(chs))
		for i, ch := range chs {
			labels[i] = "[" + strconv.Itoa(ch.key) + "]"
			if !ch.label {
				labels[i] += " " + ch.b.Label
			}
		}
		lines = append(lines, strings.Join(labels, "  "))
	}

	switch r.To {
	case dialog.ToConversation:
		if conv != "" {
			c.remember(conv, chs)
		}
		for _, l := range lines {
			c.println(l)
		}
	default:
		switch {
		case len(chs) == 0:
		case r.To == dialog.ToStaffChannel:
			c.remember(staffChannel, chs)
		case r.To == dialog.ToUser && r.Channel == Channel:
			c.remember(dmKey(r.UserID), chs)
		}
		addr := c.cat.Text(lang, "console.to.staff", nil)
		if r.To == dialog.ToStaffChannel && r.ThreadLabel != "" {
			addr = c.cat.Text(lang, "console.to.staff_thread", map[string]any{"Thread": r.ThreadLabel})
			// The address names the thread: the tag that starts the text
			// for platforms without one is not said twice.
			if len(lines) > 0 {
				lines[0] = strings.TrimPrefix(lines[0], "["+r.ThreadLabel+"] ")
			}
		}
		if r.To == dialog.ToUser {
			addr = c.cat.Text(lang, "console.to.user", map[string]any{"Channel": r.Channel, "User": r.UserID})
			if c.isCustomer(r.Channel, r.UserID) {
				addr = c.cat.Text(lang, "console.to.customer", map[string]any{"User": r.UserID})
			}
		}
		if len(lines) == 0 {
			lines = []string{""}
		}
		c.println(strings.TrimRight(addr+" "+lines[0], " "))
		for _, l := range lines[1:] {
			c.println("  " + l)
		}
	}
}

// formLines prints a form's fields; forms are never asked of the console
// (it sends CanForm false), so this only shows what arrived.
func (c *Console) formLines(lang string, f *dialog.Form) []string {
	lines := []string{c.cat.Text(lang, "console.form", map[string]any{"Title": f.Title})}
	for _, fd := range f.Fields {
		l := "  - " + fd.Label
		if fd.Hint != "" {
			l += " (" + fd.Hint + ")"
		}
		if fd.Optional {
			l += " " + c.cat.Text(lang, "console.form.optional", nil)
		}
		lines = append(lines, l)
	}
	return lines
}

// image describes img, saving it first when an ImageDir is set, and says
// where it went (or, without ImageDir, how to save it). A failed save is
// logged and the picture still described: it is not worth the
// conversation.
func (c *Console) image(lang string, img *dialog.Image) string {
	data := map[string]any{"Name": img.Name, "Bytes": len(img.PNG)}
	if c.cfg.ImageDir == "" {
		return c.cat.Text(lang, "console.image", data)
	}
	name := filepath.Base(filepath.Clean("/" + img.Name))
	if name == "/" || name == "." {
		name = "image.png"
	}
	path := filepath.Join(c.cfg.ImageDir, name)
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		c.logger.Error("console: save image", "dir", c.cfg.ImageDir, "err", err)
		data["Dir"] = c.cfg.ImageDir
		return c.cat.Text(lang, "console.image.failed", data)
	}
	if err := os.WriteFile(path, img.PNG, 0o644); err != nil {
		c.logger.Error("console: save image", "path", path, "err", err)
		data["Dir"] = c.cfg.ImageDir
		return c.cat.Text(lang, "console.image.failed", data)
	}
	data["Path"] = path
	return c.cat.Text(lang, "console.image.saved", data)
}

func (c *Console) speakerData() map[string]any {
	role := string(c.role) // a role the console has no word for, as configured
	if id, ok := roleNames[c.role]; ok {
		role = c.text(id, nil)
	}
	return map[string]any{"Role": role, "Name": c.name}
}

// roleNames are the catalog ids of the speaker's role in the prompt and
// the banner.
var roleNames = map[ledger.Role]string{
	ledger.RoleStaff:    "console.role.staff",
	ledger.RoleManager:  "console.role.manager",
	ledger.RoleCustomer: "console.role.customer",
}

func (c *Console) text(id string, data any) string { return c.cat.Text(c.lang, id, data) }

// println writes one line to the buffered output; flush reports errors.
func (c *Console) println(s string) {
	c.out.WriteString(s)
	c.out.WriteByte('\n')
}

// prompt prints the prompt, when asked for, and flushes the output.
func (c *Console) prompt() error {
	if c.cfg.Prompt {
		c.out.WriteString(c.text("console.prompt", c.speakerData()))
	}
	return c.flush()
}

func (c *Console) flush() error {
	if err := c.out.Flush(); err != nil {
		return fmt.Errorf("console: write output: %w", err)
	}
	return nil
}

// isCustomer reports whether channel:user is a customer: a user of one of
// Config.CustomerChannels, or a console id that spoke as a customer.
func (c *Console) isCustomer(channel, user string) bool {
	if channel == Channel {
		return c.customers[user]
	}
	return slices.Contains(c.cfg.CustomerChannels, channel)
}
