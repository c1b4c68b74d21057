// Package tcpproxy is a loopback TCP proxy for tests that need a real
// server to become unreachable and come back: Cut closes every connection
// and refuses new ones, Restore lets them through again. Freeze makes the
// server hang instead: connections stay open and nothing crosses them, as
// when a server or a network stops answering without closing anything.
package tcpproxy

import (
	"net"
	"sync"
)

// Proxy forwards connections from its own loopback address to a target.
type Proxy struct {
	ln     net.Listener
	target string

	mu     sync.Mutex
	thawed *sync.Cond // signalled when frozen turns false
	cut    bool
	frozen bool
	conns  map[net.Conn]struct{}
	wg     sync.WaitGroup
}

// Start listens on a free loopback port and forwards to target.
func Start(target string) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Proxy{ln: ln, target: target, conns: make(map[net.Conn]struct{})}
	p.thawed = sync.NewCond(&p.mu)
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Addr is the proxy's address, to give to the client instead of target's.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		if p.cut {
			p.mu.Unlock()
			c.Close()
			continue
		}
		p.mu.Unlock()
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns[c], p.conns[up] = struct{}{}, struct{}{}
		p.mu.Unlock()
		p.wg.Add(2)
		go p.pipe(c, up)
		go p.pipe(up, c)
	}
}

// pipe copies src to dst, holding still while the proxy is frozen: it
// neither reads nor writes then, so bytes sent meanwhile wait in the
// kernel's buffers, and reach the other side only if Thaw lets them.
func (p *Proxy) pipe(dst, src net.Conn) {
	defer p.wg.Done()
	buf := make([]byte, 32<<10)
	for p.waitThawed(src) {
		n, err := src.Read(buf)
		if n > 0 && p.waitThawed(src) {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				break
			}
		}
		if err != nil {
			break
		}
	}
	dst.Close()
	src.Close()
	p.mu.Lock()
	delete(p.conns, dst)
	delete(p.conns, src)
	p.mu.Unlock()
}

// waitThawed waits while the proxy is frozen, and reports whether c may
// still carry bytes: false once Thaw has dropped it.
func (p *Proxy) waitThawed(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	for p.frozen {
		p.thawed.Wait()
	}
	_, open := p.conns[c]
	return open
}

// Cut drops every open connection and refuses new ones until Restore.
func (p *Proxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = true
	p.dropLocked()
}

// Restore accepts connections again after Cut.
func (p *Proxy) Restore() {
	p.mu.Lock()
	p.cut = false
	p.mu.Unlock()
}

// Freeze stops every byte in both directions, on open connections and on
// new ones, without closing anything: to a client, the server hangs.
func (p *Proxy) Freeze() {
	p.mu.Lock()
	p.frozen = true
	p.mu.Unlock()
}

// Thaw ends a Freeze. The connections that were open are closed, and what
// was sent on them while frozen is dropped, never delivered late: only
// connections made afterwards carry bytes, so a client that gave up on a
// hung request cannot have it run behind its back.
func (p *Proxy) Thaw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.dropLocked()
	p.frozen = false
	p.thawed.Broadcast()
}

// dropLocked closes every open connection. Call with p.mu held.
func (p *Proxy) dropLocked() {
	for c := range p.conns {
		c.Close()
		delete(p.conns, c)
	}
}

// Close stops the proxy and waits for its goroutines.
func (p *Proxy) Close() {
	p.ln.Close()
	p.Thaw()
	p.Cut()
	p.wg.Wait()
}
