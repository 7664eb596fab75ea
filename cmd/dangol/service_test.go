package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/kardianos/service"

	"github.com/dangol/dangol/feedback/charttest"
)

// fakeHost is a service manager that installs nothing: it records the
// service dangol describes and what dangol asks of it.
type fakeHost struct {
	os          string
	privileged  bool
	interactive bool
	exe         string

	installed, running bool
	statusErr          error // Status's answer, when set
	failWith           error // returned by the next action

	calls   []string
	config  *service.Config
	program service.Interface
}

func (h *fakeHost) New(p service.Interface, c *service.Config) (serviceControl, error) {
	h.config, h.program = c, p
	return (*fakeService)(h), nil
}
func (h *fakeHost) Interactive() bool { return h.interactive }
func (h *fakeHost) OS() string        { return h.os }
func (h *fakeHost) Privileged() bool  { return h.privileged }
func (h *fakeHost) Executable() (string, error) {
	if h.exe == "" {
		return "/opt/dangol/dangol", nil
	}
	return h.exe, nil
}

// fakeService is the fakeHost's one service.
type fakeService fakeHost

func (s *fakeService) act(name string, then func()) error {
	s.calls = append(s.calls, name)
	if s.failWith != nil {
		return s.failWith
	}
	then()
	return nil
}

func (s *fakeService) Install() error   { return s.act("install", func() { s.installed = true }) }
func (s *fakeService) Uninstall() error { return s.act("uninstall", func() { s.installed = false }) }
func (s *fakeService) Start() error     { return s.act("start", func() { s.running = true }) }
func (s *fakeService) Stop() error      { return s.act("stop", func() { s.running = false }) }
func (s *fakeService) Status() (service.Status, error) {
	switch {
	case s.statusErr != nil:
		return service.StatusUnknown, s.statusErr
	case !s.installed:
		return service.StatusUnknown, service.ErrNotInstalled
	case s.running:
		return service.StatusRunning, nil
	}
	return service.StatusStopped, nil
}

// Run does what kardianos does on Linux and macOS: Start, wait (RunWait),
// Stop.
func (s *fakeService) Run() error {
	s.calls = append(s.calls, "run")
	if err := s.program.Start(nil); err != nil {
		return err
	}
	if wait, ok := s.config.Option["RunWait"].(func()); ok {
		wait()
	}
	return s.program.Stop(nil)
}

// runWithHost runs dangol in process on host with env as its
// environment (also as Environ).
func runWithHost(t *testing.T, host *fakeHost, env map[string]string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	m := &Main{
		Catalog: testCatalog, Chart: charttest.Stub,
		Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr,
		Getenv: func(k string) string { return env[k] },
		Environ: func() []string {
			var kv []string
			for k, v := range env {
				kv = append(kv, k+"="+v)
			}
			return kv
		},
		Services: host,
	}
	err := m.Run(context.Background(), args)
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	return result{stdout.String(), stderr.String(), err}
}

const (
	testTelegramToken = "123456:secret-telegram-token"
	testSlackBot      = "xoxb-secret-bot"
	testSlackApp      = "xapp-secret-app"
)

func TestService_Install(t *testing.T) {
	tests := []struct {
		os       string
		wantUser string
		wantDeps bool
	}{
		{"linux", "minji", true},
		{"darwin", "", false},
		{"windows", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.os, func(t *testing.T) {
			dir := t.TempDir()
			db := filepath.Join(dir, "shop.db")
			env := map[string]string{
				"DANGOL_DB":              db,
				"DANGOL_TZ":              "Asia/Tokyo",
				"DANGOL_TELEGRAM_TOKEN":  testTelegramToken,
				"DANGOL_SLACK_BOT_TOKEN": testSlackBot,
				"DANGOL_SLACK_APP_TOKEN": testSlackApp,
				"DANGOL_POINTS_RATE":     "3",
				"HOME":                   "/home/minji", // not DANGOL_*: not kept
				"SUDO_USER":              "minji",
			}
			host := &fakeHost{os: tt.os, privileged: true}
			r := runWithHost(t, host, env, "--lang", "en", "service", "install")
			if r.err != nil {
				t.Fatal(r.err)
			}
			if !slices.Equal(host.calls, []string{"install"}) {
				t.Errorf("calls = %q, want [install]", host.calls)
			}
			c := host.config
			envFile := filepath.Join(dir, envFileName)
			wantArgs := []string{"serve", "--db", db, "--lang", "en", "--tz", "Asia/Tokyo", "--env-file", envFile}
			if c.Name != "dangol" || c.Executable != "/opt/dangol/dangol" || !slices.Equal(c.Arguments, wantArgs) || c.WorkingDirectory != dir {
				t.Errorf("config = %s %s %q in %s\nwant dangol /opt/dangol/dangol %q in %s", c.Name, c.Executable, c.Arguments, c.WorkingDirectory, wantArgs, dir)
			}
			if c.UserName != tt.wantUser {
				t.Errorf("UserName = %q, want %q", c.UserName, tt.wantUser)
			}
			if got := slices.Contains(c.Dependencies, "After=network-online.target"); got != tt.wantDeps {
				t.Errorf("Dependencies = %q", c.Dependencies)
			}
			wantOpts := map[string]any{"Restart": "on-failure", "OnFailure": "restart", "KeepAlive": true, "RunAtLoad": true, "UserService": tt.os == "darwin", "LogDirectory": dir}
			for k, want := range wantOpts {
				if got := c.Option[k]; got != want {
					t.Errorf("Option[%s] = %v, want %v", k, got, want)
				}
			}
			// No token in the service definition: a unit file is 0644.
			if def := fmt.Sprintf("%+v", *c); strings.Contains(def, "secret") || len(c.EnvVars) != 0 {
				t.Errorf("the service definition holds a token: %s", def)
			}
			b, err := os.ReadFile(envFile)
			if err != nil {
				t.Fatal(err)
			}
			var lines []string
			for _, l := range strings.Split(string(b), "\n") {
				if l != "" && !strings.HasPrefix(l, "#") {
					lines = append(lines, l)
				}
			}
			want := []string{
				"DANGOL_POINTS_RATE=3",
				"DANGOL_SLACK_APP_TOKEN=" + testSlackApp,
				"DANGOL_SLACK_BOT_TOKEN=" + testSlackBot,
				"DANGOL_TELEGRAM_TOKEN=" + testTelegramToken,
			}
			if !slices.Equal(lines, want) {
				t.Errorf("%s holds\n%q\nwant\n%q", envFileName, lines, want)
			}
			if fi, err := os.Stat(envFile); err != nil || (runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600) {
				t.Errorf("%s: mode %v, err %v; want 0600", envFileName, fi.Mode().Perm(), err)
			}
			if !strings.Contains(r.stdout, "Installed the dangol service") || !strings.Contains(r.stdout, envFile) {
				t.Errorf("stdout = %q", r.stdout)
			}
		})
	}
}

// TestService_EnvFileRoundTrip: what install wrote is what the service
// reads back with --env-file, the environment above it and flags above
// both.
func TestService_EnvFileRoundTrip(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "shop.db")
	// An existing file, readable by everyone, is replaced by a 0600 one.
	envFile := filepath.Join(dir, envFileName)
	if err := os.WriteFile(envFile, []byte("OLD=1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	host := &fakeHost{os: "linux", privileged: true}
	env := map[string]string{"DANGOL_DB": db, "DANGOL_TELEGRAM_TOKEN": testTelegramToken, "DANGOL_POINTS_RATE": "7", "DANGOL_LANG": "en"}
	if r := runWithHost(t, host, env, "service", "install"); r.err != nil {
		t.Fatal(r.err)
	}
	if fi, err := os.Stat(envFile); err != nil || (runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600) {
		t.Fatalf("%s: %v %v, want mode 0600", envFile, fi.Mode(), err)
	}

	// The service's own start: an empty environment and the arguments.
	m := &Main{Catalog: testCatalog, Chart: charttest.Stub, Getenv: func(string) string { return "" }, Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}}
	m.Catalog = testCatalog
	getenv, err := m.envFileGetenv(envFile)
	if err != nil {
		t.Fatal(err)
	}
	cfg := configFromEnv(getenv)
	if _, _, err := parseArgs(&cfg, host.config.Arguments[1:], func(string, *flag.FlagSet) {}); err != nil {
		t.Fatal(err)
	}
	if err := cfg.validate((&Main{Config: cfg, Catalog: testCatalog}).usage); err != nil {
		t.Fatal(err)
	}
	if cfg.Telegram.Token != testTelegramToken || cfg.PointsRate != 7 || cfg.DB != db || cfg.Lang != "en" {
		t.Errorf("the service would run with token %q rate %d db %s lang %s", cfg.Telegram.Token, cfg.PointsRate, cfg.DB, cfg.Lang)
	}
}

func TestEnvFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "x.env")
	body := "\uFEFFDANGOL_LANG=en\r\n# settings\n\nexport DANGOL_POINTS_RATE=\"abc\"\nDANGOL_TZ = UTC\n"
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.env")
	if err := os.WriteFile(bad, []byte("DANGOL_LANG=en\nnot a setting\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "d.db")
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string // in the usage error
	}{
		// The file is read: its points rate is what is wrong, in its language.
		{"FileRead", nil, []string{"--env-file", file, "export"}, testCatalog.Text("en", "cli.err.points_rate", map[string]any{"Value": "abc"})},
		// The environment is above the file.
		{"EnvAbove", map[string]string{"DANGOL_POINTS_RATE": "200"}, []string{"export", "--env-file", file}, testCatalog.Text("en", "cli.err.points_rate", map[string]any{"Value": "200"})},
		// Flags are above both.
		{"FlagsAbove", nil, []string{"--env-file", file, "--lang", "ko", "export"}, usageText("cli.err.points_rate", map[string]any{"Value": "abc"})},
		{"ErrLine", nil, []string{"--env-file", bad, "export"}, usageText("appliance.err.env_line", map[string]any{"File": bad, "Line": 2})},
		{"ErrMissing", nil, []string{"--env-file", filepath.Join(dir, "none.env"), "export"}, usageText("appliance.err.env_file", map[string]any{"File": filepath.Join(dir, "none.env"), "Err": ""})[:40]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"DANGOL_DB": db}
			for k, v := range tt.env {
				env[k] = v
			}
			r := runMain(t, env, "", tt.args...)
			if !isUsage(r.err) || !strings.Contains(r.err.Error(), tt.want) {
				t.Fatalf("err = %v, want a usage error with %q", r.err, tt.want)
			}
		})
	}
}

func TestService_Actions(t *testing.T) {
	platform := map[string]string{"DANGOL_TELEGRAM_TOKEN": testTelegramToken}
	tests := []struct {
		name      string
		host      fakeHost
		env       map[string]string
		action    string
		wantCalls []string
		wantOut   string // message id printed
		wantErr   string // message id of the error
		usage     bool
	}{
		{name: "StatusNotInstalled", host: fakeHost{os: "linux"}, action: "status", wantOut: "appliance.service.status.not_installed"},
		{name: "StatusRunning", host: fakeHost{os: "linux", installed: true, running: true}, action: "status", wantOut: "appliance.service.status.running"},
		{name: "StatusStopped", host: fakeHost{os: "windows", installed: true}, action: "status", wantOut: "appliance.service.status.stopped"},
		{name: "Start", host: fakeHost{os: "linux", privileged: true, installed: true}, action: "start", wantCalls: []string{"start"}, wantOut: "appliance.service.done.start"},
		{name: "Stop", host: fakeHost{os: "darwin", installed: true, running: true}, action: "stop", wantCalls: []string{"stop"}, wantOut: "appliance.service.done.stop"},
		{name: "UninstallRunning", host: fakeHost{os: "linux", privileged: true, installed: true, running: true}, action: "uninstall", wantCalls: []string{"stop", "uninstall"}, wantOut: "appliance.service.done.uninstall"},
		{name: "UninstallStopped", host: fakeHost{os: "windows", installed: true}, action: "uninstall", wantCalls: []string{"uninstall"}, wantOut: "appliance.service.done.uninstall"},
		{name: "UninstallFailedState", host: fakeHost{os: "linux", privileged: true, installed: true, statusErr: errors.New("service in failed state")}, action: "uninstall", wantCalls: []string{"uninstall"}, wantOut: "appliance.service.done.uninstall"},
		{name: "ErrStatusFailed", host: fakeHost{os: "linux", installed: true, statusErr: errors.New("service in failed state")}, action: "status", wantErr: "appliance.service.err.failed"},
		{name: "ErrStartNotInstalled", host: fakeHost{os: "linux", privileged: true}, action: "start", wantErr: "appliance.service.err.not_installed"},
		{name: "ErrInstallTwice", host: fakeHost{os: "linux", privileged: true, installed: true}, env: platform, action: "install", wantErr: "appliance.service.err.installed"},
		{name: "ErrNotRoot", host: fakeHost{os: "linux"}, env: platform, action: "install", wantErr: "appliance.service.err.root"},
		{name: "ErrNotRootStop", host: fakeHost{os: "linux", installed: true, running: true}, action: "stop", wantErr: "appliance.service.err.root"},
		{name: "MacNeedsNoAdmin", host: fakeHost{os: "darwin"}, env: platform, action: "install", wantCalls: []string{"install"}, wantOut: "appliance.service.done.install"},
		{name: "ErrWindowsAdmin", host: fakeHost{os: "windows", failWith: fmt.Errorf("connect: %w", fs.ErrPermission)}, env: platform, action: "install", wantCalls: []string{"install"}, wantErr: "appliance.service.err.admin"},
		{name: "ErrManagerFails", host: fakeHost{os: "linux", privileged: true, installed: true, failWith: errors.New("systemctl: boom")}, action: "start", wantCalls: []string{"start"}, wantErr: "appliance.service.err.failed"},
		{name: "ErrNoPlatform", host: fakeHost{os: "linux", privileged: true}, action: "install", wantErr: "appliance.service.err.no_platform"},
		{name: "ErrGoRun", host: fakeHost{os: "linux", privileged: true, exe: "/tmp/go-build123/b001/exe/dangol"}, env: platform, action: "install", wantErr: "appliance.service.err.go_run"},
		{name: "ErrAction", host: fakeHost{os: "linux"}, action: "restartt", wantErr: "appliance.service.err.action", usage: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			env := map[string]string{"DANGOL_DB": filepath.Join(dir, "shop.db")}
			for k, v := range tt.env {
				env[k] = v
			}
			host := tt.host
			r := runWithHost(t, &host, env, "service", tt.action)
			if !slices.Equal(host.calls, tt.wantCalls) {
				t.Errorf("calls = %q, want %q", host.calls, tt.wantCalls)
			}
			if tt.wantErr == "" {
				if r.err != nil {
					t.Fatal(r.err)
				}
				// The message's first words, whatever its data.
				want, _, _ := strings.Cut(testCatalog.Text("ko", tt.wantOut, map[string]any{"Logs": "", "DB": "", "EnvFile": ""}), "\n")
				if len(want) > 20 {
					want = want[:20]
				}
				if !strings.HasPrefix(r.stdout, want) {
					t.Errorf("stdout = %q, want %s (%q…)", r.stdout, tt.wantOut, want)
				}
				return
			}
			cause := host.failWith
			if cause == nil {
				cause = host.statusErr
			}
			want := testCatalog.Text("ko", tt.wantErr, map[string]any{"Action": tt.action, "Actions": strings.Join(serviceActions, ", "), "Exe": host.exe, "Err": cause})
			if r.err == nil || r.err.Error() != want {
				t.Fatalf("err = %v, want %q", r.err, want)
			}
			if isUsage(r.err) != tt.usage {
				t.Errorf("usage error = %t, want %t", isUsage(r.err), tt.usage)
			}
			if cause != nil && !errors.Is(r.err, cause) {
				t.Errorf("the manager's error is not kept: %v", r.err)
			}
			if _, err := os.Stat(filepath.Join(dir, envFileName)); tt.action == "install" && err == nil && len(host.calls) == 0 {
				t.Errorf("a refused install wrote %s", envFileName)
			}
		})
	}

	t.Run("ErrNoAction", func(t *testing.T) {
		r := runWithHost(t, &fakeHost{os: "linux"}, map[string]string{"DANGOL_DB": filepath.Join(t.TempDir(), "d.db")}, "service")
		if !isUsage(r.err) {
			t.Fatalf("err = %v, want a usage error", r.err)
		}
	})
	t.Run("Help", func(t *testing.T) {
		r := runWithHost(t, &fakeHost{os: "linux"}, map[string]string{"DANGOL_LANG": "en"}, "help", "service")
		if r.err != nil || !strings.HasPrefix(r.stdout, "Usage: dangol service install|uninstall|start|stop|status") {
			t.Errorf("stdout %q, err %v", r.stdout, r.err)
		}
	})
}

// TestService_StartLogs: a start says where the service's log is on each
// system, and on one dangol has no words for, that the service manager
// keeps it.
func TestService_StartLogs(t *testing.T) {
	for _, tt := range []struct{ os, logs string }{
		{"linux", "appliance.service.logs.linux"},
		{"darwin", "appliance.service.logs.darwin"},
		{"windows", "appliance.service.logs.windows"},
		{"freebsd", "appliance.service.logs.other"},
	} {
		t.Run(tt.os, func(t *testing.T) {
			dir := t.TempDir()
			host := fakeHost{os: tt.os, privileged: true, installed: true}
			r := runWithHost(t, &host, map[string]string{"DANGOL_DB": filepath.Join(dir, "shop.db")}, "service", "start")
			if r.err != nil {
				t.Fatal(r.err)
			}
			logs := testCatalog.Text("ko", tt.logs, map[string]any{"Dir": dir})
			if want := testCatalog.Text("ko", "appliance.service.done.start", map[string]any{"Logs": logs}) + "\n"; r.stdout != want {
				t.Errorf("stdout = %q, want %q", r.stdout, want)
			}
		})
	}
}

// TestService_RunUnderManager: started by the service manager, serve runs
// until the manager (or a signal) stops it, and a serve that ends by
// itself ends the run with its error, so the manager restarts dangol.
func TestService_RunUnderManager(t *testing.T) {
	t.Run("Stop", func(t *testing.T) {
		host := &fakeHost{os: "linux"}
		m := &Main{Catalog: testCatalog, Chart: charttest.Stub, Services: host}
		ctx, cancel := context.WithCancel(context.Background())
		served := make(chan struct{})
		stopped := false
		errc := make(chan error, 1)
		go func() {
			errc <- m.runService(ctx, func(ctx context.Context) error {
				close(served)
				<-ctx.Done()
				stopped = true // serve finished what it held
				return nil
			})
		}()
		<-served
		cancel() // SIGTERM from systemd
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
		if !stopped || !slices.Equal(host.calls, []string{"run"}) {
			t.Errorf("stopped = %t, calls %q", stopped, host.calls)
		}
	})
	t.Run("ServeFails", func(t *testing.T) {
		host := &fakeHost{os: "darwin"}
		m := &Main{Catalog: testCatalog, Chart: charttest.Stub, Services: host}
		refused := errors.New("telegram: token refused")
		err := m.runService(context.Background(), func(context.Context) error { return refused })
		if !errors.Is(err, refused) {
			t.Fatalf("err = %v, want the serve error", err)
		}
	})
	t.Run("Dispatch", func(t *testing.T) {
		// serve without a terminal under the manager: the console ends
		// at once on empty input, through the manager's Run.
		host := &fakeHost{os: "linux"}
		r := runWithHost(t, host, map[string]string{"DANGOL_DB": filepath.Join(t.TempDir(), "d.db")}, "serve")
		if r.err != nil {
			t.Fatal(r.err)
		}
		if !slices.Equal(host.calls, []string{"run"}) || host.config.Name != "dangol" {
			t.Errorf("calls %q, config %+v: serve did not run under the manager", host.calls, host.config)
		}
	})
	t.Run("Interactive", func(t *testing.T) {
		host := &fakeHost{os: "linux", interactive: true}
		if r := runWithHost(t, host, map[string]string{"DANGOL_DB": filepath.Join(t.TempDir(), "d.db")}, "serve"); r.err != nil {
			t.Fatal(r.err)
		}
		if len(host.calls) != 0 {
			t.Errorf("calls %q: an interactive serve went through the manager", host.calls)
		}
	})
}

func TestOpenServiceLog(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "dangol.log")
	write := func(s string) {
		t.Helper()
		f, err := openServiceLog(dir)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.WriteString(s); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
	write("one\n")
	write("two\n")
	if b, _ := os.ReadFile(path); string(b) != "one\ntwo\n" {
		t.Fatalf("dangol.log = %q, want both lines appended", b)
	}
	if err := os.WriteFile(path, bytes.Repeat([]byte("x"), maxServiceLog+1), 0o600); err != nil {
		t.Fatal(err)
	}
	write("fresh\n")
	if b, _ := os.ReadFile(path); string(b) != "fresh\n" {
		t.Errorf("a log over %d bytes was not started afresh: %d bytes", maxServiceLog, len(b))
	}
	if fi, err := os.Stat(path + ".old"); err != nil || fi.Size() != maxServiceLog+1 {
		t.Errorf("dangol.log.old: %v, %v; want the previous log kept", fi, err)
	}
}

// statusOnly is a service.Service that only answers Status.
type statusOnly struct {
	service.Service
	st  service.Status
	err error
}

func (s statusOnly) Status() (service.Status, error) { return s.st, s.err }

// TestInitScriptService: on a Linux without systemd, "service dangol
// status" failing for a service never installed reads as not installed;
// with its init script there, the failure is kept.
func TestInitScriptService(t *testing.T) {
	dir := t.TempDir()
	present := filepath.Join(dir, "dangol")
	if err := os.WriteFile(present, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	failed := errors.New("exit status 1")
	tests := []struct {
		name   string
		script string
		inner  statusOnly
		want   error
	}{
		{"NoScript", filepath.Join(dir, "missing"), statusOnly{err: failed}, service.ErrNotInstalled},
		{"ScriptThere", present, statusOnly{err: failed}, failed},
		{"Running", filepath.Join(dir, "missing"), statusOnly{st: service.StatusRunning}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := initScriptService{Service: tt.inner, script: tt.script}.Status()
			if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Errorf("Status() error = %v, want %v", err, tt.want)
			}
		})
	}
}
