package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dangol/dangol/internal/testproc"
)

// peerEnv starts the test binary as a stand-in for the grammY peer: its
// value says what it does (peerHelper).
const peerEnv = "DANGOL_TEST_PEER"

func init() { testproc.Register(peerEnv, peerHelper) }

// peerHelper prints what the grammY peer prints ("ok": one figure per
// work at 2 chats, among a notice it must ignore), or something bench
// cannot read ("junk"), or fails ("fail").
func peerHelper(how string, _ []string) int {
	switch how {
	case "ok":
		fmt.Println("npm notice: something to ignore")
		fmt.Println("feedback(durable) conc=2: 1000 updates/s")
		fmt.Println("points conc=2: 4000 updates/s")
		fmt.Println("points conc=64: 90000 updates/s")
		return 0
	case "junk":
		fmt.Println("hello")
		return 0
	default:
		fmt.Println("about to fail")
		return 3
	}
}

// benchOutput splits dangol bench's JSON lines into results and
// comparisons, failing on a line that is neither.
func benchOutput(t *testing.T, out string) ([]benchResult, []peerCompare) {
	t.Helper()
	var rs []benchResult
	var cs []peerCompare
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.Contains(line, `"compare"`) {
			var c peerCompare
			decodeLine(t, line, &c)
			cs = append(cs, c)
			continue
		}
		rs = append(rs, benchLines(t, line)...)
	}
	return rs, cs
}

// TestBench_Peer: with --peer, the peer runs before each round and each
// scenario it also ran gets a comparison line, its ratio computed from
// the two figures of that round; a peer that cannot run, fails or prints
// nothing readable stops the bench with a message saying which. Not
// parallel: the stand-in learns its part from the environment.
func TestBench_Peer(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Run("Rounds", func(t *testing.T) {
		t.Setenv(peerEnv, "ok")
		res := runMain(t, nil, "", "bench", "--scenario", "line,points,open", "--chats", "2", "--count", "20", "--rate", "200",
			"--customers", "50", "--rounds", "2", "--peer", exe, "--dir", t.TempDir())
		if res.err != nil {
			t.Fatalf("bench: %v\n%s", res.err, res.stderr)
		}
		rs, cs := benchOutput(t, res.stdout)
		if len(rs) != 6 || len(cs) != 4 {
			t.Fatalf("%d results and %d comparisons, want 6 (3 scenarios, 2 rounds) and 4 (open has no peer figure):\n%s", len(rs), len(cs), res.stdout)
		}
		byRound := map[int]map[string]benchResult{}
		for _, r := range rs {
			if byRound[r.Round] == nil {
				byRound[r.Round] = map[string]benchResult{}
			}
			byRound[r.Round][r.Scenario+"/"+r.Mode] = r
		}
		peer := map[string]float64{"feedback-line": 1000, "points": 4000}
		for _, c := range cs {
			r, ok := byRound[c.Round][c.Compare+"/closed"]
			if !ok {
				t.Fatalf("comparison %+v for no result of its round", c)
			}
			want := peerCompare{Round: c.Round, Compare: r.Scenario, Chats: 2, DangolPerS: r.CompletedPerS, PeerPerS: peer[r.Scenario],
				Ratio: round(r.CompletedPerS/peer[r.Scenario], 2), PeerWork: map[string]string{"feedback-line": "feedback(durable) conc=2", "points": "points conc=2"}[r.Scenario],
				DiskFsyncMs: r.DiskFsyncMs}
			if c != want || c.Ratio <= 0 {
				t.Errorf("comparison %+v, want %+v", c, want)
			}
		}
		if len(byRound[1]) != 3 || len(byRound[2]) != 3 {
			t.Errorf("results by round %v, want rounds 1 and 2 with 3 scenarios each", byRound)
		}
		for r := 1; r <= 2; r++ {
			if want := testCatalog.Text("ko", "bench.peer.run", map[string]any{"Round": r, "Rounds": 2, "Cmd": exe}); !strings.Contains(res.stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, res.stderr)
			}
		}
	})
	t.Run("NoPeerNoRound", func(t *testing.T) {
		// One round without --peer prints the lines as before: no round.
		r, _ := benchOne(t, "--scenario", "points", "--chats", "2", "--count", "10", "--customers", "20", "--dir", t.TempDir())
		if r.Round != 0 {
			t.Errorf("round %d, want none", r.Round)
		}
	})
	missing := filepath.Join(t.TempDir(), "no-such-node")
	for _, tt := range []struct {
		name, how, cmd, id string
		data               map[string]any
	}{
		{"Junk", "junk", exe, "bench.err.peer_output", map[string]any{"Cmd": exe, "Output": "hello"}},
		{"Fails", "fail", exe, "bench.err.peer_failed", map[string]any{"Cmd": exe, "Err": "exit status 3", "Output": "about to fail"}},
		{"Missing", "ok", missing, "bench.err.peer_start", nil},
		{"Empty", "ok", "  ", "bench.err.peer", map[string]any{"Value": "  "}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(peerEnv, tt.how)
			res := runMain(t, nil, "", "bench", "--scenario", "points", "--chats", "2", "--count", "10", "--customers", "20", "--peer", tt.cmd, "--dir", t.TempDir())
			if res.err == nil {
				t.Fatalf("bench with peer %q (%s) passed:\n%s", tt.cmd, tt.how, res.stdout)
			}
			if tt.data == nil { // the system's own words for a missing program
				prefix, _, _ := strings.Cut(testCatalog.Text("ko", tt.id, map[string]any{"Cmd": tt.cmd, "Err": "\x00"}), "\x00")
				if !strings.HasPrefix(res.err.Error(), prefix) || !strings.Contains(res.err.Error(), "npm install grammy@1.46.0") {
					t.Errorf("error %q, want %s's text", res.err, tt.id)
				}
				return
			}
			if want := testCatalog.Text("ko", tt.id, tt.data); res.err.Error() != want {
				t.Errorf("error %q, want %q", res.err, want)
			}
			if strings.Contains(res.stdout, `"compare"`) {
				t.Errorf("a comparison printed without the peer's figures:\n%s", res.stdout)
			}
		})
	}
	t.Run("Rounds0", func(t *testing.T) {
		res := runMain(t, nil, "", "bench", "--rounds", "0")
		if want := testCatalog.Text("ko", "bench.err.rounds", map[string]any{"Value": 0}); res.err == nil || res.err.Error() != want {
			t.Errorf("bench --rounds 0: %v, want %q", res.err, want)
		}
	})
}

// TestParsePeer reads the peer's lines, ignoring the rest, and refuses an
// output with none.
func TestParsePeer(t *testing.T) {
	for _, tt := range []struct {
		name string
		out  string
		want peerFigures
	}{
		{"Peer", "feedback(durable) conc=1: 4285 updates/s\nfeedback(durable) conc=64: 5369 updates/s\npoints conc=1: 105934 updates/s\r\npoints conc=64: 87399.5 updates/s\n",
			peerFigures{{"feedback(durable)", 1}: 4285, {"feedback(durable)", 64}: 5369, {"points", 1}: 105934, {"points", 64}: 87399.5}},
		{"Noise", "warning: x\n  points conc=8: 10 updates/s  \npoints conc=x: 5 updates/s\npoints: 5 updates/s\n", peerFigures{{"points", 8}: 10}},
		{"None", "Error: Cannot find module 'grammy'\n", nil},
		{"Empty", "", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parsePeer([]byte(tt.out))
			if tt.want == nil {
				if err == nil {
					t.Fatalf("parsePeer = %v, want an error", got)
				}
				return
			}
			if err != nil || fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("parsePeer = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

// TestProbeFsync: the probe times real writes and syncs in the folder it
// is given, leaves nothing there, and says which folder it could not use.
func TestProbeFsync(t *testing.T) {
	dir := t.TempDir()
	d, err := probeFsync(dir)
	if err != nil || d <= 0 {
		t.Fatalf("probeFsync = %v, %v; want a positive time", d, err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("the probe left %v behind", left)
	}
	missing := filepath.Join(dir, "missing")
	if _, err := probeFsync(missing); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("probeFsync in a missing folder: %v, want an error naming it", err)
	}
}
