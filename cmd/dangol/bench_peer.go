package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
)

// dangol bench --peer: the grammY peer (../shared/peers/grammy/bench.js or
// any program printing its lines) run before each round of dangol's
// scenarios, in the same process's turn on the same machine, and one
// comparison line per scenario the peer also ran: the ratio measured in
// one run, as the issue asks, instead of figures copied from two
// terminals. The peer runs while the rig waits (its long poll idles), so
// the two never share the CPU.

// peerLine is one line the peer prints: "points conc=64: 87399 updates/s".
var peerLine = regexp.MustCompile(`^(\S+) conc=(\d+): (\d+(?:\.\d+)?) updates/s\s*$`)

// peerWork names, by dangol scenario (benchResult.Scenario), the peer's
// work it is compared with. The peer's one-update durable feedback stands
// for both of dangol's: the target is completed feedbacks a second
// against the peer's durable feedbacks a second.
var peerWork = map[string]string{
	"feedback":      "feedback(durable)",
	"feedback-line": "feedback(durable)",
	"points":        "points",
}

// peerKey is one figure of the peer's: its work at a concurrency.
type peerKey struct {
	work  string
	chats int
}

// peerFigures are one run of the peer: updates a second by work and
// concurrency.
type peerFigures map[peerKey]float64

// parsePeer reads the peer's standard output: every line of its shape,
// others ignored (npm's notices, say). None is an error.
func parsePeer(out []byte) (peerFigures, error) {
	figs := peerFigures{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		m := peerLine.FindStringSubmatch(strings.TrimSpace(sc.Text()))
		if m == nil {
			continue
		}
		conc, err1 := strconv.Atoi(m[2])
		rate, err2 := strconv.ParseFloat(m[3], 64)
		if err1 != nil || err2 != nil {
			continue
		}
		figs[peerKey{m[1], conc}] = rate
	}
	if len(figs) == 0 {
		return nil, errors.New("no line like \"points conc=64: 12345 updates/s\"")
	}
	return figs, nil
}

// peerCompare is the JSON line that sets one of dangol's results beside
// the peer's figure of the same round.
type peerCompare struct {
	Round      int     `json:"round"`
	Compare    string  `json:"compare"` // dangol's scenario
	Chats      int     `json:"chats"`
	DangolPerS float64 `json:"dangol_per_s"` // completed a second: feedbacks, or checks
	PeerPerS   float64 `json:"peer_per_s"`
	Ratio      float64 `json:"ratio"`     // DangolPerS / PeerPerS
	PeerWork   string  `json:"peer_work"` // the peer's line it is set beside, "points conc=64"
	// DiskFsyncMs is the round's disk probe (benchResult.DiskFsyncMs): the
	// peer's durable feedback is about one fsync each, so its rate moves
	// with this.
	DiskFsyncMs float64 `json:"disk_fsync_ms"`
	Floor       bool    `json:"floor,omitempty"`
}

// compare returns the comparison of r with the peer's figure for the same
// work and concurrency; ok is false when the peer has none. Only a closed
// loop is the peer's shape (conc=N: N updates in flight, the next when
// one is answered): the open loop and the paced presses are not compared.
func (f peerFigures) compare(rnd int, r benchResult) (peerCompare, bool) {
	work, ok := peerWork[r.Scenario]
	if !ok || r.Mode != "closed" {
		return peerCompare{}, false
	}
	rate, ok := f[peerKey{work, r.Chats}]
	if !ok || rate <= 0 {
		return peerCompare{}, false
	}
	return peerCompare{Round: rnd, Compare: r.Scenario, Chats: r.Chats, DangolPerS: r.CompletedPerS, PeerPerS: rate,
		Ratio: round(r.CompletedPerS/rate, 2), PeerWork: fmt.Sprintf("%s conc=%d", work, r.Chats), DiskFsyncMs: r.DiskFsyncMs, Floor: r.Floor}, true
}

// checkPeer checks that the peer's command line names a program there is.
func (m *Main) checkPeer(command string) error {
	args := strings.Fields(command)
	if len(args) == 0 {
		return m.usage("bench.err.peer", map[string]any{"Value": command})
	}
	if _, err := exec.LookPath(args[0]); err != nil {
		return m.local("bench.err.peer_start", map[string]any{"Cmd": command, "Err": err}, err)
	}
	return nil
}

// runPeer runs the peer's command line (split on spaces; no quoting) and
// returns its figures, once checkPeer passes it. What it prints on
// standard error goes to stderr; its standard output is kept, at most
// 1 MiB.
func (m *Main) runPeer(ctx context.Context, command string, stderr io.Writer) (peerFigures, error) {
	if err := m.checkPeer(command); err != nil {
		return nil, err
	}
	args := strings.Fields(command)
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	var out bytes.Buffer
	cmd.Stdout = &limitedWriter{w: &out, n: 1 << 20}
	cmd.Stderr = stderr
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return nil, m.local("bench.err.peer_failed", map[string]any{"Cmd": command, "Err": err, "Output": lastLines(out.String(), 5)}, err)
		}
		return nil, m.local("bench.err.peer_start", map[string]any{"Cmd": command, "Err": err}, err)
	}
	figs, err := parsePeer(out.Bytes())
	if err != nil {
		return nil, m.local("bench.err.peer_output", map[string]any{"Cmd": command, "Output": lastLines(out.String(), 5)}, err)
	}
	return figs, nil
}

// lastLines returns the last n lines of s: what a program said last, for
// an error (and the tests' logs).
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// limitedWriter keeps the first n bytes written to it and drops the rest,
// so that a peer that prints without end cannot fill the memory.
type limitedWriter struct {
	w io.Writer
	n int
}

// Write implements io.Writer; it never fails the writer (the peer).
func (l *limitedWriter) Write(p []byte) (int, error) {
	if k := min(len(p), l.n); k > 0 {
		if _, err := l.w.Write(p[:k]); err != nil {
			return 0, err
		}
		l.n -= k
	}
	return len(p), nil
}

// writeJSONLine prints v, a result or a comparison, as one JSON line on
// out.
func writeJSONLine(out io.Writer, v any) error {
	line, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	if _, err := fmt.Fprintf(out, "%s\n", line); err != nil {
		return fmt.Errorf("bench: write result: %w", err)
	}
	return nil
}
