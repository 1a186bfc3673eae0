// Package embedded runs a NATS server with JetStream inside the process
// (github.com/nats-io/nats-server/v2): the job queue of package queue on a
// single machine, with nothing else to install. It is a package of its own
// because the server adds about 20 MB to a binary: the zkinfer command
// links it only when built with -tags queue.
package embedded

import (
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// Options configure an embedded NATS server.
type Options struct {
	// StoreDir is JetStream's storage directory: jobs and, in the object
	// store, witnesses and proofs survive a restart there.
	StoreDir string
	// Listen is the HOST:PORT clients connect to; "" is 127.0.0.1 on a
	// free port (this machine only).
	Listen string
}

// Server is an embedded NATS server with JetStream.
type Server struct {
	ns *server.Server
}

// Start starts an embedded NATS server with JetStream and waits
// until it accepts connections.
func Start(opt Options) (*Server, error) {
	if opt.StoreDir == "" {
		return nil, fmt.Errorf("queue server: the embedded server needs a storage directory")
	}
	host, port := "127.0.0.1", -1
	if opt.Listen != "" {
		h, p, err := net.SplitHostPort(opt.Listen)
		if err != nil {
			return nil, fmt.Errorf("queue server: listen address %q: %v", opt.Listen, err)
		}
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 65535 {
			return nil, fmt.Errorf("queue server: listen address %q: bad port", opt.Listen)
		}
		if h == "" {
			h = "0.0.0.0"
		}
		host, port = h, n
		if n == 0 {
			port = -1
		}
	}
	ns, err := server.NewServer(&server.Options{
		ServerName: "zkinfer",
		Host:       host,
		Port:       port,
		JetStream:  true,
		StoreDir:   opt.StoreDir,
		NoSigs:     true,
		NoLog:      true,
		// Segment proofs and witnesses go through the object store in
		// chunks; jobs are small.
		MaxPayload: 1 << 20,
	})
	if err != nil {
		return nil, fmt.Errorf("queue server: %v", err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(30 * time.Second) {
		ns.Shutdown()
		return nil, fmt.Errorf("queue server: the embedded NATS server did not start on %s:%d", host, port)
	}
	return &Server{ns: ns}, nil
}

// URL is the server's client URL (nats://HOST:PORT).
func (s *Server) URL() string { return s.ns.ClientURL() }

// Shutdown stops the server and waits until it has stopped.
func (s *Server) Shutdown() {
	s.ns.Shutdown()
	s.ns.WaitForShutdown()
}
