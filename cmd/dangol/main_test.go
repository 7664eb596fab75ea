package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dangol/dangol/feedback/charttest"
	"github.com/dangol/dangol/ledger"
	"github.com/dangol/dangol/locales"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// result is what one in-process run of dangol printed and returned.
type result struct {
	stdout, stderr string
	err            error
}

// runMain runs dangol in process with env as its whole environment and
// stdin as its input, and closes it as main does.
func runMain(t *testing.T, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	m := &Main{
		Catalog: testCatalog, Chart: charttest.Stub,
		Stdin:  strings.NewReader(stdin),
		Stdout: &stdout,
		Stderr: &stderr,
		Getenv: func(k string) string { return env[k] },
	}
	err := m.Run(context.Background(), args)
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	return result{stdout.String(), stderr.String(), err}
}

// testCatalog is the catalog dangol words its messages from.
var testCatalog = locales.MustLoad()

// usageText is usage error id with data in Korean, the default language.
func usageText(id string, data map[string]any) string {
	return testCatalog.Text("ko", id, data)
}

func isUsage(err error) bool {
	var ue *usageError
	return errors.As(err, &ue)
}

func TestConfig_Invalid(t *testing.T) {
	db := filepath.Join(t.TempDir(), "d.db")
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string // in the error
	}{
		{"ErrTimeZone", map[string]string{"DANGOL_TZ": "Mars/Olympus"}, []string{"export"}, usageText("cli.err.tz", map[string]any{"Value": "Mars/Olympus"})},
		{"ErrTimeZoneFlag", nil, []string{"--tz", "Seoul", "export"}, usageText("cli.err.tz", map[string]any{"Value": "Seoul"})},
		{"ErrTimeZoneLocal", nil, []string{"--tz", "Local", "export"}, usageText("cli.err.tz", map[string]any{"Value": "Local"})},
		{"ErrRateHigh", map[string]string{"DANGOL_POINTS_RATE": "101"}, []string{"export"}, usageText("cli.err.points_rate", map[string]any{"Value": "101"})},
		{"ErrRateNegative", map[string]string{"DANGOL_POINTS_RATE": "-1"}, []string{"export"}, usageText("cli.err.points_rate", map[string]any{"Value": "-1"})},
		{"ErrRateText", map[string]string{"DANGOL_POINTS_RATE": "5%"}, []string{"export"}, usageText("cli.err.points_rate", map[string]any{"Value": "5%"})},
		{"ErrRateEnglish", map[string]string{"DANGOL_POINTS_RATE": "5%", "DANGOL_LANG": "en"}, []string{"export"}, testCatalog.Text("en", "cli.err.points_rate", map[string]any{"Value": "5%"})},
		{"ErrConfirmWon", map[string]string{"DANGOL_POINTS_CONFIRM_WON": "백만"}, []string{"export"}, usageText("corrections.err.confirm_won", map[string]any{"Value": "백만"})},
		{"ErrConfirmWonZero", map[string]string{"DANGOL_POINTS_CONFIRM_WON": "0", "DANGOL_LANG": "en"}, []string{"export"}, testCatalog.Text("en", "corrections.err.confirm_won", map[string]any{"Value": "0"})},
		{"ErrLang", nil, []string{"--lang", "fr", "export"}, usageText("cli.err.lang", map[string]any{"Value": "fr"})},
		{"ErrLogLevel", map[string]string{"DANGOL_LOG_LEVEL": "loud"}, []string{"export"}, usageText("cli.err.log_level", map[string]any{"Value": "loud"})},
		{"ErrFormat", nil, []string{"export", "--format", "xml"}, usageText("cli.err.export_format", map[string]any{"Value": "xml"})},
		{"ErrCommand", nil, []string{"frobnicate"}, usageText("cli.err.command", map[string]any{"Command": "frobnicate"})},
		{"ErrFlag", nil, []string{"export", "--nope"}, usageText("cli.err.flag_unknown", map[string]any{"Command": "dangol export", "Flag": "--nope", "Flags": "--db, --env-file, --force, --format, --lang, --out, --tz, -v, --verbose, --version"})},
		{"ErrBackupArgs", nil, []string{"backup"}, usageText("cli.err.args", map[string]any{"Command": "backup", "Want": 1, "Got": 0, "Args": "[]"})},
		// and says what the command takes, from its line of the usage text
		{"ErrBackupArgsUsage", nil, []string{"backup"}, "\n  backup    " + strings.SplitN(strings.SplitN(usageText("cli.usage", nil), "\n  backup    ", 2)[1], "\n", 2)[0]},
		{"ErrRestoreArgs", nil, []string{"restore", "a", "b"}, usageText("cli.err.args", map[string]any{"Command": "restore", "Want": 1, "Got": 2, "Args": `["a" "b"]`})},
		{"ErrSlackHalf", map[string]string{"DANGOL_SLACK_BOT_TOKEN": "xoxb-1"}, []string{"serve"}, usageText("cli.err.slack_half", nil)},
		{"ErrSlackNoBot", map[string]string{"DANGOL_SLACK_APP_TOKEN": "xapp-1"}, []string{"serve"}, usageText("cli.err.slack_no_bot", nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"DANGOL_DB": db}
			for k, v := range tt.env {
				env[k] = v
			}
			r := runMain(t, env, "", tt.args...)
			if !isUsage(r.err) || !strings.Contains(r.err.Error(), tt.want) {
				t.Fatalf("err = %v, want a usage error containing %q", r.err, tt.want)
			}
			if _, err := os.Stat(db); err == nil {
				t.Errorf("a refused command created %s", db)
			}
		})
	}
}

func TestConfig_FlagsOverrideEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		wantCmd string
		wantPos []string
		want    Config
		force   bool
	}{
		{
			name:    "Defaults",
			wantCmd: "serve",
			want:    Config{DB: DefaultDB, Lang: "ko", TZ: "Asia/Seoul", PointsRate: 5, HTTPAddr: ":8080"},
		},
		{
			name:    "Env",
			env:     map[string]string{"DANGOL_DB": "e.db", "DANGOL_LANG": "en", "DANGOL_TZ": "UTC", "DANGOL_POINTS_RATE": "100", "DANGOL_HTTP_ADDR": "127.0.0.1:9"},
			args:    []string{"chat"},
			wantCmd: "chat",
			want:    Config{DB: "e.db", Lang: "en", TZ: "UTC", PointsRate: 100, HTTPAddr: "127.0.0.1:9"},
		},
		{
			name:    "FlagsBeforeAndAfterCommand",
			env:     map[string]string{"DANGOL_DB": "e.db", "DANGOL_LANG": "en", "DANGOL_TZ": "UTC"},
			args:    []string{"--db", "f.db", "restore", "b.db", "--tz", "Asia/Tokyo", "--force"},
			wantCmd: "restore",
			wantPos: []string{"b.db"},
			force:   true,
			want:    Config{DB: "f.db", Lang: "en", TZ: "Asia/Tokyo", PointsRate: 5, HTTPAddr: ":8080"},
		},
		{
			name:    "NoEarning",
			env:     map[string]string{"DANGOL_POINTS_RATE": "0"},
			args:    []string{"chat"},
			wantCmd: "chat",
			want:    Config{DB: DefaultDB, Lang: "ko", TZ: "Asia/Seoul", PointsRate: 0, HTTPAddr: ":8080"},
		},
		{
			name:    "FlagsOnly",
			args:    []string{"--lang=EN"},
			wantCmd: "serve",
			want:    Config{DB: DefaultDB, Lang: "en", TZ: "Asia/Seoul", PointsRate: 5, HTTPAddr: ":8080"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := configFromEnv(func(k string) string { return tt.env[k] })
			var force bool
			cmd, pos, err := parseArgs(&cfg, tt.args, func(cmd string, fs *flag.FlagSet) {
				if cmd == "restore" {
					fs.BoolVar(&force, "force", false, "")
				}
			})
			if err == nil {
				err = cfg.validate((&Main{Config: cfg, Catalog: testCatalog}).usage)
			}
			if err != nil {
				t.Fatal(err)
			}
			if cmd != tt.wantCmd || !slices.Equal(pos, tt.wantPos) || force != tt.force {
				t.Errorf("command %q %q force=%t, want %q %q force=%t", cmd, pos, force, tt.wantCmd, tt.wantPos, tt.force)
			}
			type basics struct {
				DB, Lang, TZ string
				PointsRate   int
				HTTPAddr     string
			}
			got := basics{cfg.DB, cfg.Lang, cfg.TZ, cfg.PointsRate, cfg.HTTPAddr}
			if want := (basics{tt.want.DB, tt.want.Lang, tt.want.TZ, tt.want.PointsRate, tt.want.HTTPAddr}); got != want {
				t.Errorf("config = %+v, want %+v", got, tt.want)
			}
			if cfg.Loc == nil || cfg.Loc.String() != tt.want.TZ {
				t.Errorf("Loc = %v, want %s", cfg.Loc, tt.want.TZ)
			}
		})
	}
}

// validatedConfig is the Config dangol reads from env (DANGOL_* names to
// values, the rest unset) and what validate says of it.
func validatedConfig(env map[string]string) (Config, error) {
	cfg := configFromEnv(func(k string) string { return env[k] })
	return cfg, cfg.validate((&Main{Config: cfg, Catalog: testCatalog}).usage)
}

// wantUsage fails the test unless err is the usage error worded by message
// id with data, in Korean (the default language).
func wantUsage(t *testing.T, err error, id string, data map[string]any) {
	t.Helper()
	if want := testCatalog.Text("ko", id, data); err == nil || err.Error() != want {
		t.Fatalf("validate = %v, want %q", err, want)
	}
}

func TestConfig_SlackIDs(t *testing.T) {
	cfg := configFromEnv(func(k string) string {
		return map[string]string{"DANGOL_SLACK_STAFF": " U1, slack:U2,,", "DANGOL_SLACK_MANAGERS": "U9"}[k]
	})
	if want := []string{"slack:U1", "slack:U2"}; !slices.Equal(cfg.Slack.Staff, want) {
		t.Errorf("staff = %q, want %q", cfg.Slack.Staff, want)
	}
	if want := []string{"slack:U9"}; !slices.Equal(cfg.Slack.Managers, want) {
		t.Errorf("managers = %q, want %q", cfg.Slack.Managers, want)
	}
}

func TestHelpAndVersion(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"HelpKorean", nil, []string{"help"}, "사용법: dangol [명령] [옵션]"},
		{"HelpEnglish", map[string]string{"DANGOL_LANG": "en"}, []string{"help"}, "Usage: dangol [command] [options]"},
		{"DashH", nil, []string{"-h"}, "사용법: dangol"},
		{"ExportDashH", nil, []string{"--lang", "en", "export", "-h"}, "Usage: dangol"},
		{"HelpImport", nil, []string{"help", "import"}, "사용법: dangol import 파일 [--dry-run] [--sheet 시트] [--format auto|csv|xlsx|json]"},
		{"ImportDashH", map[string]string{"DANGOL_LANG": "en"}, []string{"import", "-h"}, "Usage: dangol import FILE [--dry-run]"},
		{"Version", nil, []string{"version"}, "dangol "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runMain(t, tt.env, "", tt.args...)
			if r.err != nil || !strings.Contains(r.stdout, tt.want) {
				t.Errorf("stdout %q, err %v; want %q", r.stdout, r.err, tt.want)
			}
		})
	}
}

// testLedgerOptions returns the options dangol itself opens the data file
// at path with: the key file beside it (made now if missing, as dangol's
// first start would) and the erased-keys list beside that.
func testLedgerOptions(tb testing.TB, path string) *ledger.Options {
	tb.Helper()
	keyPath := filepath.Join(filepath.Dir(path), DefaultKeyFile)
	data, err := os.ReadFile(keyPath)
	if errors.Is(err, fs.ErrNotExist) {
		key, kerr := ledger.NewKey()
		if kerr != nil {
			tb.Fatal(kerr)
		}
		data = []byte(base64.StdEncoding.EncodeToString(key) + "\n")
		err = os.WriteFile(keyPath, data, 0o600)
	}
	if err != nil {
		tb.Fatal(err)
	}
	key, err := decodeKey(string(data))
	if err != nil {
		tb.Fatal(err)
	}
	return &ledger.Options{Key: key, ErasedKeys: keyPath + ".erased"}
}

// mustOpenStore opens a ledger in a temporary directory for seeding.
func mustOpenStore(tb testing.TB, path string) *ledger.Store {
	tb.Helper()
	s, err := ledger.Open(path, testLedgerOptions(tb, path))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func TestOpen_ErrLocked(t *testing.T) {
	t.Parallel() // its own data files; most of its time is waiting out a lock's timeout
	db := filepath.Join(t.TempDir(), "held.db")
	mustOpenStore(t, db)
	r := runMain(t, map[string]string{"DANGOL_DB": db}, "", "export")
	want := testCatalog.Text("ko", "appliance.locked", map[string]any{"DB": db})
	if !errors.Is(r.err, ledger.ErrLocked) || r.err.Error() != want {
		t.Fatalf("err = %v, want ErrLocked worded once as %q", r.err, want)
	}
	if isUsage(r.err) {
		t.Error("a held file is not a usage error")
	}
}

// TestReadCommands_MissingFile: a command that only reads the data file
// refuses one that is not there, in the shop's language, and makes
// neither it nor a key: a mistyped --db made an empty ledger, and backup
// said it had written a backup of it.
func TestReadCommands_MissingFile(t *testing.T) {
	for _, args := range [][]string{{"backup", "b.db"}, {"export"}, {"export", "--out", "x.csv"}, {"summary"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			dir := t.TempDir()
			db := filepath.Join(dir, "nothere.db")
			for i, a := range args {
				if strings.HasSuffix(a, ".db") || strings.HasSuffix(a, ".csv") {
					args[i] = filepath.Join(dir, a)
				}
			}
			r := runMain(t, map[string]string{"DANGOL_DB": db}, "", args...)
			if want := testCatalog.Text("ko", "cli.err.db_missing", map[string]any{"DB": db}); r.err == nil || r.err.Error() != want {
				t.Errorf("err = %v, want %q", r.err, want)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("a refused %s left %v", args[0], entries)
			}
		})
	}
}

// TestOutputProblem: a file that cannot be written (its folder is not
// there) is told in the shop's language, naming the folder, for every
// command that writes one; no temporary file name reaches the person.
func TestOutputProblem(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "shop.db")
	seed(t, db)
	missing := filepath.Join(dir, "no-such-folder")
	for _, args := range [][]string{
		{"backup", filepath.Join(missing, "b.db")},
		{"export", "--out", filepath.Join(missing, "x.csv")},
		{"summary", "--png", filepath.Join(missing, "w.png")},
	} {
		t.Run(args[0], func(t *testing.T) {
			r := runMain(t, map[string]string{"DANGOL_DB": db}, "", args...)
			file := args[len(args)-1]
			why := testCatalog.Text("ko", "cli.out.why.no_folder", map[string]any{"Dir": missing})
			if want := testCatalog.Text("ko", "cli.out.cannot_write", map[string]any{"File": file, "Why": why}); r.err == nil || r.err.Error() != want {
				t.Errorf("err = %v, want %q", r.err, want)
			}
		})
	}
}

// updateLedger runs fn in one transaction on the ledger at path, closed
// before it returns (the commands under test open it next), and fails the
// test on an error of either.
func updateLedger(t *testing.T, path string, fn func(*ledger.Tx) error) {
	t.Helper()
	s := mustOpenStore(t, path)
	err := s.Update(context.Background(), fn)
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
}
