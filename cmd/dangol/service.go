package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/kardianos/service"
)

// This file registers dangol with the host's service manager (systemd on
// Linux, the Windows service manager, launchd on macOS) through
// github.com/kardianos/service, and runs serve under it.
//
// Tokens never go into the service definition: a systemd unit is written
// world-readable (0644) with every Environment= line in it, a launchd plist
// likewise, and a Windows service's environment sits in the registry. The
// DANGOL_* settings go instead to dangol.env beside the data file, mode 0600
// and owned by the user the service runs as, and the service runs
// "dangol serve --env-file dangol.env". The same file works as Docker's
// env_file.

// serviceName is the name dangol is registered under.
const serviceName = "dangol"

// envFileName is the file beside the data file that holds the service's
// DANGOL_* settings.
const envFileName = "dangol.env"

// serviceHost is what dangol needs of the host's service manager. The real
// one is kardianos/service; tests put a fake in Main.Services so that
// nothing is ever installed on the machine running them.
type serviceHost interface {
	// New describes the service c, whose work p does when the manager
	// starts it.
	New(p service.Interface, c *service.Config) (serviceControl, error)
	// Interactive is false when the service manager started this process.
	Interactive() bool
	// OS is runtime.GOOS: the options and messages differ per system.
	OS() string
	// Privileged reports whether this process may install a system
	// service (root on Linux); true where the manager itself decides.
	Privileged() bool
	// Executable is the path of the running dangol, which the service
	// will start.
	Executable() (string, error)
}

// serviceControl is the part of service.Service dangol calls.
type serviceControl interface {
	Run() error
	Start() error
	Stop() error
	Install() error
	Uninstall() error
	Status() (service.Status, error)
}

// kardianosHost is the real service manager.
type kardianosHost struct{}

// New implements serviceHost with service.New.
func (kardianosHost) New(p service.Interface, c *service.Config) (serviceControl, error) {
	s, err := service.New(p, c)
	if err != nil {
		return nil, err
	}
	if service.Platform() == "unix-systemv" {
		return initScriptService{Service: s, script: "/etc/init.d/" + c.Name}, nil
	}
	return s, nil
}

// initScriptService is a System V service (a Linux without systemd: WSL,
// a container, an old distribution). kardianos asks "service NAME status",
// which fails with a bare "exit status 1" for a service never installed;
// without its init script it is not installed, and is said so.
type initScriptService struct {
	service.Service
	script string
}

// Status implements serviceControl.
func (s initScriptService) Status() (service.Status, error) {
	st, err := s.Service.Status()
	if err != nil && !errors.Is(err, service.ErrNotInstalled) {
		if _, serr := os.Stat(s.script); errors.Is(serr, fs.ErrNotExist) {
			return service.StatusUnknown, service.ErrNotInstalled
		}
	}
	return st, err
}

// Interactive implements serviceHost with service.Interactive.
func (kardianosHost) Interactive() bool { return service.Interactive() }

// OS implements serviceHost.
func (kardianosHost) OS() string { return runtime.GOOS }

// Executable implements serviceHost: the running program, links resolved,
// so that the service starts this very file.
func (kardianosHost) Executable() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	if resolved, err := filepath.EvalSymlinks(exe); err == nil {
		exe = resolved
	}
	return exe, nil
}

// Privileged implements serviceHost: root on Unix; on Windows the
// service manager answers "access denied" itself.
func (kardianosHost) Privileged() bool {
	if runtime.GOOS == "windows" {
		return true
	}
	return os.Geteuid() == 0
}

// services returns Main.Services, or the real service manager.
func (m *Main) services() serviceHost {
	if m.Services != nil {
		return m.Services
	}
	return kardianosHost{}
}

// serviceActions are the sub-commands of "dangol service".
var serviceActions = []string{"install", "uninstall", "start", "stop", "status"}

// service runs "dangol service ACTION".
func (m *Main) service(action string) error {
	if !slices.Contains(serviceActions, action) {
		return m.usage("appliance.service.err.action", map[string]any{"Action": action, "Actions": strings.Join(serviceActions, ", ")})
	}
	host := m.services()
	c, envFile, err := m.serviceConfig(host.OS())
	if err != nil {
		return err
	}
	if action == "install" && m.Config.Telegram.Token == "" && m.Config.Slack.BotToken == "" {
		// A service without a platform would open the console on no
		// terminal and end at once.
		return m.local("appliance.service.err.no_platform", nil, nil)
	}
	if action == "install" && strings.Contains(filepath.ToSlash(c.Executable), "/go-build") {
		// "go run" builds into a temporary folder that is gone when it ends.
		return m.local("appliance.service.err.go_run", map[string]any{"Exe": c.Executable}, nil)
	}
	// A Linux system service (and its start and stop) needs root; macOS
	// installs a user agent, Windows says "access denied" itself.
	if host.OS() == "linux" && action != "status" && !host.Privileged() {
		return m.local("appliance.service.err.root", nil, nil)
	}
	s, err := host.New(&serviceProgram{}, c)
	if err != nil {
		return m.local("appliance.service.err.failed", map[string]any{"Action": action, "Err": err}, err)
	}
	// Any answer but "not installed" means there is a service: one in
	// systemd's failed state can still be started, stopped or removed.
	st, statusErr := s.Status()
	notInstalled := errors.Is(statusErr, service.ErrNotInstalled)
	switch {
	case action == "status":
		switch {
		case notInstalled:
			return m.say("appliance.service.status.not_installed", nil)
		case statusErr != nil:
			return m.local("appliance.service.err.failed", map[string]any{"Action": action, "Err": statusErr}, statusErr)
		case st == service.StatusRunning:
			return m.say("appliance.service.status.running", nil)
		}
		return m.say("appliance.service.status.stopped", nil)
	case action == "install" && statusErr == nil:
		return m.local("appliance.service.err.installed", nil, nil)
	case action != "install" && notInstalled:
		return m.local("appliance.service.err.not_installed", nil, nil)
	}

	var done string // the catalog id of what was done
	switch action {
	case "install":
		if envFile != "" {
			if err := m.writeServiceEnv(envFile); err != nil {
				return err
			}
		}
		err, done = s.Install(), "appliance.service.done.install"
	case "uninstall":
		if st == service.StatusRunning {
			if err := s.Stop(); err != nil {
				return m.serviceFailed(host, action, err)
			}
		}
		err, done = s.Uninstall(), "appliance.service.done.uninstall"
	case "start":
		err, done = s.Start(), "appliance.service.done.start"
	case "stop":
		err, done = s.Stop(), "appliance.service.done.stop"
	}
	if err != nil {
		return m.serviceFailed(host, action, err)
	}
	if _, err := os.Stat(filepath.Join(c.WorkingDirectory, envFileName)); err == nil {
		envFile = filepath.Join(c.WorkingDirectory, envFileName) // uninstall names what it leaves
	}
	logs := "appliance.service.logs.other"
	switch host.OS() {
	case "linux":
		logs = "appliance.service.logs.linux"
	case "darwin":
		logs = "appliance.service.logs.darwin"
	case "windows":
		logs = "appliance.service.logs.windows"
	}
	return m.say(done, map[string]any{
		"Logs":    m.Catalog.Text(m.Config.Lang, logs, map[string]any{"Dir": c.WorkingDirectory}),
		"EnvFile": envFile,
		"DB":      filepath.Join(c.WorkingDirectory, filepath.Base(m.Config.DB)),
	})
}

// serviceFailed words a failed action; a refusal for lack of rights says
// how to get them.
func (m *Main) serviceFailed(host serviceHost, action string, err error) error {
	if errors.Is(err, fs.ErrPermission) {
		id := "appliance.service.err.root"
		if host.OS() == "windows" {
			id = "appliance.service.err.admin"
		}
		return m.local(id, nil, err)
	}
	return m.local("appliance.service.err.failed", map[string]any{"Action": action, "Err": err}, err)
}

// serviceConfig is the service dangol registers on goos: serve with the
// current --db, --lang and --tz, working in the data file's folder, its
// settings in the env file (returned; empty when there are none),
// restarted on failure.
func (m *Main) serviceConfig(goos string) (*service.Config, string, error) {
	db, err := filepath.Abs(m.Config.DB)
	if err != nil {
		return nil, "", fmt.Errorf("service: data file %s: %w", m.Config.DB, err)
	}
	exe, err := m.services().Executable()
	if err != nil {
		return nil, "", fmt.Errorf("service: find the dangol program: %w", err)
	}
	dir := filepath.Dir(db)
	args := []string{"serve", "--db", db, "--lang", m.Config.Lang, "--tz", m.Config.TZ}
	envFile := ""
	if len(m.serviceEnv()) > 0 {
		envFile = filepath.Join(dir, envFileName)
		args = append(args, "--env-file", envFile)
	}
	c := &service.Config{
		Name:             serviceName,
		DisplayName:      "dangol (단골)",
		Description:      m.Catalog.Text(m.Config.Lang, "appliance.service.description", nil),
		Executable:       exe,
		Arguments:        args,
		WorkingDirectory: dir,
		Option: service.KeyValue{
			// systemd: a clean stop (SIGTERM, exit 0) stays stopped;
			// anything else is restarted (the unit waits 120 s).
			"Restart": "on-failure",
			// Windows: the service manager restarts it after a crash.
			"OnFailure":              "restart",
			"OnFailureDelayDuration": "10s",
			// launchd: a user agent (no admin needed), started at login
			// and kept running; its logs go beside the data file.
			"UserService":  goos == "darwin",
			"KeepAlive":    true,
			"RunAtLoad":    true,
			"LogDirectory": dir,
		},
	}
	if goos == "linux" {
		// The shop PC may boot before its network is up; dangol retries,
		// but there is no point starting before the network is configured.
		c.Dependencies = []string{"After=network-online.target", "Wants=network-online.target"}
		// Installed with sudo, it runs as the person who typed sudo, not
		// as root: the data file stays theirs.
		if u := m.Getenv("SUDO_USER"); u != "" && u != "root" {
			c.UserName = u
		}
	}
	return c, envFile, nil
}

// serviceEnv returns the DANGOL_* settings the service keeps, as
// NAME=value lines sorted by name: those of the environment over those of
// --env-file. --db, --lang and --tz travel as flags instead.
func (m *Main) serviceEnv() []string {
	vals := map[string]string{}
	for k, v := range m.envFile {
		if strings.TrimSpace(v) != "" {
			vals[k] = v
		}
	}
	if m.Environ != nil {
		for _, kv := range m.Environ() {
			k, v, ok := strings.Cut(kv, "=")
			if ok && strings.HasPrefix(k, "DANGOL_") && strings.TrimSpace(v) != "" {
				vals[k] = v
			}
		}
	}
	for _, k := range []string{"DANGOL_DB", "DANGOL_LANG", "DANGOL_TZ"} {
		delete(vals, k)
	}
	lines := make([]string, 0, len(vals))
	for k, v := range vals {
		lines = append(lines, k+"="+v)
	}
	slices.Sort(lines)
	return lines
}

// writeServiceEnv writes serviceEnv to path, mode 0600: tokens are
// secrets. Under sudo the file is given to the user the service runs as.
func (m *Main) writeServiceEnv(path string) error {
	var b strings.Builder
	b.WriteString("# dangol service settings (dangol service install). Tokens: keep this file private (0600).\n")
	for _, line := range m.serviceEnv() {
		if strings.ContainsAny(line, "\r\n") {
			name, _, _ := strings.Cut(line, "=")
			return m.local("appliance.err.env_value", map[string]any{"Name": name}, nil)
		}
		b.WriteString(line + "\n")
	}
	// A temporary file is created 0600 from the start, so the tokens are
	// never readable by others, even for a moment or over an old 0644 file.
	f, err := os.CreateTemp(filepath.Dir(path), ".dangol-env-*")
	if err != nil {
		return fmt.Errorf("service: write %s: %w", path, err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // after the rename there is nothing to remove
	if _, err := f.WriteString(b.String()); err != nil {
		f.Close()
		return fmt.Errorf("service: write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("service: write %s: %w", path, err)
	}
	if err := os.Chmod(tmp, 0o600); err != nil {
		return fmt.Errorf("service: write %s: %w", path, err)
	}
	if uid, gid, ok := sudoOwner(m.Getenv); ok && runtime.GOOS != "windows" {
		if err := os.Chown(tmp, uid, gid); err != nil {
			return fmt.Errorf("service: give %s to the user: %w", path, err)
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("service: write %s: %w", path, err)
	}
	return nil
}

// sudoOwner returns the user and group that ran sudo.
func sudoOwner(getenv func(string) string) (uid, gid int, ok bool) {
	u, err1 := strconv.Atoi(getenv("SUDO_UID"))
	g, err2 := strconv.Atoi(getenv("SUDO_GID"))
	if err1 != nil || err2 != nil || u == 0 {
		return 0, 0, false
	}
	return u, g, true
}

// envFileGetenv reads an env file (NAME=value lines; blank lines and
// lines starting with # are skipped, as in Docker's env_file) and returns
// a getenv that answers from the environment first and the file beneath.
func (m *Main) envFileGetenv(path string) (func(string) string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, m.usage("appliance.err.env_file", map[string]any{"File": path, "Err": err})
	}
	defer f.Close()
	vals := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if n == 1 {
			line = strings.TrimPrefix(line, "\uFEFF") // Notepad's byte order mark
		}
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		k = strings.TrimSpace(strings.TrimPrefix(k, "export "))
		if !ok || k == "" || strings.ContainsAny(k, " \t") {
			return nil, m.usage("appliance.err.env_line", map[string]any{"File": path, "Line": n})
		}
		vals[k] = unquote(strings.TrimSpace(v))
	}
	if err := sc.Err(); err != nil {
		return nil, m.usage("appliance.err.env_file", map[string]any{"File": path, "Err": err})
	}
	m.envFile = vals
	getenv := m.Getenv
	return func(k string) string {
		if v := getenv(k); strings.TrimSpace(v) != "" {
			return v
		}
		return vals[k]
	}, nil
}

// unquote removes one pair of matching quotes around v, as Docker
// Compose reads an env_file.
func unquote(v string) string {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		return v[1 : len(v)-1]
	}
	return v
}

// serviceProgram is dangol's work as the service manager sees it: Start
// runs serve in the background, Stop cancels it and waits until serve has
// finished what it holds and the ledger is ready to close.
type serviceProgram struct {
	serve  func(context.Context) error
	ctx    context.Context
	cancel context.CancelFunc
	// ended, when set, is called when serve returns before Stop was
	// asked for (Windows, where Run cannot be told to return).
	ended func(error)

	once    sync.Once
	started atomic.Bool
	done    chan struct{} // closed when serve has returned
	err     error         // serve's, once done is closed
}

// newServiceProgram returns the program that runs serve under ctx.
func newServiceProgram(ctx context.Context, serve func(context.Context) error) *serviceProgram {
	ctx, cancel := context.WithCancel(ctx)
	return &serviceProgram{serve: serve, ctx: ctx, cancel: cancel, done: make(chan struct{})}
}

// Start implements service.Interface. It returns at once, as the service
// manager wants.
func (p *serviceProgram) Start(service.Service) error {
	p.once.Do(func() {
		p.started.Store(true)
		go func() {
			p.err = p.serve(p.ctx)
			stopped := p.ctx.Err() != nil
			close(p.done)
			if !stopped && p.ended != nil {
				p.ended(p.err)
			}
		}()
	})
	return nil
}

// Stop implements service.Interface: serve stops taking messages and
// finishes the ones it holds (at most drainTimeout).
func (p *serviceProgram) Stop(service.Service) error {
	p.cancel()
	p.wait()
	return nil
}

// wait returns when serve has returned, at once if it never started.
func (p *serviceProgram) wait() {
	if p.started.Load() {
		<-p.done
	}
}

// runService runs serve under the service manager until it asks dangol
// to stop (or ctx is done), then stops gracefully. When serve ends by
// itself (a token the platform refused) its error is returned, so dangol
// exits 1 and the manager restarts it.
func (m *Main) runService(ctx context.Context, serve func(context.Context) error) error {
	host := m.services()
	p := newServiceProgram(ctx, serve)
	defer p.cancel()
	c := &service.Config{
		Name: serviceName,
		Option: service.KeyValue{
			// Not only a signal ends the wait (kardianos' default): serve
			// ending on its own does too, so the process can exit.
			"RunWait": func() {
				select {
				case <-p.ctx.Done():
				case <-p.done:
				}
			},
		},
	}
	if host.OS() == "windows" {
		// Windows ignores RunWait and gives a service no stderr: the log
		// goes beside the data file, and a serve that ended on its own
		// ends the process, which the service manager restarts.
		db, _ := filepath.Abs(m.Config.DB)
		if f, err := openServiceLog(filepath.Dir(db)); err == nil {
			defer f.Close()
			m.Logger = newLogger(f, m.Config, false)
		}
		p.ended = func(err error) {
			code := 0
			if err != nil {
				m.Logger.Error("serve ended", "err", err)
				code = 1
			}
			m.Close()
			os.Exit(code)
		}
	}
	s, err := host.New(p, c)
	if err != nil {
		return fmt.Errorf("service: %w", err)
	}
	if err := s.Run(); err != nil {
		p.cancel()
		p.wait()
		return fmt.Errorf("service: %w", err)
	}
	p.wait()
	return p.err
}

// maxServiceLog is the size at which the Windows service's log starts
// afresh, the previous one kept as dangol.log.old: a shop PC runs for
// years and nobody trims its logs.
const maxServiceLog = 10 << 20

// openServiceLog opens dir/dangol.log for appending, first moving one
// over maxServiceLog to dangol.log.old.
func openServiceLog(dir string) (*os.File, error) {
	path := filepath.Join(dir, "dangol.log")
	if fi, err := os.Stat(path); err == nil && fi.Size() > maxServiceLog {
		if err := os.Rename(path, path+".old"); err != nil {
			return nil, fmt.Errorf("service: rotate %s: %w", path, err)
		}
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("service: open %s: %w", path, err)
	}
	return f, nil
}

// say prints message id to standard output in the configured language.
func (m *Main) say(id string, data map[string]any) error {
	_, err := fmt.Fprintln(m.Stdout, m.Catalog.Text(m.Config.Lang, id, data))
	return err
}

// local returns an error worded by message id in the configured language
// (exit status 1), keeping cause reachable through errors.Is.
func (m *Main) local(id string, data map[string]any, cause error) error {
	return &localError{m.Catalog.Text(m.usageLang(), id, data), cause}
}
