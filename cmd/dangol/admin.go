package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// The admin server: DANGOL_ADMIN_ADDR serves /healthz and /metrics while
// dangol serves (and while the console chats, when set: the same code
// path). It is off by default. Neither page needs a password, so it is
// meant for 127.0.0.1 or a private network; neither holds customer data.

// initMetrics makes m.metrics when DANGOL_ADMIN_ADDR is set, before the
// ledger opens (its commits are timed) and the adapters are built (they
// count failed sends). The console has no backups, so no backup age.
func (m *Main) initMetrics(consoleOnly bool) {
	if m.Config.AdminAddr == "" {
		return
	}
	backupDir := m.Config.BackupDir
	if consoleOnly {
		backupDir = ""
	}
	m.metrics = newMetrics(time.Now, m.Config.DB, backupDir)
}

// withAdmin returns runners with the admin server added, when
// DANGOL_ADMIN_ADDR is set: it checks every platform of r that can tell
// when it was last reached and reports their queues. Without the setting
// runners come back as they are.
func (m *Main) withAdmin(runners []runner, r *router) []runner {
	if m.metrics == nil {
		return runners
	}
	a := &adminServer{
		addr:    m.Config.AdminAddr,
		listen:  m.Listen,
		store:   m.Store,
		metrics: m.metrics,
		now:     time.Now, // the platforms' clock: never the console's
		logger:  m.Logger,
	}
	if path := m.Store.Path(); path != "" && m.Config.DiskWarn > 0 {
		a.diskWarn = m.Config.DiskWarn
		a.diskFree = func() (uint64, error) { return diskFreeAt(path) }
	}
	for _, name := range channels {
		p, ok := r.byChannel[name]
		if !ok {
			continue
		}
		m.metrics.watchChannel(name)
		m.metrics.watchQueue(name, p)
		if rr, ok := p.(reacher); ok {
			a.platforms = append(a.platforms, namedReacher{name: name, r: rr})
		}
	}
	return append(runners, a)
}

// Health thresholds.
const (
	// reachWindow is how long a platform may go unanswered before /healthz
	// fails: the adapters reach their API at least every minute (long
	// polling, keep-alives), so two minutes is a missed beat, not a lull.
	reachWindow = 2 * time.Minute
	// probeFresh is how long a successful ledger probe stands for the next
	// health checks, so a tight prober (or several) costs at most one
	// synced write every probeFresh.
	probeFresh = 10 * time.Second
	// adminDrain bounds the wait for admin requests at shutdown; they are
	// short.
	adminDrain = 5 * time.Second
)

// prober is the ledger as /healthz sees it: *ledger.Store.
type prober interface {
	Probe(ctx context.Context, now time.Time) error
}

// reacher is a platform that can tell when its API last answered
// (*telegram.Bot, *slack.Bot).
type reacher interface {
	Reached() time.Time
}

// namedReacher is one platform /healthz checks.
type namedReacher struct {
	name string // "telegram", "slack"
	r    reacher
}

// adminServer serves /healthz and /metrics on addr.
type adminServer struct {
	addr      string
	listen    func(network, addr string) (net.Listener, error) // nil: net.Listen
	store     prober
	platforms []namedReacher
	// diskFree, when set, tells the space left where the ledger file is:
	// under diskWarn (DANGOL_DISK_WARN) /healthz warns (nil: no check).
	diskFree func() (uint64, error)
	diskWarn uint64
	metrics  *metrics
	now      func() time.Time // the real clock in serve: platforms know no other
	logger   *slog.Logger
	// ready, when set, is told the address once the server listens
	// (tests learn the port of 127.0.0.1:0).
	ready func(addr string)

	mu     sync.Mutex // one ledger probe at a time
	probed time.Time  // when the last probe committed
}

// healthReport is the JSON body of /healthz.
type healthReport struct {
	OK      bool     `json:"ok"`
	Reasons []string `json:"reasons,omitempty"`
	// Warnings do not make the report fail: dangol still works, but will
	// not for long (the disk is filling).
	Warnings []string          `json:"warnings,omitempty"`
	Reached  map[string]string `json:"reached,omitempty"` // platform -> RFC 3339 time of its last answer
}

// Run serves until ctx is done, then shuts the server down.
func (a *adminServer) Run(ctx context.Context) error {
	listen := a.listen
	if listen == nil {
		listen = net.Listen
	}
	ln, err := listen("tcp", a.addr)
	if err != nil {
		return fmt.Errorf("admin: listen on %s (DANGOL_ADMIN_ADDR): %w", a.addr, err)
	}
	srv := &http.Server{Handler: a.handler(), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	a.logger.Info("admin: serving /healthz and /metrics", "addr", ln.Addr().String())
	if !isLoopback(a.addr) {
		a.logger.Warn("admin: DANGOL_ADMIN_ADDR is reachable from other machines, and /healthz and /metrics ask no password; prefer 127.0.0.1", "addr", a.addr)
	}
	if a.ready != nil {
		a.ready(ln.Addr().String())
	}
	select {
	case err := <-served:
		return fmt.Errorf("admin: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), adminDrain)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("admin: shut down: %w", err)
	}
	return nil
}

// handler routes /healthz and /metrics.
func (a *adminServer) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", a.serveHealth)
	mux.Handle("GET /metrics", promhttp.HandlerFor(a.metrics.reg, promhttp.HandlerOpts{
		// A file that cannot be read costs its own gauge, not the scrape.
		ErrorHandling: promhttp.ContinueOnError,
	}))
	return mux
}

// serveHealth answers 200 with {"ok":true,…} when the ledger commits and
// every platform answered within reachWindow, else 503 with the reasons.
func (a *adminServer) serveHealth(w http.ResponseWriter, r *http.Request) {
	rep := a.health(r.Context())
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if !rep.OK {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	if err := json.NewEncoder(w).Encode(rep); err != nil {
		a.logger.DebugContext(r.Context(), "admin: write /healthz", "err", err)
	}
}

// health checks the ledger and every platform. The reasons are for
// operators and their monitoring, in English like the log.
func (a *adminServer) health(ctx context.Context) healthReport {
	rep := healthReport{OK: true}
	if err := a.probeLedger(ctx); err != nil {
		rep.Reasons = append(rep.Reasons, "ledger: cannot commit: "+err.Error())
	}
	now := a.now()
	for _, p := range a.platforms {
		at := p.r.Reached()
		switch {
		case at.IsZero():
			rep.Reasons = append(rep.Reasons, p.name+": not reached yet")
		case now.Sub(at) > reachWindow:
			rep.Reasons = append(rep.Reasons, fmt.Sprintf("%s: not reached since %s (%s ago)",
				p.name, at.UTC().Format(time.RFC3339), now.Sub(at).Round(time.Second)))
		}
		if !at.IsZero() {
			if rep.Reached == nil {
				rep.Reached = map[string]string{}
			}
			rep.Reached[p.name] = at.UTC().Format(time.RFC3339)
		}
	}
	if a.diskFree != nil {
		// A full disk fails only the writes that need a new page: the
		// probe's tiny one may still go, so the space is looked at too.
		// Space that cannot be read is no warning: dangol_disk_free_bytes
		// reports the error.
		if free, err := a.diskFree(); err == nil && diskLow(free, a.diskWarn) {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("disk: %d MB free where the ledger file is, under %d MB: free some space before records can no longer be saved",
				free>>20, a.diskWarn>>20))
		}
	}
	rep.OK = len(rep.Reasons) == 0
	return rep
}

// probeLedger commits a tiny write, unless one committed within
// probeFresh. A failure is never reused: the next check tries again.
func (a *adminServer) probeLedger(ctx context.Context) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	if !a.probed.IsZero() && !now.Before(a.probed) && now.Sub(a.probed) < probeFresh {
		return nil
	}
	if err := a.store.Probe(ctx, now); err != nil {
		a.probed = time.Time{}
		return err
	}
	a.probed = now
	return nil
}

// hostname is a DNS name: labels of letters, digits and inner hyphens.
var hostname = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$`)

// checkAdminAddr accepts "" (off) and host:port where host is empty, an IP
// address or a host name and port is 0 to 65535.
func checkAdminAddr(addr string) error {
	if addr == "" {
		return nil
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return fmt.Errorf("port %q: want a number from 0 to 65535", port)
	}
	if host != "" && net.ParseIP(host) == nil && !hostname.MatchString(host) {
		return fmt.Errorf("host %q: want an IP address or a host name", host)
	}
	return nil
}

// isLoopback reports whether addr listens on this machine only.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
