package webhook

import (
	"net"
	"net/http"
	"net/netip"
	"sync"
)

// guard is a listener that holds at most maxConns connections, at most perIP
// of them from one public address, and makes room by closing idle
// kept-alive connections: net/http closes an idle connection only at its
// IdleTimeout, and netutil.LimitListener counts it against the cap until
// then, so a few hundred clients that each send one request and stay
// connected shut the platforms out (600 did for 15 s, tester X1). Its
// state hook must be the server's ConnState.
type guard struct {
	net.Listener
	maxConns, perIP int
	// capped reports whether conns from an address count against perIP:
	// not loopback or private ones, which are the reverse proxy (or
	// Docker's port forwarder) every request comes through.
	capped func(netip.Addr) bool

	mu     sync.Mutex
	conns  map[net.Conn]*tracked
	byAddr map[netip.Addr]int
	idled  uint64        // idle transitions so far: orders idle connections
	freed  chan struct{} // closed and replaced when a connection ends or idles
	done   chan struct{} // closed by Close
	once   sync.Once
}

// tracked is what the guard knows of one connection.
type tracked struct {
	addr  netip.Addr
	idle  bool
	since uint64 // the guard's count of idle transitions when it went idle
}

func newGuard(ln net.Listener, maxConns, perIP int) *guard {
	return &guard{
		Listener: ln, maxConns: maxConns, perIP: perIP,
		capped: func(a netip.Addr) bool { return a.IsValid() && !a.IsLoopback() && !a.IsPrivate() },
		conns:  make(map[net.Conn]*tracked), byAddr: make(map[netip.Addr]int),
		freed: make(chan struct{}), done: make(chan struct{}),
	}
}

// Accept waits for a free slot, closing the longest-idle connection when
// there is none, then accepts. A connection from an address that holds
// perIP already is closed at once unless one of that address's own idle
// connections can make way: one client cannot take the server from the
// others, the platforms included.
func (g *guard) Accept() (net.Conn, error) {
	for {
		if err := g.slot(); err != nil {
			return nil, err
		}
		c, err := g.Listener.Accept()
		if err != nil {
			return nil, err
		}
		addr := remoteAddr(c)
		g.mu.Lock()
		if g.capped(addr) && g.byAddr[addr] >= g.perIP && !g.evictLocked(func(t *tracked) bool { return t.addr == addr }) {
			g.mu.Unlock()
			c.Close()
			continue
		}
		g.conns[c] = &tracked{addr: addr}
		g.byAddr[addr]++
		g.mu.Unlock()
		return c, nil
	}
}

// slot returns once fewer than maxConns connections are held, closing idle
// ones to get there.
func (g *guard) slot() error {
	for {
		g.mu.Lock()
		if len(g.conns) < g.maxConns || g.evictLocked(func(*tracked) bool { return true }) {
			g.mu.Unlock()
			return nil
		}
		freed := g.freed
		g.mu.Unlock()
		select {
		case <-freed:
		case <-g.done:
			return net.ErrClosed
		}
	}
}

// evictLocked closes the longest-idle connection that which accepts and
// forgets it at once (its server sees it closed when it next reads), so
// its slot is free when it returns true.
func (g *guard) evictLocked(which func(*tracked) bool) bool {
	var (
		oldest net.Conn
		ot     *tracked
	)
	for c, t := range g.conns {
		if t.idle && which(t) && (ot == nil || t.since < ot.since) {
			oldest, ot = c, t
		}
	}
	if oldest == nil {
		return false
	}
	g.forgetLocked(oldest, ot)
	oldest.Close()
	return true
}

func (g *guard) forgetLocked(c net.Conn, t *tracked) {
	delete(g.conns, c)
	if g.byAddr[t.addr]--; g.byAddr[t.addr] <= 0 {
		delete(g.byAddr, t.addr)
	}
	close(g.freed)
	g.freed = make(chan struct{})
}

// state is the server's ConnState: it marks connections idle or busy and
// frees the slot of one that ended.
func (g *guard) state(c net.Conn, s http.ConnState) {
	g.mu.Lock()
	defer g.mu.Unlock()
	t, ok := g.conns[c]
	if !ok {
		return // evicted already
	}
	switch s {
	case http.StateIdle:
		g.idled++
		t.idle, t.since = true, g.idled
		// An Accept waiting for a slot may close this one now.
		close(g.freed)
		g.freed = make(chan struct{})
	case http.StateActive, http.StateNew:
		t.idle = false
	case http.StateClosed, http.StateHijacked:
		g.forgetLocked(c, t)
	}
}

// Close stops Accept, including one waiting for a slot.
func (g *guard) Close() error {
	g.once.Do(func() { close(g.done) })
	return g.Listener.Close()
}

// remoteAddr is c's peer address, the zero Addr when it has none (a
// listener other than TCP's), which is never capped.
func remoteAddr(c net.Conn) netip.Addr {
	if a, ok := c.RemoteAddr().(*net.TCPAddr); ok {
		return a.AddrPort().Addr().Unmap()
	}
	return netip.Addr{}
}
