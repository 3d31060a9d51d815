# Thin wrappers; the README's commands are the real interface.
PG_URL ?= postgres://qalam:qalam@localhost:5432/qalam_test?sslmode=disable

.PHONY: build run test test-pg lint bench
build:
	CGO_ENABLED=0 go build -o qalam ./cmd/qalam
run:
	go run ./cmd/qalam serve --demo
test:
	go test ./...
test-pg:
	QALAM_TEST_POSTGRES_URL='$(PG_URL)' QALAM_TEST_POSTGRES_REQUIRED=1 go test ./...
lint:
	gofmt -l . && go vet ./...
bench:
	bash bench/run.sh
