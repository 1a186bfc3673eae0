//go:build !queue

package main

import "errors"

// queueBuild says this binary embeds the NATS server (go build -tags
// queue).
const queueBuild = false

// errNoQueueServer is prove --workers's error without --queue in a binary
// built without the embedded NATS server, which the default build leaves
// out (about 20 MB).
var errNoQueueServer = errors.New("this zkinfer is built without the embedded queue server: give --queue nats://HOST:4222 (a NATS server with JetStream), or run `make build-queue` (go build -tags queue ./cmd/zkinfer)")

func startQueueServer(storeDir, listen string) (string, func(), error) {
	return "", nil, errNoQueueServer
}
