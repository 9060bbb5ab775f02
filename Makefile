# Every target works on a fresh machine with only Go installed: tools run
# through "go run" at versions pinned here or in go.mod.
GO            ?= go
STATICCHECK   ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
SPEC          ?=
PUBLISHED     ?=
FAIL_ON_BREAKING ?=

.PHONY: all generate check-generated lint test check bench demo update-spec

all: check

## generate: regenerate api/ (models, client) and api/apiserver (strict server, embedded spec)
##   from openapi.yaml with the pinned oapi-codegen.
generate:
	$(GO) generate ./...

## check-generated: fail when the committed generated code differs from a fresh run.
check-generated: generate
	@status="$$(git status --porcelain)"; \
	if [ -n "$$status" ]; then \
		echo "generated code is stale or the tree is dirty after go generate:"; \
		echo "$$status"; git --no-pager diff --stat; exit 1; \
	fi

## lint: gofmt, go vet and staticcheck.
lint:
	@unformatted="$$(gofmt -l $$(git ls-files '*.go'))"; \
	if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

## test: every test, with the race detector.
test:
	$(GO) test -race ./...

## check: what CI runs.
check: check-generated lint test

## bench: benchmarks with their baselines, in one run. CPUPerSession reports
##   wrapper/baseline (typed, and raw as for ndjson) against a plain
##   net/http+encoding/json loop measured in the same iterations; Decode the
##   single-pass decoder against encoding/json; SixMonthWallTime wall/ideal;
##   Heap1M the peak heap over 1M sessions; CLICPU the binary's CPU per
##   session (csv, ndjson) against the plain loop; EndToEnd the binary against
##   the fake at Zoom's limit and under a shared budget (wall/bound,
##   wall/floor, 429s/page); Backfill sync's sessions/s written vs fetched.
bench:
	$(GO) test -run '^$$' -bench 'CPUPerSession|Decode|SixMonthWallTime' -benchtime 5x -count 3 -benchmem ./wrapper/
	$(GO) test -run '^$$' -bench 'Heap1M' -benchtime 1x ./wrapper/
	$(GO) test -run '^$$' -bench 'CLICPU' -benchtime 3x -count 3 ./cmd/zoom-chat-sessions/
	$(GO) test -run '^$$' -bench 'EndToEnd' -benchtime 1x ./cmd/zoom-chat-sessions/
	$(GO) test -run '^$$' -bench 'Backfill' -benchtime 1x ./archive/

## demo: the CLI on the built-in fake Zoom and its sample data.
demo:
	$(GO) run ./cmd/zoom-chat-sessions --demo

## update-spec: rebuild openapi.yaml from a whole Zoom document, print what changed, pin the
##   copies the contract tests read (gen/testdata), regenerate and check the module builds
##   (if not, every file is put back and the first errors are shown), then run the tests:
##   a failing test names a decision left to you.
##   make update-spec SPEC=path/to/zoom-document.json [PUBLISHED=yyyy-mm] [FAIL_ON_BREAKING=1]
update-spec:
	@test -n "$(SPEC)" || { echo "usage: make update-spec SPEC=path/to/zoom-document.json [PUBLISHED=yyyy-mm] [FAIL_ON_BREAKING=1]"; exit 2; }
	$(GO) run ./gen/updatespec -spec "$(SPEC)" -regenerate $(if $(PUBLISHED),-published "$(PUBLISHED)") $(if $(FAIL_ON_BREAKING),-fail-on-breaking)
	$(GO) test -count=1 -short ./...
