GO ?= go
BIN := bin/zkinfer
DEMO := examples/credit
OUT := out/demo

.PHONY: build build-evm build-queue test fuzz demo corpus bench lint clean mutate wasm web-test python-env

# zkinfer without the EVM simulator: everything but verify-evm, and none of
# go-ethereum's modules to download and build.
build:
	$(GO) build -o $(BIN) ./cmd/zkinfer

# zkinfer with verify-evm (go-ethereum's simulated chain; solc from npm ci).
build-evm:
	$(GO) build -tags evm -o $(BIN) ./cmd/zkinfer

# zkinfer with the embedded NATS JetStream server, so that prove --workers
# needs no --queue server (about 20 MB more; see docs/SCALING.md).
build-queue:
	$(GO) build -tags queue -o $(BIN) ./cmd/zkinfer

# Everything: unit, soundness, conformance and corpus tests, a sample of
# the mutation tests (make mutate), then a short run of every fuzz target
# (their seed corpora also run in go test).
# The EVM tests are built with -tags evm (every package, so that nothing
# is missed); the default build's verify-evm error is tested without it.
test:
	$(GO) vet ./...
	$(GO) vet -tags evm,queue ./...
	$(MAKE) wasm
	$(GO) test -tags evm,queue -timeout 60m ./...
	$(MAKE) web-test
	$(GO) test -run 'TestWithoutEVM|TestWithoutQueueServer' ./cmd/zkinfer
	@if [ -x $(PY_VENV)/bin/pytest ]; then $(PY_VENV)/bin/pytest -q -p no:cacheprovider python/tests; \
	else echo "SKIP: python/tests: no $(PY_VENV) (make python-env installs it, as .ci/run does)"; fi
	GO=$(GO) $(GO) run ./internal/mutate/cmd -sample
	GO=$(GO) scripts/fuzz.sh $(SHORT_FUZZTIME)

# The verifier compiled to WebAssembly (cmd/zkinfer-wasm) and Go's
# wasm_exec.js, into the npm package's dist/ (js/), which zkinfer
# export-web copies beside the page.
WASM_EXEC = $$(f="$$($(GO) env GOROOT)/lib/wasm/wasm_exec.js"; [ -f "$$f" ] || f="$$($(GO) env GOROOT)/misc/wasm/wasm_exec.js"; echo "$$f")
wasm:
	mkdir -p js/dist
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags=-s -o js/dist/zkinfer.wasm ./cmd/zkinfer-wasm
	cp "$(WASM_EXEC)" js/dist/wasm_exec.js

# The npm package and the page (scripts/webtest.sh): proofs of each backend
# made with bin/zkinfer, checked by node --test in Node and, through the
# page, in headless Chromium; the page's screenshots go to out/webtest.
web-test: build wasm
	ZK=$(BIN) scripts/webtest.sh

# The Python package (python/) and what its tests and examples/python need,
# pinned, in $(PY_VENV); the install builds the zkinfer binary from this
# checkout, so run it again after changing the Go code.
PY_VENV ?= .venv/py
python-env:
	test -x $(PY_VENV)/bin/python || python3 -m venv $(PY_VENV)
	$(PY_VENV)/bin/pip install -q -r python/requirements-test.txt
	$(PY_VENV)/bin/pip install -q --force-reinstall --no-deps ./python

# Mutation testing of the constraint code (docs/SOUNDNESS.md): every
# constraint statement of ops/, circuit/ and proof/ deleted or weakened in
# turn, each mutant judged by its package's soundness tests; fails on a
# survivor internal/mutate/equivalent.txt does not explain. make test runs
# a fixed sample (-sample).
mutate:
	GO=$(GO) $(GO) run ./internal/mutate/cmd

# Every fuzz target for FUZZTIME each (docs/SOUNDNESS.md).
FUZZTIME ?= 60s
# make test fuzzes a number of executions, not a duration: when a
# duration ends while Go minimizes a new input, go test reports "context
# deadline exceeded" as a failure (seen here on FuzzSettings), which would
# make CI flaky.
SHORT_FUZZTIME ?= 5000x
fuzz:
	GO=$(GO) scripts/fuzz.sh $(FUZZTIME)

# The whole pipeline on the shipped credit-scoring model.
demo: build
	@rm -rf $(OUT)
	$(BIN) run $(DEMO)/model.onnx --input $(DEMO)/input.json
	$(BIN) compile $(DEMO)/model.onnx --out $(OUT)
	$(BIN) setup $(OUT)
	$(BIN) prove $(OUT) --input $(DEMO)/input.json --proof $(OUT)/proof.json
	$(BIN) verify $(OUT) --proof $(OUT)/proof.json

# Prove every corpus model (slow).
corpus:
	ZKINFER_CORPUS=all $(GO) test -timeout 120m -run TestCorpus -v ./cmd/zkinfer

# zkinfer and EZKL side by side (bench/run.py: BENCHMARKS.md, bench/results/),
# after the gadget benchmarks. EZKL and the plotting libraries go into
# $(BENCH_VENV), never into CI. BENCH_FLAGS: e.g. --models accuracy,cnn_c32 --no-ezkl.
BENCH_VENV ?= .venv/bench
bench: build
	test -x $(BENCH_VENV)/bin/python || python3 -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install -q -r bench/requirements.txt
	mkdir -p bench/results
	$(GO) test -run '^$$' -bench Gadget -benchtime 3x ./bench | tee bench/results/gadgets.txt
	PATH="$$PWD/$(BENCH_VENV)/bin:$$PATH" $(BENCH_VENV)/bin/python bench/run.py $(BENCH_FLAGS)

clean:
	rm -rf bin out
