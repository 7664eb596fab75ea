package main

import (
	"context"
	"errors"
	"math"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/dangol/dangol/dialog"
	"github.com/dangol/dangol/ledger"
)

// This file holds what /metrics counts and the seams that count it: a
// decorator of the engine's Handle, the ledger's OnCommit, the adapters'
// Observer, a wrapper of each scheduled job, and gauges read at scrape.
//
// No label ever holds customer data: every label value comes from a fixed
// set (channel, outcome, platform, job), and an unknown channel is "other".

// Outcomes of a handled message, the values of the outcome label.
const (
	outcomeOK        = "ok"        // handled without error (answered, or needing no answer)
	outcomeError     = "error"     // the engine failed and apologised
	outcomeDuplicate = "duplicate" // a re-delivered event, already handled: nothing changed
)

// channelLabel is the channel label of a message: one of the channels
// dangol knows, or "other", so a label never holds what a sender chose.
func channelLabel(ch string) string {
	if slices.Contains(channels, ch) {
		return ch
	}
	return "other"
}

// metrics are the counters, histograms and gauges of one serving dangol,
// on a registry of their own (never Prometheus's global one).
type metrics struct {
	reg *prometheus.Registry
	// now times Handle; serve uses time.Now, tests a clock they move.
	now func() time.Time

	handled      *prometheus.CounterVec   // channel, outcome
	handleTime   *prometheus.HistogramVec // channel
	commitTime   prometheus.Histogram
	commitErrors prometheus.Counter
	sendErrors   *prometheus.CounterVec // platform
	posts        *prometheus.CounterVec // job
	postsFailed  *prometheus.CounterVec // job
	state        *stateCollector
}

// newMetrics registers every dangol metric, and Go's and the process's
// collectors, on a new registry. ledgerPath is the data file whose size is
// reported; backupDir the folder of serve's backups ("" when backups are
// off, and then no backup age is reported).
func newMetrics(now func() time.Time, ledgerPath, backupDir string) *metrics {
	if now == nil {
		now = time.Now
	}
	m := &metrics{
		reg: prometheus.NewRegistry(),
		now: now,
		handled: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dangol_messages_handled_total",
			Help: "Messages handed to the dialog engine, by channel and outcome (ok, error, duplicate).",
		}, []string{"channel", "outcome"}),
		handleTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "dangol_handle_duration_seconds",
			Help: "Time the dialog engine took to handle one message, by channel.",
			// 1 ms to about 8 s: a turn is one fsync'd commit, a summary
			// with its chart takes longer.
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
		}, []string{"channel"}),
		commitTime: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "dangol_ledger_commit_duration_seconds",
			Help: "Time one ledger write transaction took until it was committed and synced.",
			// 0.5 ms to about 4 s: an SSD syncs in a millisecond, a tired
			// disk of a shop PC in tens.
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
		}),
		commitErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "dangol_ledger_commit_errors_total",
			Help: "Ledger write transactions whose commit failed.",
		}),
		sendErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dangol_send_errors_total",
			Help: "Outgoing messages a platform did not take after the retries, by platform.",
		}, []string{"platform"}),
		posts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dangol_scheduled_posts_total",
			Help: "Scheduled posts sent, by job.",
		}, []string{"job"}),
		postsFailed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dangol_scheduled_posts_failed_total",
			Help: "Scheduled posts (or a job's own work, such as a backup) that failed and will be tried again, by job.",
		}, []string{"job"}),
		state: newStateCollector(now, ledgerPath, backupDir),
	}
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.handled, m.handleTime, m.commitTime, m.commitErrors,
		m.sendErrors, m.posts, m.postsFailed, m.state,
	)
	return m
}

// watchChannel makes the series of channel exist at 0 before its first
// message, so a dashboard tells "nothing yet" from "not configured".
func (m *metrics) watchChannel(channel string) {
	if m == nil {
		return
	}
	ch := channelLabel(channel)
	for _, o := range []string{outcomeOK, outcomeError, outcomeDuplicate} {
		m.handled.WithLabelValues(ch, o)
	}
	m.handleTime.WithLabelValues(ch)
}

// handler is the engine as every adapter sees it.
type handler interface {
	Handle(ctx context.Context, msg dialog.Message) ([]dialog.Reply, error)
}

// handler returns next counted and timed; with no metrics, next itself.
func (m *metrics) handler(next handler) handler {
	if m == nil {
		return next
	}
	return measuredHandler{next: next, m: m}
}

// measuredHandler is a handler that counts and times every message.
type measuredHandler struct {
	next handler
	m    *metrics
}

// Handle handles msg with the engine and counts it by channel and outcome.
func (h measuredHandler) Handle(ctx context.Context, msg dialog.Message) ([]dialog.Reply, error) {
	ctx, dup := dialog.WatchDuplicate(ctx)
	start := h.m.now()
	replies, err := h.next.Handle(ctx, msg)
	ch := channelLabel(msg.Channel)
	h.m.handleTime.WithLabelValues(ch).Observe(h.m.now().Sub(start).Seconds())
	outcome := outcomeOK
	switch {
	case err != nil:
		outcome = outcomeError
	case dup():
		outcome = outcomeDuplicate
	}
	h.m.handled.WithLabelValues(ch, outcome).Inc()
	return replies, err
}

// ledgerOptions returns the ledger's Options with OnCommit feeding the
// commit histogram; nil without metrics.
func (m *metrics) ledgerOptions() *ledger.Options {
	if m == nil {
		return nil
	}
	return &ledger.Options{OnCommit: m.observeCommit}
}

// observeCommit is the ledger's OnCommit.
func (m *metrics) observeCommit(d time.Duration, err error) {
	if err != nil {
		m.commitErrors.Inc()
		return
	}
	m.commitTime.Observe(d.Seconds())
}

// sendObserver is an adapter's Observer (telegram.Observer and
// slack.Observer alike) counting into one platform's series.
type sendObserver struct{ c prometheus.Counter }

// SendFailed counts one message the platform did not take.
func (o sendObserver) SendFailed() { o.c.Inc() }

// queuer is an adapter that can tell its queue depth.
type queuer interface{ Queued() int }

// sendFailer is what telegram.Observer and slack.Observer ask for.
type sendFailer interface{ SendFailed() }

// watchPlatform returns the Observer for platform's adapter and makes its
// send-error series exist at 0. The adapter itself is given to watchQueue
// once it is built. A nil interface without metrics (never a nil pointer in
// a non-nil interface): the adapter then counts nothing.
func (m *metrics) watchPlatform(platform string) sendFailer {
	if m == nil {
		return nil
	}
	return sendObserver{c: m.sendErrors.WithLabelValues(platform)}
}

// watchQueue reports p's queue depth at each scrape, when p can tell it.
func (m *metrics) watchQueue(platform string, p any) {
	if m == nil {
		return
	}
	if q, ok := p.(queuer); ok {
		m.state.addQueue(platform, q)
	}
}

// jobs returns jobs with Posts and Deliver counted by job name: a reply
// delivered is a post made; a Deliver or Posts that failed (a backup that
// could not be written) is a failure, which the scheduler tries again.
// Without metrics jobs come back as they are.
func (m *metrics) jobs(jobs []dialog.Job) []dialog.Job {
	if m == nil {
		return jobs
	}
	out := slices.Clone(jobs)
	for i := range out {
		made, failed := m.posts.WithLabelValues(out[i].Name), m.postsFailed.WithLabelValues(out[i].Name)
		posts, deliver := out[i].Posts, out[i].Deliver
		out[i].Posts = func(ctx context.Context, at time.Time) ([]dialog.Reply, error) {
			rs, err := posts(ctx, at)
			if err != nil {
				failed.Inc()
			}
			return rs, err
		}
		out[i].Deliver = func(ctx context.Context, r dialog.Reply) error {
			err := deliver(ctx, r)
			if err != nil {
				failed.Inc()
			} else {
				made.Inc()
			}
			return err
		}
	}
	return out
}

// stateCollector reports what is read at scrape rather than counted: the
// adapters' queue depths, the age of the newest backup and the size of the
// ledger file.
type stateCollector struct {
	now        func() time.Time
	ledgerPath string
	backupDir  string

	queueDepth *prometheus.Desc
	backupAge  *prometheus.Desc
	ledgerSize *prometheus.Desc
	diskFree   *prometheus.Desc

	mu     sync.Mutex
	queues map[string]queuer // platform -> adapter
}

func newStateCollector(now func() time.Time, ledgerPath, backupDir string) *stateCollector {
	return &stateCollector{
		now: now, ledgerPath: ledgerPath, backupDir: backupDir,
		queueDepth: prometheus.NewDesc("dangol_queue_depth",
			"Incoming events waiting for the engine or being handled, by platform.", []string{"platform"}, nil),
		backupAge: prometheus.NewDesc("dangol_backup_age_seconds",
			"Seconds since the newest backup in DANGOL_BACKUP_DIR was written; +Inf while there is none. Absent when backups are off.", nil, nil),
		ledgerSize: prometheus.NewDesc("dangol_ledger_size_bytes",
			"Size of the ledger file in bytes.", nil, nil),
		diskFree: prometheus.NewDesc("dangol_disk_free_bytes",
			"Bytes dangol may still write on the disk that holds the ledger file; when none are left, records cannot be saved.", nil, nil),
		queues: map[string]queuer{},
	}
}

func (c *stateCollector) addQueue(platform string, q queuer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.queues[platform] = q
}

// Describe implements prometheus.Collector.
func (c *stateCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.queueDepth
	ch <- c.backupAge
	ch <- c.ledgerSize
	ch <- c.diskFree
}

// Collect implements prometheus.Collector. A file that cannot be read is
// reported as that metric's error; the rest of the scrape still goes out.
func (c *stateCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	for platform, q := range c.queues {
		ch <- prometheus.MustNewConstMetric(c.queueDepth, prometheus.GaugeValue, float64(q.Queued()), platform)
	}
	c.mu.Unlock()
	if fi, err := os.Stat(c.ledgerPath); err != nil {
		ch <- prometheus.NewInvalidMetric(c.ledgerSize, err)
	} else {
		ch <- prometheus.MustNewConstMetric(c.ledgerSize, prometheus.GaugeValue, float64(fi.Size()))
	}
	switch free, err := diskFreeAt(c.ledgerPath); {
	case errors.Is(err, errors.ErrUnsupported):
		// Not asked on this system: no series.
	case err != nil:
		ch <- prometheus.NewInvalidMetric(c.diskFree, err)
	default:
		ch <- prometheus.MustNewConstMetric(c.diskFree, prometheus.GaugeValue, float64(free))
	}
	if c.backupDir == "" {
		return
	}
	newest, err := newestBackup(c.backupDir)
	switch {
	case err != nil:
		ch <- prometheus.NewInvalidMetric(c.backupAge, err)
	case newest.IsZero():
		ch <- prometheus.MustNewConstMetric(c.backupAge, prometheus.GaugeValue, math.Inf(1))
	default:
		ch <- prometheus.MustNewConstMetric(c.backupAge, prometheus.GaugeValue, max(c.now().Sub(newest).Seconds(), 0))
	}
}

// newestBackup returns when the newest backup in dir (a file named as
// serve names them) was written; the zero time when there is none yet.
func newestBackup(dir string) (time.Time, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, err
	}
	var newest time.Time
	for _, e := range entries {
		if !e.Type().IsRegular() || !backupName.MatchString(e.Name()) {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue // removed by the rotation meanwhile
		}
		if t := fi.ModTime(); t.After(newest) {
			newest = t
		}
	}
	return newest, nil
}
