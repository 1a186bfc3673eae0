//go:build queue

package main

import (
	"sync"

	"github.com/zkinfer/zkinfer/queue/embedded"
)

// queueBuild says this binary embeds the NATS server (go build -tags
// queue).
const queueBuild = true

// startQueueServer starts the embedded NATS server with JetStream,
// storing in storeDir and listening on listen ("": loopback, a free port).
func startQueueServer(storeDir, listen string) (url string, shutdown func(), err error) {
	s, err := embedded.Start(embedded.Options{StoreDir: storeDir, Listen: listen})
	if err != nil {
		return "", nil, err
	}
	var once sync.Once
	return s.URL(), func() { once.Do(s.Shutdown) }, nil
}
