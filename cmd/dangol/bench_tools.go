package main

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"runtime"
	rmetrics "runtime/metrics"
	"runtime/pprof"
	"runtime/trace"
	"slices"
	"strconv"
	"time"
)

// inprocTransport carries the adapter's Bot API requests straight to the
// fake's handler, in the calling goroutine, with no TCP: dangol bench's
// --api inproc. The real go-telegram/bot client still encodes every
// request (multipart) and decodes every answer (JSON), and the real
// adapter, relay and engine run as they serve; only the kernel's loopback
// (syscalls, the server's goroutine per connection, HTTP/1.1 framing) is
// left out, as the grammY peer answers its API calls in process.
type inprocTransport struct{ h http.Handler }

// RoundTrip implements http.RoundTripper. The handler sees the request as
// a server would: the body to read, the client's context (a long poll
// ends when the client gives up).
func (t inprocTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	// A shallow copy, not req.Clone: the fake reads the headers and the
	// URL and changes neither, and Clone copied both for every call.
	in := new(http.Request)
	*in = *req
	if in.Body == nil {
		in.Body = http.NoBody
	}
	in.RequestURI = req.URL.RequestURI()
	in.RemoteAddr = "inproc"
	w := &inprocWriter{header: http.Header{}}
	t.h.ServeHTTP(w, in)
	if req.Body != nil {
		_ = req.Body.Close()
	}
	if err := req.Context().Err(); err != nil {
		// A long poll the client gave up: over TCP it gets no answer
		// either, only its own context's error.
		return nil, err
	}
	if w.status == 0 {
		w.status = http.StatusOK
	}
	status := "200 OK"
	if w.status != http.StatusOK {
		status = strconv.Itoa(w.status) + " " + http.StatusText(w.status)
	}
	return &http.Response{
		Status:        status,
		StatusCode:    w.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        w.header,
		Body:          w, // the answer is read from the writer's buffer
		ContentLength: int64(w.body.Len()),
		Request:       req,
	}, nil
}

// inprocWriter is the http.ResponseWriter the handler writes its answer
// to; it cannot be hijacked, so a scripted dropped connection (which the
// bench never scripts) answers empty instead.
type inprocWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *inprocWriter) Header() http.Header { return w.header }

func (w *inprocWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *inprocWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.body.Write(p)
}

// Read and Close make the writer the answer's body once the handler is
// done with it, with no reader of its own to allocate.
func (w *inprocWriter) Read(p []byte) (int, error) { return w.body.Read(p) }

// Close implements io.Closer; the buffer is the garbage collector's.
func (w *inprocWriter) Close() error { return nil }

// benchProfile starts a CPU profile into cpu and an execution trace into
// tr, and readies an allocation profile into mem, with the allocations
// before the scenarios in mem+".start" (for pprof -base); "" for none. stop
// ends them.
func benchProfile(cpu, mem, tr string) (stop func() error, err error) {
	var f, tf *os.File
	if tr != "" {
		if tf, err = os.Create(tr); err != nil {
			return nil, fmt.Errorf("bench: trace: %w", err)
		}
		if err := trace.Start(tf); err != nil {
			tf.Close()
			return nil, fmt.Errorf("bench: trace: %w", err)
		}
	}
	if cpu != "" {
		if f, err = os.Create(cpu); err != nil {
			return nil, fmt.Errorf("bench: cpu profile: %w", err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return nil, fmt.Errorf("bench: cpu profile: %w", err)
		}
	}
	if mem != "" {
		// The seeding's allocations are not the scenarios': a profile of
		// the start lets pprof -base subtract them.
		if err := writeAllocs(mem + ".start"); err != nil {
			return nil, err
		}
	}
	return func() error {
		if tf != nil {
			trace.Stop()
			if err := tf.Close(); err != nil {
				return fmt.Errorf("bench: trace: %w", err)
			}
		}
		if f != nil {
			pprof.StopCPUProfile()
			if err := f.Close(); err != nil {
				return fmt.Errorf("bench: cpu profile: %w", err)
			}
		}
		if mem == "" {
			return nil
		}
		return writeAllocs(mem)
	}, nil
}

// writeAllocs writes the allocation profile so far to path.
func writeAllocs(path string) error {
	mf, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("bench: allocation profile: %w", err)
	}
	runtime.GC()
	if err := pprof.Lookup("allocs").WriteTo(mf, 0); err != nil {
		mf.Close()
		return fmt.Errorf("bench: allocation profile: %w", err)
	}
	if err := mf.Close(); err != nil {
		return fmt.Errorf("bench: allocation profile: %w", err)
	}
	return nil
}

// benchCost is what the whole process spent over a run: CPU time (user and
// system, processCPU) and heap allocations. On a machine others share,
// wall-clock rates move with their load, these per-update figures much
// less: they are what a change to the hot paths is judged by. They count
// everything in the process: the fake Bot API and the virtual customers
// too, not only dangol's side.
type benchCost struct {
	cpu    time.Duration
	allocs uint64
}

// benchCostNow reads the process's CPU time and allocation count.
func benchCostNow() benchCost {
	s := []rmetrics.Sample{{Name: "/gc/heap/allocs:objects"}}
	rmetrics.Read(s)
	var allocs uint64
	if s[0].Value.Kind() == rmetrics.KindUint64 {
		allocs = s[0].Value.Uint64()
	}
	return benchCost{cpu: processCPU(), allocs: allocs}
}

// per returns the CPU microseconds and allocations per update since c.
func (c benchCost) per(updates int) (cpuUS, allocs float64) {
	if updates <= 0 {
		return 0, 0
	}
	now := benchCostNow()
	return round(float64(now.cpu-c.cpu)/float64(time.Microsecond)/float64(updates), 1),
		round(float64(now.allocs-c.allocs)/float64(updates), 0)
}

// fsyncProbes is how many write-and-fsyncs probeFsync times.
const fsyncProbes = 50

// probeFsync returns the median time of writing 4 KiB in place and
// syncing it to the disk (os.File.Sync), over fsyncProbes tries, in a
// file of its own in dir, removed after. The bench's ledger and the peer's
// SQLite file both wait on this for every durable commit, and it moves
// with the disk's other work: set beside a round's figures, it tells a
// slower disk from a slower program.
func probeFsync(dir string) (time.Duration, error) {
	f, err := os.CreateTemp(dir, "fsync-probe-")
	if err != nil {
		return 0, fmt.Errorf("bench: fsync probe: %w", err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	buf := make([]byte, 4096)
	took := make([]time.Duration, 0, fsyncProbes)
	for i := range fsyncProbes {
		buf[0] = byte(i)
		start := time.Now()
		if _, err := f.WriteAt(buf, 0); err != nil {
			return 0, fmt.Errorf("bench: fsync probe: %w", err)
		}
		if err := f.Sync(); err != nil {
			return 0, fmt.Errorf("bench: fsync probe: %w", err)
		}
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	return took[len(took)/2], nil
}
